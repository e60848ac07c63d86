package dev.nextgpt.decoder;

/** Whether a job has been cancelled (backed by the worker's view of the control topic); polled per diffusion step. */
@FunctionalInterface
public interface CancellationCheck {
    CancellationCheck NEVER = jobId -> false;

    boolean isCancelled(String jobId);
}
