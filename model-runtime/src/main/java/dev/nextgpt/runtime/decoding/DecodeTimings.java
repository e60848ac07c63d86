package dev.nextgpt.runtime.decoding;

import java.time.Duration;

/**
 * Wall time of the stages that produced one result. Stages run batched, so a request reports the time of the batch
 * it ran in (the denoise time of a request that left early counts until it left). Stages that did not run are zero.
 */
public record DecodeTimings(Duration projection, Duration denoise, Duration vae, Duration vocoder) {
    public static final DecodeTimings NONE = new DecodeTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public Duration total() {
        return projection.plus(denoise).plus(vae).plus(vocoder);
    }
}
