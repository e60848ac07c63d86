package dev.nextgpt.runtime.encoding.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClipSamplerTest {

    @Test
    void clipsAreSpreadEvenlyByMaxStartOverClipsMinusOne() {
        // duration 10 s, 3 clips of 2 s: max_start 8, spacing 4 → [0,2) [4,6) [8,10)
        List<ClipSampler.Clip> clips = new ClipSampler(2.0, 3).clips(10.0);
        assertEquals(3, clips.size());
        double[] starts = {0, 4, 8};
        for (int i = 0; i < 3; i++) {
            assertEquals(starts[i], clips.get(i).start(), 1e-12);
            assertEquals(starts[i] + 2, clips.get(i).end(), 1e-12);
        }
    }

    @Test
    void spacingMatchesTheFormulaForUnevenDurations() {
        double duration = 7.3;
        int k = 5;
        double clip = 2.0;
        List<ClipSampler.Clip> clips = new ClipSampler(clip, k).clips(duration);
        double spacing = Math.max(duration - clip, 0) / Math.max(k - 1, 1);
        for (int i = 0; i < k; i++) {
            assertEquals(i * spacing, clips.get(i).start(), 1e-12);
            assertEquals(i * spacing + clip, clips.get(i).end(), 1e-12);
        }
    }

    @Test
    void aSingleClipStartsAtZero() {
        List<ClipSampler.Clip> clips = new ClipSampler(2.0, 1).clips(9.0);
        assertEquals(0.0, clips.get(0).start());
        assertEquals(2.0, clips.get(0).end());
    }

    @Test
    void inputsShorterThanAClipGiveAllClipsAtZero() {
        for (ClipSampler.Clip c : new ClipSampler(2.0, 3).clips(0.7)) {
            assertEquals(0.0, c.start());
            assertEquals(0, c.firstSample(16000));
            assertEquals(32000, c.endSample(16000), "the clip reaches past the input; slicing cuts it");
        }
    }

    @Test
    void sampleBoundsAreExactFloorsOfStartTimesRate() {
        // duration 1.3 s, 3 clips of 1 s: max_start = 1.3 − 1.0 = 0.30000000000000004 (float), spacing = that / 2
        List<ClipSampler.Clip> clips = new ClipSampler(1.0, 3).clips(1.3);
        assertEquals(0, clips.get(0).firstSample(16000));
        assertEquals(16000, clips.get(0).endSample(16000));
        assertEquals(2400, clips.get(1).firstSample(16000), "0.15000000000000002 · 16000 = 2400.0000000000003 → 2400");
        assertEquals(18400, clips.get(1).endSample(16000));
        assertEquals(4800, clips.get(2).firstSample(16000));
        assertEquals(20800, clips.get(2).endSample(16000));
        // 0.1 s max start over 3 gaps: Fraction(0.1)·16000/3 = 533.33… → 533 (a double product could round either way)
        List<ClipSampler.Clip> c4 = new ClipSampler(1.0, 4).clips(1.1);
        assertEquals(533, c4.get(1).firstSample(16000));
        assertEquals(1066, c4.get(2).firstSample(16000));
        assertEquals(1600, c4.get(3).firstSample(16000), "Fraction(1.1 − 1.0) is 0.10000000000000009 → 1600.0000000000014");
    }
}
