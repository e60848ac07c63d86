package dev.nextgpt.worker;

/**
 * Thrown by a handler when one job cannot be processed (undecodable media, a prompt too long…): the worker marks
 * that job FAILED with {@code reason} and goes on with the rest of the batch.
 */
public class StageFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String jobId;

    public StageFailure(String jobId, String reason) {
        super(reason);
        this.jobId = jobId;
    }

    public StageFailure(String jobId, String reason, Throwable cause) {
        super(reason, cause);
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }

    public String reason() {
        return getMessage();
    }
}
