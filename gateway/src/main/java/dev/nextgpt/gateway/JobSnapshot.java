package dev.nextgpt.gateway;

import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.PlannedOutput;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A job as the gateway knows it from the topics, at one moment: immutable, so it can be rendered, compared (a fresh
 * replica must build equal ones) and handed across threads.
 *
 * @param text the final text, or the streamed text so far
 * @param finishReason {@code stop} or {@code length} once the final text is there
 * @param plannedOutputs the outputs the job delivers (known with the final text)
 */
public record JobSnapshot(
        String id,
        String tenant,
        JobRequested request,
        JobStatus status,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt,
        String text,
        String finishReason,
        List<PlannedOutput> plannedOutputs,
        List<Artifact> artifacts,
        List<StageProgress> stages,
        JobFailure error,
        String cancelReason,
        List<DeliveryAttempt> webhookAttempts,
        long lastSequence) {

    /** Whether the job asked for a webhook. */
    public boolean hasWebhook() {
        return request != null && request.webhook() != null;
    }

    /**
     * The webhook event id of this job's terminal state: the same on every replica and for every attempt, so a
     * receiver drops duplicates by it.
     */
    public String webhookEventId() {
        return eventId(id, status);
    }

    /** The webhook event id of {@code status} for {@code jobId}: {@code evt-} and a name-based UUID. */
    public static String eventId(String jobId, JobStatus status) {
        return "evt-" + UUID.nameUUIDFromBytes(("nextgpt:webhook:" + jobId + ":" + status.wireName())
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The attempts recorded for the current (terminal) status. */
    public List<DeliveryAttempt> attemptsForStatus() {
        return webhookAttempts.stream().filter(a -> a.attempt().jobStatus().equals(status.wireName())).toList();
    }

    /** Whether an attempt for the current status was delivered. */
    public boolean webhookDelivered() {
        return attemptsForStatus().stream().anyMatch(a -> a.attempt().delivered());
    }
}
