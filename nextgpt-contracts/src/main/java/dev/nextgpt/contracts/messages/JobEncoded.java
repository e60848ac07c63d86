package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.nextgpt.contracts.Modality;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encoder → LLM ({@code nextgpt.jobs.encoded}): the job with exactly one {@link EncodedMedia} per media part of
 * its turns.
 */
@JsonTypeName("job.encoded")
public record JobEncoded(
    @JsonProperty(required = true) int schema,
    String jobId,
    String tenant,
    List<Turn> turns,
    List<EncodedMedia> media,
    List<Modality> outputs,
    GenerationParams generation,
    DiffusionParams diffusion,
    Instant deadline,
    Map<Modality, DiffusionParams> diffusionByModality) implements Message {
  public JobEncoded {
    Fields.schema(schema, "JobEncoded");
    Fields.jobId(jobId, "JobEncoded");
    Fields.tenant(tenant, "JobEncoded");
    turns = Turn.conversation(turns, "JobEncoded.turns");
    media = Fields.list(media, "JobEncoded.media", Messages.MAX_TURNS * Turn.MAX_PARTS);
    outputs = Fields.distinct(outputs, "JobEncoded.outputs", Modality.values().length);
    generation = generation == null ? GenerationParams.DEFAULTS : generation;
    diffusion = diffusion == null ? DiffusionParams.DEFAULTS : diffusion;
    diffusionByModality = Fields.byModality(diffusionByModality, "JobEncoded.diffusionByModality");
    checkMediaMatchTurns(turns, media);
  }

  /** An encoded job without per-modality diffusion settings. */
  public JobEncoded(int schema, String jobId, String tenant, List<Turn> turns, List<EncodedMedia> media,
      List<Modality> outputs, GenerationParams generation, DiffusionParams diffusion, Instant deadline) {
    this(schema, jobId, tenant, turns, media, outputs, generation, diffusion, deadline, null);
  }

  /** The diffusion settings of {@code modality}'s outputs (what goes into its {@link SignalsReady}). */
  public DiffusionParams diffusionFor(Modality modality) {
    return diffusionByModality.getOrDefault(modality, diffusion);
  }

  /** Builds the encoded job from its request. */
  public static JobEncoded of(JobRequested request, List<EncodedMedia> media) {
    return new JobEncoded(Messages.SCHEMA, request.jobId(), request.tenant(), request.turns(), media,
        request.outputs(), request.generation(), request.diffusion(), request.deadline(),
        request.diffusionByModality());
  }

  /** The embeddings of {@code turns[turn].content[part]}. */
  public EncodedMedia mediaAt(int turn, int part) {
    for (EncodedMedia m : media) {
      if (m.turn() == turn && m.part() == part) {
        return m;
      }
    }
    throw Fields.violation("JobEncoded.media", "no embeddings for turns[" + turn + "].content[" + part + "]");
  }

  private static void checkMediaMatchTurns(List<Turn> turns, List<EncodedMedia> media) {
    Map<Long, EncodedMedia> byPosition = new HashMap<>();
    for (int i = 0; i < media.size(); i++) {
      EncodedMedia m = media.get(i);
      String where = "JobEncoded.media[" + i + "]";
      if (m.turn() >= turns.size() || m.part() >= turns.get(m.turn()).content().size()) {
        throw Fields.violation(where, "points at turns[" + m.turn() + "].content[" + m.part() + "], which does not exist");
      }
      if (!(turns.get(m.turn()).content().get(m.part()) instanceof ContentPart.Media part)) {
        throw Fields.violation(where, "points at turns[" + m.turn() + "].content[" + m.part() + "], which is text");
      }
      if (part.media().modality() != m.modality()) {
        throw Fields.violation(where, "modality " + m.modality().wireName() + " but the part is "
            + part.media().modality().wireName());
      }
      if (byPosition.put(((long) m.turn() << 32) | m.part(), m) != null) {
        throw Fields.violation(where, "turns[" + m.turn() + "].content[" + m.part() + "] is encoded twice");
      }
    }
    for (int t = 0; t < turns.size(); t++) {
      List<ContentPart> content = turns.get(t).content();
      for (int p = 0; p < content.size(); p++) {
        if (content.get(p) instanceof ContentPart.Media && !byPosition.containsKey(((long) t << 32) | p)) {
          throw Fields.violation("JobEncoded.media", "no embeddings for turns[" + t + "].content[" + p + "]");
        }
      }
    }
  }
}
