package dev.nextgpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.runtime.media.Mp4Writer;
import dev.nextgpt.runtime.media.PngWriter;
import dev.nextgpt.runtime.media.RgbImage;
import dev.nextgpt.runtime.media.WavWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-shot CLI end to end on the committed nano bundle, with ffprobe (Debian's ffmpeg) as the independent judge. */
class RunCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Outcome(int code, String out, String err) {}

    static Path bundle() {
        String root = System.getProperty("nextgpt.repo.root");
        return Path.of(root, "models/nano");
    }

    static Outcome cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static JsonNode ffprobe(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json", file.toString())
                .redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "ffprobe failed on " + file + ": " + new String(bytes, StandardCharsets.UTF_8));
        return JSON.readTree(bytes).get("streams").get(0);
    }

    @Test
    void textPromptWithForcedOutputsWritesImageAudioAndVideoThatFfprobeReads() throws Exception {
        Path out = tmp.resolve("out");
        Outcome o = cli("run", "--bundle", bundle().toString(), "--text", "draw a red circle",
                "--outputs", "image,audio,video", "--seed", "7", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        JsonNode summary = JSON.readTree(o.out().trim());
        assertEquals(3, summary.get("outputs").size(), o.out());
        for (String stage : List.of("load", "encode", "llm_prefill", "llm_decode", "decode_image", "decode_audio", "decode_video", "total")) {
            assertTrue(summary.get("timings_ms").has(stage), "timing of " + stage + " in " + o.out());
        }
        assertTrue(Files.isRegularFile(out.resolve("text.txt")));

        JsonNode png = ffprobe(out.resolve("image-0.png"));
        assertEquals("png", png.get("codec_name").asText());
        assertEquals(32, png.get("width").asInt());
        assertEquals(32, png.get("height").asInt());

        JsonNode wav = ffprobe(out.resolve("audio-0.wav"));
        assertEquals("pcm_s16le", wav.get("codec_name").asText());
        assertEquals("16000", wav.get("sample_rate").asText());
        assertEquals(1.0, wav.get("duration").asDouble(), 0.01);

        JsonNode mp4 = ffprobe(out.resolve("video-0.mp4"));
        assertEquals("h264", mp4.get("codec_name").asText());
        assertEquals("yuv420p", mp4.get("pix_fmt").asText());
        assertTrue(mp4.get("nb_read_frames").asInt() >= 8, mp4.toString());
    }

    @Test
    void sameSeedWritesTheSameBytesAndAnotherSeedDifferentOnes() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Path c = tmp.resolve("c");
        for (Path dir : List.of(a, b)) {
            assertEquals(0, cli("run", "--bundle", bundle().toString(), "--text", "show me a clip", "--outputs", "image,audio,video",
                    "--seed", "11", "--temperature", "0.9", "--out", dir.toString()).code());
        }
        assertEquals(0, cli("run", "--bundle", bundle().toString(), "--text", "show me a clip", "--outputs", "image,audio,video",
                "--seed", "12", "--temperature", "0.9", "--out", c.toString()).code());
        for (String f : List.of("text.txt", "image-0.png", "audio-0.wav", "video-0.mp4")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f + " differs for the same seed");
        }
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(a.resolve("image-0.png")), Files.readAllBytes(c.resolve("image-0.png"))),
                "another seed must give another image");
    }

    @Test
    void imageAudioAndVideoInputsAreEncodedIntoThePrompt() throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        RgbImage image = solid(48, 40, (byte) 200, (byte) 30, (byte) 30);
        Files.write(in.resolve("red.png"), PngWriter.write(image));
        float[] tone = new float[24_000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 660 * i / 16_000.0));
        }
        Files.write(in.resolve("tone.wav"), WavWriter.writePcm16(tone, 16_000));
        List<RgbImage> frames = new ArrayList<>();
        for (int f = 0; f < 24; f++) {
            frames.add(solid(32, 32, (byte) (f * 10), (byte) 0, (byte) 255));
        }
        Files.write(in.resolve("clip.mp4"), new Mp4Writer().write(frames, 8));

        for (String[] media : List.of(new String[] {"--image", "red.png"}, new String[] {"--audio", "tone.wav"},
                new String[] {"--video", "clip.mp4"})) {
            Path out = tmp.resolve("out-" + media[0].substring(2));
            Outcome o = cli("run", "--bundle", bundle().toString(), media[0], in.resolve(media[1]).toString(),
                    "--text", "what is this?", "--max-tokens", "8", "--out", out.toString());
            assertEquals(0, o.code(), o.err());
            JsonNode summary = JSON.readTree(o.out().trim());
            assertTrue(summary.get("generated_tokens").asInt() >= 1, o.out());
            assertTrue(summary.get("prompt_tokens").asInt() > 10, o.out());
            assertTrue(summary.get("timings_ms").get("encode").asDouble() > 0, o.out());
            assertTrue(Files.isRegularFile(out.resolve("text.txt")));
        }
    }

    @Test
    void unreadableMediaExitsNonZeroWithOneClearLine() throws IOException {
        Path bad = tmp.resolve("broken.png");
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H'});
        Outcome o = cli("run", "--bundle", bundle().toString(), "--image", bad.toString(), "--text", "hi", "--out", tmp.resolve("o").toString());
        assertEquals(Main.EXIT_BAD_INPUT, o.code());
        assertOneLine(o.err(), "png");
    }

    @Test
    void audioGivenAsImageIsRefused() throws IOException {
        Path wav = tmp.resolve("tone.wav");
        Files.write(wav, WavWriter.writePcm16(new float[1600], 16_000));
        Outcome o = cli("run", "--bundle", bundle().toString(), "--image", wav.toString(), "--text", "hi", "--out", tmp.resolve("o").toString());
        assertEquals(Main.EXIT_BAD_INPUT, o.code());
        assertOneLine(o.err(), "wav");
    }

    @Test
    void unknownOutputModalityExitsNonZero() {
        Outcome o = cli("run", "--bundle", bundle().toString(), "--text", "hi", "--outputs", "image,smell", "--out", tmp.toString());
        assertEquals(Main.EXIT_BAD_INPUT, o.code());
        assertOneLine(o.err(), "smell");
    }

    @Test
    void missingBundleExitsNonZero() {
        Outcome o = cli("run", "--bundle", tmp.resolve("nope").toString(), "--text", "hi", "--out", tmp.toString());
        assertEquals(Main.EXIT_BAD_INPUT, o.code());
        assertOneLine(o.err(), "nope");
    }

    @Test
    void missingInputFileExitsNonZero() {
        Outcome o = cli("run", "--bundle", bundle().toString(), "--video", tmp.resolve("absent.mp4").toString(), "--out", tmp.toString());
        assertEquals(Main.EXIT_BAD_INPUT, o.code());
        assertOneLine(o.err(), "absent.mp4");
    }

    @Test
    void missingOutFolderOptionExitsNonZero() {
        Outcome o = cli("run", "--text", "hi");
        assertEquals(Main.EXIT_BAD_INPUT, o.code());
        assertOneLine(o.err(), "--out");
    }

    private static void assertOneLine(String err, String mentions) {
        List<String> lines = err.lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, lines.size(), "exactly one error line expected in: " + err);
        assertTrue(lines.get(0).toLowerCase().contains(mentions.toLowerCase()), "error line should mention '" + mentions + "': " + lines.get(0));
    }

    private static RgbImage solid(int w, int h, byte r, byte g, byte b) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            rgb[i * 3] = r;
            rgb[i * 3 + 1] = g;
            rgb[i * 3 + 2] = b;
        }
        return new RgbImage(w, h, rgb);
    }
}
