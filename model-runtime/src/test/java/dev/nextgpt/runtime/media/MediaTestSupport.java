package dev.nextgpt.runtime.media;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Helpers for the media tests: external tools (ffprobe, ffmpeg, python), signals, frequency estimates. */
public final class MediaTestSupport {

    public static final String FFMPEG_HINT = "install Debian's ffmpeg: apt-get install ffmpeg";
    public static final String PYTHON_HINT = "install Debian's torch and torchaudio: apt-get install python3-torch python3-torchaudio"
            + " (the test runs /usr/bin/python3)";

    private MediaTestSupport() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs a command (60 s limit); fails the test with {@code hint} if it cannot be started. */
    public static Result run(List<String> command, String hint) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            fail("cannot run " + command.get(0) + " (" + e.getMessage() + "); " + hint);
            return null;
        }
        try {
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command.get(0) + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            fail("running " + command + " failed: " + e);
            return null;
        }
    }

    public static final String PYTHON = "/usr/bin/python3";

    /** Runs {@code /usr/bin/python3 args...}; fails the test (saying how to install) when python, torch or torchaudio is missing. */
    public static void runPython(String... args) {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is missing; " + PYTHON_HINT);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.addAll(List.of(args));
        Result r = run(cmd, PYTHON_HINT);
        if (r.exitCode() != 0) {
            if (r.stderr().contains("No module named")) {
                fail("the Python reference needs torch and torchaudio: " + r.stderr().strip() + "; " + PYTHON_HINT);
            }
            fail("the Python reference failed (exit " + r.exitCode() + "): " + r.stderr());
        }
    }

    /** {@code ffprobe -v error -show_streams -of json FILE} → the first stream object. */
    public static JsonNode ffprobeFirstStream(Path file) throws IOException {
        Result r = run(List.of("ffprobe", "-v", "error", "-show_streams", "-of", "json", file.toString()), FFMPEG_HINT);
        if (r.exitCode() != 0) {
            fail("ffprobe rejected " + file.getFileName() + ": " + r.stderr());
        }
        JsonNode streams = new ObjectMapper().readTree(r.stdout()).path("streams");
        if (!streams.isArray() || streams.isEmpty()) {
            fail("ffprobe found no stream in " + file.getFileName() + ": " + r.stdout());
        }
        return streams.get(0);
    }

    /** Encodes a WAV with Debian's ffmpeg into {@code ext} using {@code codecArgs}. */
    public static byte[] ffmpegTranscode(byte[] wav, Path dir, String ext, String... codecArgs) throws IOException {
        Path in = dir.resolve("src.wav");
        Path out = dir.resolve("out." + ext);
        Files.write(in, wav);
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-i", in.toString()));
        cmd.addAll(List.of(codecArgs));
        cmd.add(out.toString());
        Result r = run(cmd, FFMPEG_HINT);
        if (r.exitCode() != 0) {
            fail("ffmpeg could not make the ." + ext + " fixture: " + r.stderr());
        }
        return Files.readAllBytes(out);
    }

    public static float[] tone(double hz, double seconds, int sampleRate, double amplitude) {
        float[] s = new float[(int) Math.round(seconds * sampleRate)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / sampleRate));
        }
        return s;
    }

    /** A deterministic test signal: linear chirp 200 → 6000 Hz plus seeded white noise, in [-1, 1]. */
    public static float[] chirpWithNoise(double seconds, int sampleRate, long seed) {
        Random rnd = new Random(seed);
        int n = (int) Math.round(seconds * sampleRate);
        float[] s = new float[n];
        double f0 = 200;
        double f1 = 6000;
        for (int i = 0; i < n; i++) {
            double t = i / (double) sampleRate;
            double phase = 2 * Math.PI * (f0 * t + (f1 - f0) * t * t / (2 * seconds));
            s[i] = (float) (0.5 * Math.sin(phase) + 0.05 * rnd.nextGaussian() + 0.01);
        }
        return s;
    }

    /** Frequency of the strongest sinusoid, by a fine DFT scan around the zero-crossing estimate. */
    public static double dominantFrequency(float[] s, int sampleRate) {
        int skip = Math.min(s.length / 10, sampleRate / 20); // ignore codec/resampler edges
        int from = skip;
        int to = s.length - skip;
        int crossings = 0;
        for (int i = from + 1; i < to; i++) {
            if ((s[i - 1] < 0) != (s[i] < 0)) {
                crossings++;
            }
        }
        double estimate = crossings * sampleRate / (2.0 * (to - from));
        double best = estimate;
        double bestPower = -1;
        for (double f = estimate * 0.9; f <= estimate * 1.1; f += 0.5) {
            double re = 0;
            double im = 0;
            for (int i = from; i < to; i++) {
                double a = 2 * Math.PI * f * i / sampleRate;
                re += s[i] * Math.cos(a);
                im += s[i] * Math.sin(a);
            }
            double p = re * re + im * im;
            if (p > bestPower) {
                bestPower = p;
                best = f;
            }
        }
        return best;
    }

    /** The repository root: system property {@code nextgpt.repo.root}, or the nearest ancestor holding {@code models/}. */
    public static Path repoRoot() {
        String prop = System.getProperty("nextgpt.repo.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Paths.get(prop, "models"))) {
            return Paths.get(prop).toAbsolutePath();
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("models"))) {
                return p;
            }
        }
        fail("cannot find the repository root (no 'models/' above " + Paths.get("").toAbsolutePath()
                + "); set -Dnextgpt.repo.root");
        return null;
    }

    /** Reads one F32 tensor from a safetensors file: {shape..., data}. */
    public static float[] readSafetensorsF32(Path file, String name, long[] shapeOut) throws IOException {
        byte[] b = Files.readAllBytes(file);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long headerLen = bb.getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(b, 8, (int) headerLen, StandardCharsets.UTF_8));
        JsonNode t = header.get(name);
        if (t == null) {
            fail("no tensor '" + name + "' in " + file + ": " + header);
        }
        if (!"F32".equals(t.path("dtype").asText())) {
            fail("tensor '" + name + "' is " + t.path("dtype").asText() + ", expected F32");
        }
        JsonNode shape = t.path("shape");
        for (int i = 0; i < shape.size() && i < shapeOut.length; i++) {
            shapeOut[i] = shape.get(i).asLong();
        }
        long start = 8 + headerLen + t.path("data_offsets").get(0).asLong();
        long end = 8 + headerLen + t.path("data_offsets").get(1).asLong();
        float[] out = new float[(int) ((end - start) / 4)];
        for (int i = 0; i < out.length; i++) {
            out[i] = bb.getFloat((int) (start + 4L * i));
        }
        return out;
    }

    /** A WAV file built by hand (for variants WavWriter does not write). */
    public static byte[] wav(int formatTag, int channels, int sampleRate, int bits, byte[] data, boolean extensible,
                             byte[]... extraChunksBeforeData) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer fmt = java.nio.ByteBuffer.allocate(extensible ? 40 : 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int blockAlign = channels * bits / 8;
        fmt.putShort((short) (extensible ? 0xFFFE : formatTag)).putShort((short) channels).putInt(sampleRate)
                .putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) bits);
        if (extensible) {
            fmt.putShort((short) 22).putShort((short) bits).putInt(channels == 1 ? 4 : 3);
            fmt.putShort((short) formatTag).put(new byte[] {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00,
                    (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71});
        }
        List<byte[]> chunks = new ArrayList<>();
        chunks.add(chunk("fmt ", fmt.array()));
        for (byte[] c : extraChunksBeforeData) {
            chunks.add(c);
        }
        chunks.add(chunk("data", data));
        int total = 4;
        for (byte[] c : chunks) {
            total += c.length;
        }
        java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        head.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(total).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(head.array());
        for (byte[] c : chunks) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }

    /** A RIFF chunk with its pad byte. */
    public static byte[] chunk(String id, byte[] body) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
        return b.array();
    }
}
