package dev.nextgpt.decoder;

/**
 * A well-formed request whose diffusion parameters the bundle cannot honour (steps beyond its limit, guidance out of
 * range, an unknown scheduler): the job fails with this message as reason; the record is not a dead letter.
 */
public final class InvalidParamsException extends RuntimeException {
    public InvalidParamsException(String message, Throwable cause) {
        super(message, cause);
    }
}
