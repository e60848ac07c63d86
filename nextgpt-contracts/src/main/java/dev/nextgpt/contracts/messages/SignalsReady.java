package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.NamedTensors;
import java.time.Instant;

/**
 * LLM → a modality's decoder ({@code nextgpt.signals.<modality>}): one output to generate.
 *
 * <p>{@code signals} is a safetensors blob with two F16 tensors of shape [N, H] (N = the modality's signal-token
 * count, H = LLM hidden size): {@value #SIGNAL_HIDDEN}, the last-layer normed hidden states at the signal tokens,
 * and {@value #SIGNAL_EMBEDS}, the signal tokens' input embeddings (the output projection adds them).
 */
@JsonTypeName("signals.ready")
public record SignalsReady(
    @JsonProperty(required = true) int schema,
    String jobId,
    String tenant,
    Modality modality,
    @JsonProperty(required = true) int outputIndex,
    TensorPayload signals,
    DiffusionParams diffusion,
    Instant deadline) implements Message {
  public static final String SIGNAL_HIDDEN = "signal_hidden";
  public static final String SIGNAL_EMBEDS = "signal_embeds";

  public SignalsReady {
    Fields.schema(schema, "SignalsReady");
    Fields.jobId(jobId, "SignalsReady");
    Fields.tenant(tenant, "SignalsReady");
    Fields.required(modality, "SignalsReady.modality");
    Fields.range(outputIndex, 0, IdempotencyKey.MAX_OUTPUT_INDEX, "SignalsReady.outputIndex");
    Fields.required(signals, "SignalsReady.signals");
    diffusion = diffusion == null ? DiffusionParams.DEFAULTS : diffusion;
  }

  /** Refuses decoded signal tensors unless both are there with shape [N, H], N the modality's token count. */
  public static NamedTensors checkSignals(NamedTensors tensors, Modality modality) {
    FloatTensor hidden = tensors.require(SIGNAL_HIDDEN).requireShape(modality.signalTokenCount(), -1);
    tensors.require(SIGNAL_EMBEDS).requireShape(hidden.shape());
    return tensors;
  }

  /** The unit of idempotency of this output: (job, decode-modality, output index). */
  public IdempotencyKey idempotencyKey() {
    return new IdempotencyKey(jobId, Stage.decode(modality), outputIndex);
  }
}
