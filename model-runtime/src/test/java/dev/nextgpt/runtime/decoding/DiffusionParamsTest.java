package dev.nextgpt.runtime.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.bundle.BundleLoader;
import dev.nextgpt.runtime.bundle.BundleManifest;
import dev.nextgpt.runtime.bundle.BundleManifest.DecoderSpec;
import dev.nextgpt.runtime.testing.RepoPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Parameter validation against the nano manifest (reads only bundle.json). */
class DiffusionParamsTest {
    private static final BundleManifest MANIFEST = BundleLoader.readManifest(RepoPaths.nanoBundle());
    private static final DecoderSpec IMAGE = MANIFEST.decoder(Modality.IMAGE);

    private static void rejected(String expectedInMessage, Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(expectedInMessage), "message '" + e.getMessage() + "' should mention " + expectedInMessage);
    }

    @Test
    void defaultsComeFromTheManifest() {
        DiffusionParams p = DiffusionParams.defaults(IMAGE, 99);
        assertEquals(IMAGE.defaults().steps(), p.steps());
        assertEquals(IMAGE.defaults().guidanceScale(), p.guidanceScale());
        assertEquals(SchedulerKind.fromKey(IMAGE.defaults().scheduler()), p.scheduler());
        assertEquals(99, p.seed());
        assertSame(p, p.validateFor(IMAGE));
    }

    @Test
    void stepsOutsideOneToMaxStepsAreRejected() {
        DiffusionParams p = DiffusionParams.defaults(IMAGE, 1);
        rejected("steps must be ≥ 1, got 0", () -> p.withSteps(0));
        rejected("steps must be ≥ 1, got -3", () -> p.withSteps(-3));
        int max = IMAGE.limits().maxSteps();
        assertEquals(max, p.withSteps(max).steps());
        p.withSteps(max).validateFor(IMAGE);
        rejected("steps must be in 1.." + max + ", got " + (max + 1), () -> p.withSteps(max + 1).validateFor(IMAGE));
    }

    @Test
    void guidanceOutsideOneToThirtyIsRejected() {
        DiffusionParams p = DiffusionParams.defaults(IMAGE, 1);
        rejected("guidance scale must be a number in [1.0, 30.0], got 0.5", () -> p.withGuidanceScale(0.5));
        rejected("got 30.5", () -> p.withGuidanceScale(30.5));
        rejected("got NaN", () -> p.withGuidanceScale(Double.NaN));
        rejected("got Infinity", () -> p.withGuidanceScale(Double.POSITIVE_INFINITY));
        assertEquals(1.0, p.withGuidanceScale(1.0).guidanceScale());
        assertEquals(30.0, p.withGuidanceScale(30.0).guidanceScale());
    }

    @Test
    void aMissingOrUnknownSchedulerIsRejected() {
        rejected("scheduler is required", () -> new DiffusionParams(10, 7.5, 1, null));
        rejected("unknown scheduler 'euler'", () -> SchedulerKind.fromKey("euler"));
    }

    @Test
    void theBatchKeyHoldsModalityStepsAndScheduler() {
        DiffusionParams p = DiffusionParams.defaults(IMAGE, 1);
        assertEquals(BatchKey.of(Modality.IMAGE, p), BatchKey.of(Modality.IMAGE, p.withSeed(2).withGuidanceScale(3)));
        assertTrue(!BatchKey.of(Modality.IMAGE, p).equals(BatchKey.of(Modality.IMAGE, p.withSteps(3))));
        assertTrue(!BatchKey.of(Modality.IMAGE, p).equals(BatchKey.of(Modality.VIDEO, p)));
        assertTrue(!BatchKey.of(Modality.IMAGE, p).equals(BatchKey.of(Modality.IMAGE, p.withScheduler(SchedulerKind.DPMPP_2M))));
    }
}
