package dev.nextgpt.worker;

/** A produced record was not acknowledged by Kafka; the worker does not commit and consumes the batch again. */
public class PublishFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PublishFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
