package dev.nextgpt.gateway.mapping;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.nextgpt.gateway.JobStatus;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A job as {@code GET /v1/jobs/{id}} answers it, and as its webhook posts it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Job", description = "A job: status, per-stage progress, text, artifacts, error and webhook attempts")
public record JobView(
        String id,
        @Schema(description = "Always 'job'") String object,
        @Schema(enumeration = {"queued", "running", "succeeded", "failed", "cancelled"}) JobStatus status,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("updated_at") Instant updatedAt,
        @JsonProperty("finished_at") Instant finishedAt,
        Instant deadline,
        @Schema(description = "\"auto\" or the forced modalities") Object outputs,
        @Schema(description = "Progress of each stage (and output) that reported") List<StageView> stages,
        @Schema(description = "The final text, or the text streamed so far") String text,
        @JsonProperty("finish_reason") @Schema(enumeration = {"stop", "length"}) String finishReason,
        @JsonProperty("planned_outputs") List<OutputRef> plannedOutputs,
        List<ArtifactView> artifacts,
        ErrorView error,
        @JsonProperty("cancel_reason") String cancelReason,
        WebhookView webhook) {

    /** A stage's progress, 0..1. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StageView(String stage, @JsonProperty("output_index") Integer outputIndex, double progress,
            Instant at) {
    }

    /** An output the job delivers. */
    public record OutputRef(String modality, int index) {
    }

    /** A stored output with a presigned download URL. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "Artifact")
    public record ArtifactView(String modality, int index, @JsonProperty("content_type") String contentType,
            long size, String sha256, String url, @JsonProperty("url_expires_at") Instant urlExpiresAt,
            @JsonProperty("stored_at") Instant storedAt) {
    }

    /** Why the job failed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorView(String stage, @JsonProperty("output_index") Integer outputIndex, String reason) {
    }

    /** The job's webhook and every delivery attempt (the secret is never shown). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WebhookView(String url, @JsonProperty("event_id") String eventId, boolean delivered,
            List<AttemptView> attempts) {
    }

    /** One delivery attempt. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptView(int attempt, @JsonProperty("event_id") String eventId,
            @JsonProperty("job_status") String jobStatus, Instant at, boolean delivered,
            @JsonProperty("http_status") Integer httpStatus, String error) {
    }
}
