package dev.nextgpt.decoder;

import dev.nextgpt.contracts.messages.JobEvent;

/** Publishes a progress event of a task as it happens (fire and forget: progress is advisory). */
@FunctionalInterface
public interface ProgressSink {
    ProgressSink NONE = (task, event) -> {};

    void publish(DecodeTask task, JobEvent event);
}
