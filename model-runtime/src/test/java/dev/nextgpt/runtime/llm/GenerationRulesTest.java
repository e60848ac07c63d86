package dev.nextgpt.runtime.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.bundle.BundleLoader;
import dev.nextgpt.runtime.testing.RepoPaths;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Model-free rules: the signal-token state machine, the sampler and the stop-string filter. */
class GenerationRulesTest {
    private static final SignalTokens SIGNALS = SignalTokens.fromManifest(BundleLoader.readManifest(RepoPaths.nanoBundle()));

    @Test
    void aGroupStartsOnlyAtIndexZeroAndIsThenForcedInOrder() {
        SignalTokens.State s = SIGNALS.newState(Set.of());
        float[] logits = new float[1036];
        s.constrain(logits, 500);
        assertEquals(0f, logits[1000]);
        assertEquals(Float.NEGATIVE_INFINITY, logits[1001]);
        assertEquals(0f, logits[1004]);
        assertEquals(Float.NEGATIVE_INFINITY, logits[1035]);
        assertEquals(0f, logits[999]);
        assertThrows(IllegalStateException.class, () -> s.accept(1002));
        SignalTokens.Accepted first = s.accept(1004);
        assertEquals(Modality.AUDIO, first.modality());
        assertTrue(first.firstGroupOfModality());
        for (int i = 1; i < 8; i++) {
            assertTrue(s.inGroup());
            assertEquals(1004 + i, s.forcedNext());
            int index = i;
            assertThrows(IllegalStateException.class, () -> s.accept(5), "token " + index + " must be the group's");
            SignalTokens.Accepted a = s.accept(1004 + i);
            assertEquals(i, a.index());
            assertEquals(i == 7, a.completesGroup());
        }
        assertFalse(s.inGroup());
        assertEquals(-1, s.forcedNext());
        assertFalse(s.accept(1004).firstGroupOfModality(), "a second audio group is not the first");
    }

    @Test
    void aGroupThatDoesNotFitIsNotStartedAndForcedGroupsKeepTheirRoom() {
        SignalTokens.State s = SIGNALS.newState(Set.of(Modality.VIDEO));
        assertEquals(24, s.reservedForForced());
        float[] logits = new float[1036];
        s.constrain(logits, 5); // 5 free positions after the reservation
        assertEquals(0f, logits[1000], "image (4) fits");
        assertEquals(Float.NEGATIVE_INFINITY, logits[1004], "audio (8) does not fit");
        assertEquals(0f, logits[1012], "video may start: it uses its own reservation");
        s.accept(1012);
        assertEquals(0, s.reservedForForced());
    }

    @Test
    void greedyIsArgmaxAndSamplingRespectsTopKAndTopP() {
        float[] logits = {1f, 3f, 2f, Float.NEGATIVE_INFINITY, 3f};
        assertEquals(1, Sampler.argmax(logits), "first of equal maxima");
        assertEquals(1, Sampler.sample(logits, 0, 0, 1, new SplittableRandom(1)));
        SplittableRandom rng = new SplittableRandom(9);
        int[] counts = new int[5];
        for (int i = 0; i < 4000; i++) {
            counts[Sampler.sample(logits, 1, 2, 1, rng)]++;
        }
        assertEquals(0, counts[0] + counts[2] + counts[3], "top-k 2 keeps only the two best");
        assertTrue(Math.abs(counts[1] - counts[4]) < 300, "equal logits are drawn equally often");
        counts = new int[5];
        float[] peaked = {0f, 5f, 0f, 0f, 0f}; // p(1) ≈ 0.974
        for (int i = 0; i < 2000; i++) {
            counts[Sampler.sample(peaked, 1, 0, 0.9, rng)]++;
        }
        assertEquals(2000, counts[1], "top-p 0.9 keeps only the dominant token");
        counts = new int[5];
        for (int i = 0; i < 5000; i++) {
            counts[Sampler.sample(peaked, 1, 0, 1, rng)]++;
        }
        assertTrue(counts[0] > 0 && counts[1] > 4700, "without limits every token can be drawn");
        assertEquals(-1, Sampler.sample(new float[] {Float.NEGATIVE_INFINITY}, 1, 0, 1, rng));
    }

    @Test
    void theStopFilterHoldsBackPossibleStopPrefixesAndCutsAtTheStop() {
        StopStringFilter f = new StopStringFilter(List.of("###", "\nUser:"));
        assertEquals("hello ", f.push("hello #"));
        assertEquals("", f.push("#"));
        assertEquals("## x", f.push(" x"));
        assertFalse(f.stopped());
        StopStringFilter g = new StopStringFilter(List.of("###"));
        assertEquals("a", g.push("a#"));
        assertEquals("", g.push("##b"));
        assertTrue(g.stopped());
        assertEquals("", g.push("more"));
        assertEquals("", g.finish());
        StopStringFilter h = new StopStringFilter(List.of("###"));
        assertEquals("end ", h.push("end #"));
        assertEquals("#", h.finish(), "released when generation ends without the stop string");
    }

    @Test
    void paramsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> GenerationParams.greedy(-1));
        assertThrows(IllegalArgumentException.class, () -> GenerationParams.greedy(1).withTemperature(-0.5));
        assertThrows(IllegalArgumentException.class, () -> GenerationParams.greedy(1).withTopP(0));
        assertThrows(IllegalArgumentException.class, () -> GenerationParams.greedy(1).withTopK(-1));
        assertThrows(IllegalArgumentException.class, () -> GenerationParams.greedy(1).withStopStrings(List.of("")));
        GenerationParams d = GenerationParams.defaults(BundleLoader.readManifest(RepoPaths.nanoBundle()));
        assertEquals(48, d.maxNewTokens());
        assertTrue(d.greedy());
        assertEquals(List.of("###"), d.stopStrings());
    }
}
