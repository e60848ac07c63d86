package dev.nextgpt.runtime.encoding.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.runtime.media.ImageDecoder;
import dev.nextgpt.runtime.media.PngWriter;
import dev.nextgpt.runtime.media.RgbImage;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    /** w × h, left half red, right half blue. */
    static RgbImage halfRedHalfBlue(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                if (x < w / 2) {
                    rgb[o] = (byte) 255;
                } else {
                    rgb[o + 2] = (byte) 255;
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static float norm(int c, float v) {
        return (v - MEAN[c]) / STD[c];
    }

    @Test
    void halfRedHalfBluePngGivesTheExpectedNormalisedValues() {
        RgbImage decoded = new ImageDecoder().decode(PngWriter.write(halfRedHalfBlue(64, 48)));
        FloatTensor t = new ImagePreprocessor(32, MEAN, STD).apply(decoded);
        assertArrayEquals(new long[] {3, 32, 32}, t.shape());
        // 64×48 → short side 32: 42×32, centre crop from x = round(5.0) = 5; the red/blue edge lands at x = 16
        for (int y : new int[] {0, 16, 31}) {
            for (int x = 0; x <= 12; x++) {
                assertEquals(norm(0, 1f), t.get(0, y, x), 1e-6f, "red R at " + x);
                assertEquals(norm(1, 0f), t.get(1, y, x), 1e-6f);
                assertEquals(norm(2, 0f), t.get(2, y, x), 1e-6f);
            }
            for (int x = 20; x < 32; x++) {
                assertEquals(norm(0, 0f), t.get(0, y, x), 1e-6f, "blue R at " + x);
                assertEquals(norm(2, 1f), t.get(2, y, x), 1e-6f);
            }
        }
        assertEquals(1.9303361f, t.get(0, 16, 4), 1e-5f, "(1 − 0.48145466) / 0.26862954");
        assertEquals(2.1458890f, t.get(2, 16, 28), 1e-5f, "(1 − 0.40821073) / 0.27577711");
        assertTrue(t.get(0, 16, 15) > t.get(0, 16, 16), "the edge is between x = 15 and 16");
        assertTrue(t.get(2, 16, 16) > norm(2, 0.5f) && t.get(0, 16, 15) > norm(0, 0.5f));
    }

    @Test
    void portraitImagesCropVerticallyAroundTheCentre() {
        // 32 wide, 64 high, top half red: short side already 32 → no resize, crop rows 16..47 → edge at row 16
        RgbImage img = halfRedHalfBlue(64, 32);
        byte[] rot = new byte[img.rgb().length];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 32; x++) {
                System.arraycopy(img.rgb(), (x * 64 + y) * 3, rot, (y * 32 + x) * 3, 3);
            }
        }
        FloatTensor t = new ImagePreprocessor(32, MEAN, STD).apply(new RgbImage(32, 64, rot));
        assertEquals(norm(0, 1f), t.get(0, 15, 5), 1e-6f);
        assertEquals(norm(2, 1f), t.get(2, 16, 5), 1e-6f);
    }

    @Test
    void constantImagesStayConstantThroughTheBicubicResize() {
        byte[] rgb = new byte[100 * 75 * 3];
        java.util.Arrays.fill(rgb, (byte) 77);
        FloatTensor t = new ImagePreprocessor(32, MEAN, STD).apply(new RgbImage(100, 75, rgb));
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 32 * 32; i++) {
                assertEquals(norm(c, 77 / 255f), t.data()[c * 1024 + i], 1e-6f);
            }
        }
    }

    @Test
    void bicubicDownscaleAveragesAnAlternatingPattern() {
        // PIL's antialiased bicubic at 1/4 scale turns a 0/255 column pattern into near-uniform grey
        byte[] rgb = new byte[64 * 8 * 3];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 64; x++) {
                java.util.Arrays.fill(rgb, (y * 64 + x) * 3, (y * 64 + x) * 3 + 3, (byte) (x % 2 == 0 ? 255 : 0));
            }
        }
        RgbImage small = Resize.bicubicPil(new RgbImage(64, 8, rgb), 16, 2);
        for (int x = 2; x < 14; x++) {
            assertEquals(128, small.get(x, 1, 0), 3, "x=" + x);
        }
    }
}
