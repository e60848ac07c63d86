package dev.nextgpt.gateway;

/**
 * A request the API refuses, with its HTTP status, a stable {@code code} and a message that names the field and the
 * rule. Rendered as {@code {"error":{"code":…,"message":…,"status":…}}}.
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** 400: a field breaks a rule; the message starts with the field's path. */
    public static ApiException invalid(String field, String problem) {
        return new ApiException(400, "invalid_request", field + ": " + problem);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "unavailable", message);
    }
}
