package dev.nextgpt.gateway;

import dev.nextgpt.contracts.messages.PlannedOutput;
import java.util.List;

/**
 * One entry of a job's event stream (what {@code GET /v1/jobs/{id}/events} sends), numbered from 1 per job.
 *
 * @param detail what the kind carries: {@code TextPiece}, {@link StageProgress}, {@link Artifact}, {@link FinalText},
 *     or null for status changes (the stream renders the job itself then)
 */
public record JobUpdate(long sequence, Kind kind, Object detail) {

    /** The kinds of entries, named as the SSE {@code event:} field. */
    public enum Kind {
        QUEUED("queued"), RUNNING("running"), TEXT_DELTA("text.delta"), TEXT("text"), PROGRESS("progress"),
        ARTIFACT("artifact"), SUCCEEDED("succeeded"), FAILED("failed"), CANCELLED("cancelled");

        private final String eventName;

        Kind(String eventName) {
            this.eventName = eventName;
        }

        public String eventName() {
            return eventName;
        }

        public boolean terminal() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }

        public static Kind of(JobStatus status) {
            return valueOf(status.name());
        }
    }

    /** A streamed piece of text. */
    public record TextPiece(long sequence, String text) {
    }

    /** The final text and the outputs the job will deliver. */
    public record FinalText(String text, String finishReason, List<PlannedOutput> outputs) {
    }
}
