package dev.nextgpt.runtime.encoding.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nextgpt.runtime.media.DecodedVideo;
import dev.nextgpt.runtime.media.RgbImage;
import dev.nextgpt.runtime.media.VideoFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VideoPreprocessorTest {

    static final float[] MEAN = ImagePreprocessorTest.MEAN;
    static final float[] STD = ImagePreprocessorTest.STD;

    private static RgbImage grey(int w, int h, int value) {
        byte[] rgb = new byte[w * h * 3];
        java.util.Arrays.fill(rgb, (byte) value);
        return new RgbImage(w, h, rgb);
    }

    /** R = 10·x, G = 10·y, B = 0. */
    private static RgbImage coordinates(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[(y * w + x) * 3] = (byte) (10 * x);
                rgb[(y * w + x) * 3 + 1] = (byte) (10 * y);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static float norm(int c, int v) {
        return (v / 255f - MEAN[c]) / STD[c];
    }

    @Test
    void uniformTemporalSubsampleMatchesTorchLinspaceTruncated() {
        assertArrayEquals(new int[] {0, 3, 6, 9}, VideoPreprocessor.uniformSubsample(10, 4));
        assertArrayEquals(new int[] {0, 3, 7}, VideoPreprocessor.uniformSubsample(8, 3), "linspace(0, 7, 3) = 0, 3.5, 7");
        assertArrayEquals(new int[] {0, 0, 1, 2}, VideoPreprocessor.uniformSubsample(3, 4), "0, 0.67, 1.33, 2");
        assertArrayEquals(new int[] {0, 19}, VideoPreprocessor.uniformSubsample(20, 2));
        assertArrayEquals(new int[] {0}, VideoPreprocessor.uniformSubsample(5, 1));
        assertArrayEquals(new int[] {0, 0, 0}, VideoPreprocessor.uniformSubsample(1, 3));
    }

    @Test
    void clipsTakeFramesInTheirTimeRangeAndSubsampleThem() {
        List<RgbImage> frames = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            frames.add(grey(8, 8, i * 5));
        }
        DecodedVideo v = DecodedVideo.ofConstantRate(frames, 10); // 4 s
        VideoPreprocessor p = new VideoPreprocessor(8, 2, 2.0, 2, 1, MEAN, STD);
        // max_start 2, spacing 2 → [0, 2) = frames 0..19, [2, 4) = frames 20..39; linspace(0, 19, 2) = 0, 19
        assertArrayEquals(new int[][] {{0, 19}, {20, 39}}, p.frameIndices(v));
        FloatTensor t = p.apply(v);
        assertArrayEquals(new long[] {2, 3, 2, 8, 8}, t.shape());
        assertEquals(norm(0, 0), t.get(0, 0, 0, 4, 4), 1e-6f);
        assertEquals(norm(1, 95), t.get(0, 1, 1, 4, 4), 1e-6f);
        assertEquals(norm(2, 100), t.get(1, 2, 0, 0, 0), 1e-6f);
        assertEquals(norm(0, 195), t.get(1, 0, 1, 7, 7), 1e-6f);
    }

    @Test
    void threeSpatialCropsTakeLeftCentreRightOfLandscapeFrames() {
        DecodedVideo v = DecodedVideo.ofConstantRate(List.of(coordinates(16, 8)), 1);
        FloatTensor t = new VideoPreprocessor(8, 1, 2.0, 1, 3, MEAN, STD).apply(v);
        assertArrayEquals(new long[] {3, 3, 1, 8, 8}, t.shape());
        assertEquals(norm(0, 0), t.get(0, 0, 0, 0, 0), 1e-6f, "left crop starts at x = 0");
        assertEquals(norm(0, 40), t.get(1, 0, 0, 0, 0), 1e-6f, "centre crop starts at x = ceil(8 / 2) = 4");
        assertEquals(norm(0, 80), t.get(2, 0, 0, 0, 0), 1e-6f, "right crop starts at x = 8");
        assertEquals(norm(1, 70), t.get(2, 1, 0, 7, 0), 1e-6f);
    }

    @Test
    void threeSpatialCropsTakeTopCentreBottomOfPortraitFrames() {
        DecodedVideo v = DecodedVideo.ofConstantRate(List.of(coordinates(8, 17)), 1);
        FloatTensor t = new VideoPreprocessor(8, 1, 2.0, 1, 3, MEAN, STD).apply(v);
        assertEquals(norm(1, 0), t.get(0, 1, 0, 0, 3), 1e-6f);
        assertEquals(norm(1, 50), t.get(1, 1, 0, 0, 3), 1e-6f, "centre crop starts at y = ceil(9 / 2) = 5");
        assertEquals(norm(1, 90), t.get(2, 1, 0, 0, 3), 1e-6f);
    }

    @Test
    void shortSideIsScaledBilinearlyToSize() {
        // 16×8 → size 4: 8×4, each output pixel the mean of a 2×2 block (bilinear at exactly half scale)
        DecodedVideo v = DecodedVideo.ofConstantRate(List.of(coordinates(16, 8)), 1);
        FloatTensor t = new VideoPreprocessor(4, 1, 1.0, 1, 1, MEAN, STD).apply(v);
        assertArrayEquals(new long[] {1, 3, 1, 4, 4}, t.shape());
        // centre crop x from 2: output x = 0 ↔ scaled x 2 ↔ source x 4.5 → R = 45
        assertEquals(norm(0, 45), t.get(0, 0, 0, 0, 0), 1e-5f);
        assertEquals(norm(1, 45), t.get(0, 1, 0, 2, 0), 1e-5f, "output y = 2 ↔ source y 4.5 → G = 45");
    }

    @Test
    void videosShorterThanAClipStillGiveEveryClipByRepeatingFrames() {
        DecodedVideo v = DecodedVideo.ofConstantRate(List.of(grey(8, 8, 10), grey(8, 8, 20), grey(8, 8, 30)), 10); // 0.3 s
        VideoPreprocessor p = new VideoPreprocessor(8, 2, 2.0, 4, 1, MEAN, STD);
        assertArrayEquals(new int[][] {{0, 0, 1, 2}, {0, 0, 1, 2}}, p.frameIndices(v));
        FloatTensor t = p.apply(v);
        assertArrayEquals(new long[] {2, 3, 4, 8, 8}, t.shape());
        assertEquals(norm(0, 30), t.get(1, 0, 3, 0, 0), 1e-6f);
    }

    @Test
    void aClipWithoutFramesUsesTheLastFrameBeforeItsEnd() {
        List<VideoFrame> frames = List.of(new VideoFrame(grey(8, 8, 10), 0.0), new VideoFrame(grey(8, 8, 20), 0.1));
        DecodedVideo v = new DecodedVideo(frames, 8, 8, 10, 4.0);
        VideoPreprocessor p = new VideoPreprocessor(8, 2, 2.0, 2, 1, MEAN, STD);
        assertArrayEquals(new int[][] {{0, 1}, {1, 1}}, p.frameIndices(v));
    }
}
