package dev.nextgpt.runtime.media;

/** Writing PNG, WAV or MP4 failed (for MP4: no usable H.264 encoder, or FFmpeg refused the stream). */
public class MediaEncodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MediaEncodeException(String message) {
        super(message);
    }

    public MediaEncodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
