package dev.nextgpt.runtime.decoding;

import dev.nextgpt.runtime.bundle.BundleManifest.DecoderSpec;

/**
 * The diffusion parameters of one request: number of steps, classifier-free guidance scale, noise seed and sampler.
 * The constructor rejects values that make no sense for any bundle; {@link #validateFor} checks a decoder's limits.
 *
 * <p>Guidance follows diffusers: {@code g = 1} means no guidance (the conditional prediction alone), larger values
 * push towards the conditioning; values must lie in [{@value #MIN_GUIDANCE}, {@value #MAX_GUIDANCE}].
 */
public record DiffusionParams(int steps, double guidanceScale, long seed, SchedulerKind scheduler) {
    public static final double MIN_GUIDANCE = 1.0;
    public static final double MAX_GUIDANCE = 30.0;

    public DiffusionParams {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be ≥ 1, got " + steps);
        }
        if (!Double.isFinite(guidanceScale) || guidanceScale < MIN_GUIDANCE || guidanceScale > MAX_GUIDANCE) {
            throw new IllegalArgumentException("guidance scale must be a number in [" + MIN_GUIDANCE + ", " + MAX_GUIDANCE
                    + "], got " + guidanceScale);
        }
        if (scheduler == null) {
            throw new IllegalArgumentException("scheduler is required (ddim or dpmpp_2m)");
        }
    }

    /** The decoder's defaults (steps, guidance scale, scheduler from the manifest) with the given seed. */
    public static DiffusionParams defaults(DecoderSpec decoder, long seed) {
        if (decoder.defaults() == null) {
            throw new IllegalArgumentException("the decoder section has no defaults");
        }
        return new DiffusionParams(decoder.defaults().steps(), decoder.defaults().guidanceScale(), seed,
                SchedulerKind.fromKey(decoder.defaults().scheduler()));
    }

    /**
     * Checks the request against a decoder's limits ({@code 1 ≤ steps ≤ limits.max_steps}, and no more steps than
     * training timesteps). Returns {@code this}; an {@link IllegalArgumentException} names what is wrong.
     */
    public DiffusionParams validateFor(DecoderSpec decoder) {
        int maxSteps = decoder.limits() != null && decoder.limits().maxSteps() > 0 ? decoder.limits().maxSteps() : Integer.MAX_VALUE;
        if (decoder.scheduler() != null) {
            maxSteps = Math.min(maxSteps, decoder.scheduler().numTrainTimesteps());
        }
        if (steps > maxSteps) {
            throw new IllegalArgumentException("steps must be in 1.." + maxSteps + ", got " + steps);
        }
        return this;
    }

    public DiffusionParams withSteps(int steps) {
        return new DiffusionParams(steps, guidanceScale, seed, scheduler);
    }

    public DiffusionParams withGuidanceScale(double guidanceScale) {
        return new DiffusionParams(steps, guidanceScale, seed, scheduler);
    }

    public DiffusionParams withSeed(long seed) {
        return new DiffusionParams(steps, guidanceScale, seed, scheduler);
    }

    public DiffusionParams withScheduler(SchedulerKind scheduler) {
        return new DiffusionParams(steps, guidanceScale, seed, scheduler);
    }
}
