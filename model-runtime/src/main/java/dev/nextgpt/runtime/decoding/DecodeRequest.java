package dev.nextgpt.runtime.decoding;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One thing to generate: a complete signal-token group from the LLM tier and its diffusion parameters.
 *
 * @param id           caller's identifier, echoed in the result (e.g. job id and output index)
 * @param signals      the signal group; its modality selects the decoder
 * @param params       diffusion parameters
 * @param noise        explicit initial latent noise (one item, {@code latent_shape} floats), or null to draw it from
 *                     {@code params.seed()} with {@link SeededNoise}
 * @param deadline     when the request stops being worth finishing (checked at each step boundary), or null
 * @param cancellation polled at each step boundary; {@code true} makes the request leave its batch, or null
 */
public record DecodeRequest(
        String id, SignalGroup signals, DiffusionParams params, float[] noise, Instant deadline, BooleanSupplier cancellation) {

    public DecodeRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(signals, "signals");
        Objects.requireNonNull(params, "params");
    }

    public static DecodeRequest of(String id, SignalGroup signals, DiffusionParams params) {
        return new DecodeRequest(id, signals, params, null, null, null);
    }

    public DecodeRequest withParams(DiffusionParams params) {
        return new DecodeRequest(id, signals, params, noise, deadline, cancellation);
    }

    public DecodeRequest withNoise(float[] noise) {
        return new DecodeRequest(id, signals, params, noise, deadline, cancellation);
    }

    public DecodeRequest withDeadline(Instant deadline) {
        return new DecodeRequest(id, signals, params, noise, deadline, cancellation);
    }

    public DecodeRequest withCancellation(BooleanSupplier cancellation) {
        return new DecodeRequest(id, signals, params, noise, deadline, cancellation);
    }

    public Modality modality() {
        return signals.modality();
    }

    /** The key requests must share to be decoded in one batch. */
    public BatchKey batchKey() {
        return BatchKey.of(modality(), params);
    }
}
