package dev.nextgpt.runtime.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VideoRoundTripTest {

    private static byte[] mp4;

    @BeforeAll
    static void encode() {
        mp4 = new Mp4Writer().writeSigned(MediaWritersFfprobeTest.signedVideo(8, 32, 32), 8, 32, 32, 8);
    }

    @Test
    void writtenMp4DecodesToEightFramesOf32x32WithTimestamps() {
        DecodedVideo v = new VideoDecoder().decode(mp4);
        assertEquals(8, v.frames().size());
        assertEquals(32, v.width());
        assertEquals(32, v.height());
        assertEquals(8.0, v.fps(), 1e-9);
        assertEquals(1.0, v.durationSeconds(), 1e-6);
        for (int i = 0; i < 8; i++) {
            assertEquals(i / 8.0, v.frames().get(i).timestampSeconds(), 1e-6, "frame " + i);
        }
    }

    @Test
    void decodedPixelsMatchTheSourceWithinCodecError() {
        DecodedVideo v = new VideoDecoder().decode(mp4);
        List<RgbImage> expected = Mp4Writer.framesOfSigned(MediaWritersFfprobeTest.signedVideo(8, 32, 32), 8, 32, 32);
        double sum = 0;
        int n = 0;
        for (int f = 0; f < 8; f++) {
            RgbImage a = v.frames().get(f).image();
            RgbImage b = expected.get(f);
            for (int i = 0; i < a.rgb().length; i++) {
                sum += Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF));
                n++;
            }
        }
        double mae = sum / n;
        assertTrue(mae < 12, "mean absolute error " + mae + " (0–255)");
    }

    @Test
    void decodingCanDownscaleTheShortSide() {
        List<RgbImage> frames = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            frames.add(ImageDecoderTest.pattern(64, 48));
        }
        byte[] video = new Mp4Writer().write(frames, 4);
        DecodedVideo v = new VideoDecoder().decode(video, 24);
        assertEquals(24, v.height());
        assertEquals(32, v.width());
        assertEquals(4, v.frames().size());
        assertEquals(32, v.frames().get(0).image().width());
    }

    @Test
    void truncatedMp4IsRefusedNamingTheBox() {
        byte[] cut = java.util.Arrays.copyOf(mp4, mp4.length - 100);
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> new VideoDecoder().decode(cut));
        assertTrue(e.getMessage().startsWith("MP4: truncated: box 'mdat'"), e.getMessage());
    }

    @Test
    void corruptSampleDataGivesNoFramesAndIsRefused() {
        byte[] broken = mp4.clone();
        String ascii = new String(broken, java.nio.charset.StandardCharsets.ISO_8859_1);
        int mdat = ascii.indexOf("mdat");
        java.util.Random rnd = new java.util.Random(3);
        for (int i = mdat + 4; i < broken.length; i++) {
            broken[i] = (byte) rnd.nextInt(256);
        }
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> new VideoDecoder().decode(broken));
        assertTrue(e.getMessage().startsWith("MP4: ") && e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void missingMoovIsRefused() {
        byte[] onlyFtyp = java.util.Arrays.copyOf(mp4, 32);
        // keep only whole boxes: ftyp is the first box
        int ftypSize = java.nio.ByteBuffer.wrap(mp4).getInt(0);
        byte[] b = java.util.Arrays.copyOf(onlyFtyp, ftypSize);
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> new VideoDecoder().decode(b));
        assertTrue(e.getMessage().contains("no 'moov' box"), e.getMessage());
    }

    @Test
    void videosAboveTheFrameLimitAreRefused() {
        VideoDecoder strict = new VideoDecoder(MediaLimits.defaults().withMaxVideoFrames(4));
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> strict.decode(mp4));
        assertTrue(e.getMessage().contains("more than 4 frames"), e.getMessage());
    }

    @Test
    void videosAboveTheDurationLimitAreRefusedBeforeDecoding() {
        VideoDecoder strict = new VideoDecoder(MediaLimits.defaults().withMaxVideoSeconds(0.5));
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> strict.decode(mp4));
        assertTrue(e.getMessage().contains("above the limit of 0.5 s"), e.getMessage());
    }

    @Test
    void framesAboveThePixelLimitAreRefused() {
        VideoDecoder strict = new VideoDecoder(MediaLimits.defaults().withMaxVideoFramePixels(100));
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> strict.decode(mp4));
        assertTrue(e.getMessage().contains("32x32"), e.getMessage());
    }

    @Test
    void mediaDecoderDispatchesByContent() {
        assertEquals(MediaKind.VIDEO, new MediaDecoder().decode(mp4).kind());
        assertEquals(MediaKind.AUDIO, new MediaDecoder().decode(WavWriter.writePcm16(new float[1600])).kind());
        assertEquals(MediaKind.IMAGE, new MediaDecoder().decode(PngWriter.write(ImageDecoderTest.pattern(4, 4))).kind());
    }
}
