package dev.nextgpt.decoder;

import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.runtime.bundle.BundleManifest.DecoderSpec;
import dev.nextgpt.runtime.decoding.DiffusionParams;
import dev.nextgpt.runtime.decoding.SchedulerKind;
import java.util.OptionalInt;

/**
 * Turns a request's contract {@code DiffusionParams} (null = default) into the runtime's, filled from the bundle's
 * defaults and checked against its limits. A request without a seed gets one derived from its idempotency key, so
 * every delivery of the same output draws the same noise and yields the same bytes.
 */
public final class ParamsResolver {
    private final DecoderSpec spec;
    private final OptionalInt stepsOverride;

    public ParamsResolver(DecoderSpec spec, OptionalInt stepsOverride) {
        if (spec.defaults() == null) {
            throw new IllegalArgumentException("the bundle's decoder section has no defaults");
        }
        this.spec = spec;
        this.stepsOverride = stepsOverride;
    }

    /** The runtime parameters; {@link InvalidParamsException} names the first value outside the bundle's limits. */
    public DiffusionParams resolve(dev.nextgpt.contracts.messages.DiffusionParams requested, IdempotencyKey work) {
        var p = requested == null ? dev.nextgpt.contracts.messages.DiffusionParams.DEFAULTS : requested;
        int steps = p.steps() != null ? p.steps() : stepsOverride.orElse(spec.defaults().steps());
        double guidance = p.guidanceScale() != null ? p.guidanceScale() : spec.defaults().guidanceScale();
        long seed = p.seed() != null ? p.seed() : seedFor(work);
        try {
            SchedulerKind scheduler = SchedulerKind.fromKey(p.scheduler() != null ? p.scheduler() : spec.defaults().scheduler());
            return new DiffusionParams(steps, guidance, seed, scheduler).validateFor(spec);
        } catch (IllegalArgumentException e) {
            throw new InvalidParamsException("invalid diffusion params: " + e.getMessage(), e);
        }
    }

    /** The seed of an output whose request names none: stable per (job, stage, output index). */
    public static long seedFor(IdempotencyKey work) {
        return work.stableUuid().getMostSignificantBits();
    }
}
