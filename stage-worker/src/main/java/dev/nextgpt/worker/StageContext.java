package dev.nextgpt.worker;

import dev.nextgpt.contracts.Stage;
import java.time.Clock;

/**
 * What a handler works with: the publisher for its outputs, the stage's job events, this instance's cancellation
 * view, and the clock deadlines are measured with.
 */
public record StageContext(Stage stage, Publisher publisher, JobEvents events, CancellationView cancellation,
        Clock clock) {

    /** Whether {@code job} was cancelled or its deadline passed: stop working on it. */
    public boolean shouldStop(Delivery<?> job) {
        return cancellation.isCancelled(job.jobId()) || job.deadlinePassed(clock.instant());
    }
}
