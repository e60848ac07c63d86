package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import java.time.Duration;

/**
 * How one {@link DiffusionJob} ended: the final latent {@code [1,*latent_shape]} when {@link DecodeStatus#COMPLETED}
 * (living in the scope given to {@link DiffusionLoop#run}), null otherwise; the steps taken; and the time from the
 * start of the loop until the job finished or left.
 */
public record DiffusionOutcome(DecodeStatus status, NDArray latent, int stepsCompleted, Duration elapsed) {
    public boolean completed() {
        return status == DecodeStatus.COMPLETED;
    }
}
