package dev.nextgpt.decoder;

import dev.nextgpt.contracts.Modality;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a decoder service is configured with (the apps fill it from {@code nextgpt.decoder.*}).
 *
 * @param modality         the one modality this instance decodes
 * @param bundle           the model bundle folder
 * @param maxBatch         most requests in one denoiser batch
 * @param maxWait          how long the first request of a batch may wait for compatible ones
 * @param stepsOverride    steps for requests that name none, instead of the bundle's default
 * @param progressInterval least time between two progress events of one output (the final 1.0 is always sent)
 * @param padBatches       fill every denoiser batch up to {@code maxBatch} with filler requests, so that an output's
 *                         bytes never depend on which requests shared its batch (libtorch's kernels round differently
 *                         for different batch sizes, by up to 1e-5: enough to flip a pixel or a PCM16 sample)
 */
public record DecoderSettings(
        Modality modality, Path bundle, int maxBatch, Duration maxWait, OptionalInt stepsOverride, Duration progressInterval,
        boolean padBatches) {

    public DecoderSettings {
        Objects.requireNonNull(modality, "modality");
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(stepsOverride, "stepsOverride");
        Objects.requireNonNull(progressInterval, "progressInterval");
        if (maxBatch < 1 || maxBatch > 64) {
            throw new IllegalArgumentException("max-batch must be in 1..64, was " + maxBatch);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("max-wait must not be negative, was " + maxWait);
        }
        if (progressInterval.isNegative()) {
            throw new IllegalArgumentException("progress-interval must not be negative, was " + progressInterval);
        }
        if (stepsOverride.isPresent() && stepsOverride.getAsInt() < 1) {
            throw new IllegalArgumentException("default-steps must be ≥ 1, was " + stepsOverride.getAsInt());
        }
    }

    /** Defaults for a modality: padded batches of 4 within 50 ms, the bundle's steps, progress at most every 250 ms. */
    public static DecoderSettings defaults(Modality modality, Path bundle) {
        return new DecoderSettings(modality, bundle, 4, Duration.ofMillis(50), OptionalInt.empty(), Duration.ofMillis(250), true);
    }

    public DecoderSettings withMaxBatch(int maxBatch) {
        return new DecoderSettings(modality, bundle, maxBatch, maxWait, stepsOverride, progressInterval, padBatches);
    }

    public DecoderSettings withMaxWait(Duration maxWait) {
        return new DecoderSettings(modality, bundle, maxBatch, maxWait, stepsOverride, progressInterval, padBatches);
    }

    public DecoderSettings withStepsOverride(OptionalInt stepsOverride) {
        return new DecoderSettings(modality, bundle, maxBatch, maxWait, stepsOverride, progressInterval, padBatches);
    }

    public DecoderSettings withProgressInterval(Duration progressInterval) {
        return new DecoderSettings(modality, bundle, maxBatch, maxWait, stepsOverride, progressInterval, padBatches);
    }

    public DecoderSettings withPadBatches(boolean padBatches) {
        return new DecoderSettings(modality, bundle, maxBatch, maxWait, stepsOverride, progressInterval, padBatches);
    }
}
