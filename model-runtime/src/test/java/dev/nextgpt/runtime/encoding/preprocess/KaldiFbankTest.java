package dev.nextgpt.runtime.encoding.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.runtime.media.MediaTestSupport;
import org.junit.jupiter.api.Test;

class KaldiFbankTest {

    private final KaldiFbank fbank = new KaldiFbank(128, 16000);

    @Test
    void usesKaldiFrameGeometryAt16k() {
        assertEquals(400, fbank.windowSize());
        assertEquals(160, fbank.windowShift());
        assertEquals(512, fbank.paddedWindowSize());
        assertEquals(98, fbank.numFrames(16000), "1 + (16000 − 400) / 160");
        assertEquals(0, fbank.numFrames(399));
        assertEquals(1, fbank.numFrames(400));
    }

    @Test
    void silenceIsFlooredAtLogFloatEpsilon() {
        FloatTensor out = fbank.compute(new float[1600]);
        assertEquals(8, out.dim(0));
        for (float v : out.data()) {
            assertEquals((float) Math.log(Math.ulp(1.0f)), v, 0f);
        }
    }

    @Test
    void aToneLightsUpTheMelBinHoldingItsFrequency() {
        float[] tone = MediaTestSupport.tone(1000, 0.5, 16000, 0.5);
        FloatTensor out = fbank.compute(tone);
        int frames = (int) out.dim(0);
        float[] mid = java.util.Arrays.copyOfRange(out.data(), (frames / 2) * 128, (frames / 2) * 128 + 128);
        int best = 0;
        for (int m = 1; m < 128; m++) {
            if (mid[m] > mid[best]) {
                best = m;
            }
        }
        // centre of bin m in mel: mel(20) + (m + 1) · (mel(8000) − mel(20)) / 129
        double melLow = 1127 * Math.log(1 + 20 / 700.0);
        double melHigh = 1127 * Math.log(1 + 8000 / 700.0);
        double centreHz = 700 * (Math.exp((melLow + (best + 1) * (melHigh - melLow) / 129) / 1127) - 1);
        assertEquals(1000, centreHz, 40, "bin " + best);
        assertTrue(mid[best] - mid[0] > 10, "tone bin well above the lowest bin");
    }
}
