package dev.nextgpt.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.messages.DiffusionParams;
import dev.nextgpt.decoder.testing.SampleSignals;
import dev.nextgpt.runtime.bundle.BundleLoader;
import dev.nextgpt.runtime.bundle.BundleManifest.DecoderSpec;
import dev.nextgpt.runtime.decoding.SchedulerKind;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ParamsResolverTest {
    private static final DecoderSpec IMAGE = BundleLoader.readManifest(SampleSignals.nanoBundle()).decoder(Modality.IMAGE);
    private static final IdempotencyKey WORK = new IdempotencyKey("job-1", Stage.DECODE_IMAGE, 0);

    @Test
    void missingValuesComeFromTheBundleAndTheSeedFromTheWork() {
        var p = new ParamsResolver(IMAGE, OptionalInt.empty()).resolve(DiffusionParams.DEFAULTS, WORK);
        assertEquals(20, p.steps());
        assertEquals(IMAGE.defaults().guidanceScale(), p.guidanceScale());
        assertEquals(SchedulerKind.DDIM, p.scheduler());
        assertEquals(ParamsResolver.seedFor(WORK), p.seed());
        assertEquals(p, new ParamsResolver(IMAGE, OptionalInt.empty()).resolve(null, WORK), "null params = defaults");
        assertNotEquals(p.seed(), ParamsResolver.seedFor(new IdempotencyKey("job-1", Stage.DECODE_IMAGE, 1)));
    }

    @Test
    void requestedValuesWinAndTheStepsOverrideOnlyFillsAGap() {
        var resolver = new ParamsResolver(IMAGE, OptionalInt.of(8));
        assertEquals(8, resolver.resolve(DiffusionParams.DEFAULTS, WORK).steps());
        var p = resolver.resolve(new DiffusionParams(30, 3.0, "dpmpp_2m", 42L), WORK);
        assertEquals(new dev.nextgpt.runtime.decoding.DiffusionParams(30, 3.0, 42, SchedulerKind.DPMPP_2M), p);
    }

    @Test
    void valuesBeyondTheBundlesLimitsAreInvalidParamsWithAReason() {
        var resolver = new ParamsResolver(IMAGE, OptionalInt.empty());
        var steps = assertThrows(InvalidParamsException.class,
                () -> resolver.resolve(new DiffusionParams(500, null, null, null), WORK));
        assertTrue(steps.getMessage().contains("steps must be in 1..100, got 500"), steps.getMessage());
        var guidance = assertThrows(InvalidParamsException.class,
                () -> resolver.resolve(new DiffusionParams(null, 0.5, null, null), WORK));
        assertTrue(guidance.getMessage().contains("guidance scale"), guidance.getMessage());
        var scheduler = assertThrows(InvalidParamsException.class,
                () -> resolver.resolve(new DiffusionParams(null, null, "euler", null), WORK));
        assertTrue(scheduler.getMessage().contains("unknown scheduler 'euler'"), scheduler.getMessage());
    }
}
