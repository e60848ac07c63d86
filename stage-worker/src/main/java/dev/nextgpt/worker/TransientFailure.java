package dev.nextgpt.worker;

/**
 * Thrown by a handler when the batch cannot be processed now for a reason outside the jobs (object store or a
 * dependency unreachable): the worker commits nothing, pauses (2 s) and consumes
 * the same batch again, instead of failing jobs that would succeed a moment later.
 */
public class TransientFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransientFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
