package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.nextgpt.contracts.Identifiers;
import dev.nextgpt.contracts.Modality;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Gateway → encoder ({@code nextgpt.jobs.requested}): a submitted job.
 *
 * @param turns the conversation, oldest first; the last turn is the user's new request
 * @param outputs the media the client forces (API {@code "outputs": ["image", …]}): the LLM completes a group of each
 *     even if the model did not emit one; empty ({@code "auto"}): the model decides. The job's planned outputs are
 *     these plus the groups the model emitted (docs/services.md)
 * @param generation text generation settings (null fields: bundle defaults)
 * @param diffusion diffusion settings for every media output (null fields: bundle defaults)
 * @param deadline when the job is abandoned (null: none); workers drop expired jobs with a failed event
 * @param webhook where the gateway reports completion (null: none)
 * @param diffusionByModality per-modality settings that replace {@code diffusion} for that modality's outputs
 *     (empty: {@code diffusion} for all); read them with {@link #diffusionFor(Modality)}
 * @param requestDigest the gateway's fingerprint of the API request (lower-case hex SHA-256, null: none): a second
 *     submission with the same {@code Idempotency-Key} must carry the same one
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
    Webhook webhook,
    Map<Modality, DiffusionParams> diffusionByModality,
    String requestDigest) implements Message {
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
    diffusionByModality = Fields.byModality(diffusionByModality, "JobRequested.diffusionByModality");
    if (requestDigest != null) {
      Identifiers.requireSha256(requestDigest, "JobRequested.requestDigest");
    }
  }

  /** A request without per-modality diffusion settings and without a request digest. */
  public JobRequested(int schema, String jobId, String tenant, Instant createdAt, List<Turn> turns,
      List<Modality> outputs, GenerationParams generation, DiffusionParams diffusion, Instant deadline,
      Webhook webhook) {
    this(schema, jobId, tenant, createdAt, turns, outputs, generation, diffusion, deadline, webhook, null, null);
  }

  /** The diffusion settings of {@code modality}'s outputs. */
  public DiffusionParams diffusionFor(Modality modality) {
    return diffusionByModality.getOrDefault(modality, diffusion);
  }

  /** Every media reference in the conversation, in prompt order. */
  public List<MediaRef> media() {
    return turns.stream().flatMap(t -> t.content().stream())
        .filter(p -> p instanceof ContentPart.Media).map(p -> ((ContentPart.Media) p).media()).toList();
  }
}
