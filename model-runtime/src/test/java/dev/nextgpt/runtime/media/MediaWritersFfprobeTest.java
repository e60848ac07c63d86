package dev.nextgpt.runtime.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What we write is checked by a tool we did not write: Debian's ffprobe. */
class MediaWritersFfprobeTest {

    @TempDir
    Path dir;

    static float[] signedVideo(int frames, int h, int w) {
        float[] v = new float[3 * frames * h * w];
        for (int c = 0; c < 3; c++) {
            for (int f = 0; f < frames; f++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double value = c == 0 ? x / (w - 1.0) : c == 1 ? y / (h - 1.0) : f / (frames - 1.0);
                        v[((c * frames + f) * h + y) * w + x] = (float) (value * 2 - 1);
                    }
                }
            }
        }
        return v;
    }

    @Test
    void ffprobeReadsThePngAs32By32Rgb() throws Exception {
        float[] chw = new float[3 * 32 * 32];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (float) Math.sin(i * 0.01);
        }
        Path png = dir.resolve("out.png");
        Files.write(png, PngWriter.writeSigned(chw, 32, 32));
        JsonNode s = MediaTestSupport.ffprobeFirstStream(png);
        assertEquals("png", s.path("codec_name").asText());
        assertEquals(32, s.path("width").asInt());
        assertEquals(32, s.path("height").asInt());
        assertEquals("rgb24", s.path("pix_fmt").asText());
    }

    @Test
    void ffprobeReadsTheWavAsOneSecondOfMono16kPcm16() throws Exception {
        Path wav = dir.resolve("out.wav");
        Files.write(wav, WavWriter.writePcm16(MediaTestSupport.tone(440, 1.0, 16000, 0.5)));
        JsonNode s = MediaTestSupport.ffprobeFirstStream(wav);
        assertEquals("pcm_s16le", s.path("codec_name").asText());
        assertEquals(16000, s.path("sample_rate").asInt());
        assertEquals(1, s.path("channels").asInt());
        assertEquals(1.0, s.path("duration").asDouble(), 1e-6);
    }

    @Test
    void ffprobeReadsTheMp4AsH264Yuv420pWithAllFrames() throws Exception {
        Path mp4 = dir.resolve("out.mp4");
        Files.write(mp4, new Mp4Writer().writeSigned(signedVideo(8, 32, 32), 8, 32, 32, 8));
        JsonNode s = MediaTestSupport.ffprobeFirstStream(mp4);
        assertEquals("h264", s.path("codec_name").asText());
        assertEquals("yuv420p", s.path("pix_fmt").asText());
        assertEquals(32, s.path("width").asInt());
        assertEquals(32, s.path("height").asInt());
        assertTrue(s.path("nb_frames").asInt() >= 8, "nb_frames " + s.path("nb_frames").asText());
        assertEquals("8/1", s.path("avg_frame_rate").asText());
    }

    @Test
    void mp4HasItsMoovBoxBeforeMdatForProgressivePlayback() {
        byte[] mp4 = new Mp4Writer().writeSigned(signedVideo(8, 32, 32), 8, 32, 32, 8);
        String ascii = new String(mp4, java.nio.charset.StandardCharsets.ISO_8859_1);
        int moov = ascii.indexOf("moov");
        int mdat = ascii.indexOf("mdat");
        assertTrue(moov > 0 && mdat > 0 && moov < mdat, "moov at " + moov + ", mdat at " + mdat);
    }

    @Test
    void bundledFfmpegHasAnH264Encoder() {
        assertTrue(Mp4Writer.h264Encoder().isPresent(), "no H.264 encoder among " + Mp4Writer.H264_ENCODERS);
    }

    @Test
    void oddFrameSizesArePaddedToEven() throws Exception {
        RgbImage odd = ImageDecoderTest.pattern(33, 17);
        Path mp4 = dir.resolve("odd.mp4");
        Files.write(mp4, new Mp4Writer().write(java.util.List.of(odd, odd, odd), 8));
        JsonNode s = MediaTestSupport.ffprobeFirstStream(mp4);
        assertEquals(34, s.path("width").asInt());
        assertEquals(18, s.path("height").asInt());
    }

    @Test
    void outputValueMappingFollowsTheContract() {
        assertEquals(0, MediaOut.toByte(-1f));
        assertEquals(255, MediaOut.toByte(1f));
        assertEquals(128, MediaOut.toByte(0f), "round(127.5) half to even = 128");
        assertEquals(0, MediaOut.toByte(-7f));
        assertEquals(255, MediaOut.toByte(3f));
        assertEquals(32767, MediaOut.toPcm16(1.5f));
        assertEquals(-32767, MediaOut.toPcm16(-1f));
        assertEquals(16384, MediaOut.toPcm16(0.5f), "round(16383.5) half to even");
    }
}
