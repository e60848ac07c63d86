package dev.nextgpt.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.gateway.ApiException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one error format of the API, {@code {"error":{"code":…,"message":…,"status":…}}}, for every 4xx and 5xx: the
 * gateway's own refusals and Quarkus' (unknown route, wrong method, unsupported content type, unreadable body).
 */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    /** The error body. */
    @Schema(name = "Error", description = "Every error of the API")
    public record ErrorBody(Detail error) {
        /** What went wrong: a stable code, a message naming the field, and the HTTP status. */
        public record Detail(String code, String message, int status) {
        }
    }

    private static final Map<Integer, String> CODES = Map.ofEntries(
            Map.entry(400, "invalid_request"), Map.entry(401, "unauthorized"), Map.entry(403, "forbidden"),
            Map.entry(404, "not_found"), Map.entry(405, "method_not_allowed"), Map.entry(406, "not_acceptable"),
            Map.entry(409, "conflict"), Map.entry(413, "payload_too_large"), Map.entry(415, "unsupported_media_type"),
            Map.entry(429, "too_many_requests"), Map.entry(503, "unavailable"));

    /** An error response in the API's format. */
    public static Response response(int status, String code, String message) {
        Response.ResponseBuilder r = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(new ErrorBody.Detail(code, message, status)));
        if (status == 401) {
            r.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"nextgpt\"");
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return response(e.status(), e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response contract(ContractViolation e) {
        return response(400, "invalid_request", e.getMessage());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return response(400, "invalid_json", "request body is not valid JSON: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, HttpServerRequest request) {
        Set<String> allowed = new TreeSet<>(e.getResponse().getAllowedMethods());
        allowed.addAll(allowedMethods(request.path()));
        allowed.remove("OPTIONS");
        Response r = response(405, "method_not_allowed", request.method().name() + " is not allowed on "
                + request.path() + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", allowed) + ")"));
        return Response.fromResponse(r).allow(allowed).build();
    }

    /** The methods of the API's routes (RESTEasy does not say which methods a path has). */
    static Set<String> allowedMethods(String path) {
        if (path.matches("/v1/jobs/?")) {
            return Set.of("GET", "POST");
        }
        if (path.matches("/v1/jobs/[^/]+/events/?")) {
            return Set.of("GET");
        }
        if (path.matches("/v1/jobs/[^/]+/?")) {
            return Set.of("GET", "DELETE");
        }
        if (path.matches("/v1/files/?")) {
            return Set.of("POST");
        }
        if (path.matches("/v1/files/[^/]+/?")) {
            return Set.of("GET");
        }
        return Set.of();
    }

    @ServerExceptionMapper
    public Response notSupported(NotSupportedException e, HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return response(415, "unsupported_media_type", "Content-Type: "
                + (type == null ? "missing" : "'" + type + "' is not supported") + " for " + request.method().name()
                + " " + request.path() + " (use " + expected(request.path()) + ")");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        String message = switch (status) {
            case 404 -> "no such resource: " + request.method().name() + " " + request.path();
            case 406 -> "Accept: '" + request.getHeader(HttpHeaders.ACCEPT) + "' cannot be served by "
                    + request.method().name() + " " + request.path() + " (it answers application/json"
                    + (request.path().endsWith("/events") ? " or text/event-stream" : "") + ")";
            default -> e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase()
                    : e.getMessage();
        };
        String code = CODES.getOrDefault(status, status >= 500 ? "internal_error" : "invalid_request");
        return response(status, code, message);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.errorf(e, "unexpected error on %s", uri.getPath());
        return response(500, "internal_error", "internal error (" + e.getClass().getSimpleName()
                + "); the gateway log has the details");
    }

    private static String expected(String path) {
        if (path.startsWith("/v1/jobs")) {
            return "application/json or multipart/form-data";
        }
        if (path.startsWith("/v1/files")) {
            return "multipart/form-data with a 'file' field";
        }
        return "application/json";
    }
}
