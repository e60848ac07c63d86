package dev.nextgpt.runtime.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MediaOutTest {
    @Test
    void pixelsAreClampedScaledAndRoundedHalfToEven() {
        assertEquals(0, MediaOut.toByte(-1f));
        assertEquals(0, MediaOut.toByte(-3f));
        assertEquals(255, MediaOut.toByte(1f));
        assertEquals(255, MediaOut.toByte(2.5f));
        assertEquals(128, MediaOut.toByte(0f)); // 127.5 → 128 (even)
        assertEquals(0, MediaOut.toByte(Float.NaN));
    }

    @Test
    void planarFramesBecomeInterleavedRgb() {
        // 3 channels × 2 frames × 1 × 2 pixels
        float[] planar = {-1, -1, 1, 1, /* G */ 1, -1, 1, -1, /* B */ -1, 1, -1, 1};
        byte[] rgb = MediaOut.toInterleavedRgb(planar, 2, 1, 2);
        assertArrayEquals(new byte[] {0, (byte) 255, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255, 0, (byte) 255, 0, (byte) 255}, rgb);
    }

    @Test
    void audioIsClampedToPcm16() {
        assertArrayEquals(new short[] {32767, -32767, 32767, -32767, 0, 16384}, MediaOut.toPcm16(new float[] {1f, -1f, 3f, -3f, 0f, 0.5f}));
    }
}
