package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.nextgpt.contracts.Modality;
import java.time.Instant;
import java.util.List;

/**
 * Gateway → encoder ({@code nextgpt.jobs.requested}): a submitted job.
 *
 * @param turns the conversation, oldest first; the last turn is the user's new request
 * @param outputs the media the client accepts; the LLM's signal groups of other modalities are suppressed
 * @param generation text generation settings (null fields: bundle defaults)
 * @param diffusion diffusion settings for every media output (null fields: bundle defaults)
 * @param deadline when the job is abandoned (null: none); workers drop expired jobs with a failed event
 * @param webhook where the gateway reports completion (null: none)
 */
@JsonTypeName("job.requested")
public record JobRequested(
    @JsonProperty(required = true) int schema,
    String jobId,
    String tenant,
    Instant createdAt,
    List<Turn> turns,
    List<Modality> outputs,
    GenerationParams generation,
    DiffusionParams diffusion,
    Instant deadline,
    Webhook webhook) implements Message {
  public JobRequested {
    Fields.schema(schema, "JobRequested");
    Fields.jobId(jobId, "JobRequested");
    Fields.tenant(tenant, "JobRequested");
    Fields.required(createdAt, "JobRequested.createdAt");
    turns = Turn.conversation(turns, "JobRequested.turns");
    outputs = Fields.distinct(outputs, "JobRequested.outputs", Modality.values().length);
    generation = generation == null ? GenerationParams.DEFAULTS : generation;
    diffusion = diffusion == null ? DiffusionParams.DEFAULTS : diffusion;
    if (deadline != null && !deadline.isAfter(createdAt)) {
      throw Fields.violation("JobRequested.deadline", "must be after createdAt");
    }
  }

  /** Every media reference in the conversation, in prompt order. */
  public List<MediaRef> media() {
    return turns.stream().flatMap(t -> t.content().stream())
        .filter(p -> p instanceof ContentPart.Media).map(p -> ((ContentPart.Media) p).media()).toList();
  }
}
