package dev.nextgpt.runtime.media;

/**
 * Input media that cannot be identified or decoded: unknown, unsupported, corrupt or truncated bytes, or sizes above
 * the configured {@link MediaLimits}. The message always starts with the format (or "media" when it is not known)
 * and says what is wrong, so it can be shown to the API caller as is.
 */
public class MediaDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String format;

    public MediaDecodeException(String format, String problem) {
        super(format + ": " + problem);
        this.format = format;
    }

    public MediaDecodeException(String format, String problem, Throwable cause) {
        super(format + ": " + problem + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""), cause);
        this.format = format;
    }

    /** With a cause whose message is already summarised in {@code problem} (not appended again). */
    MediaDecodeException(String format, String problem, Throwable cause, boolean appendCauseMessage) {
        super(format + ": " + problem + (appendCauseMessage && cause != null && cause.getMessage() != null
                ? " (" + cause.getMessage() + ")" : ""), cause);
        this.format = format;
    }

    public MediaDecodeException(MediaFormat format, String problem) {
        this(format.displayName(), problem);
    }

    public MediaDecodeException(MediaFormat format, String problem, Throwable cause) {
        this(format.displayName(), problem, cause);
    }

    /** The format the input was identified as ({@code "media"} when it was not identified). */
    public String format() {
        return format;
    }
}
