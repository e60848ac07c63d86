package dev.nextgpt.runtime.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResamplerTest {

    @TempDir
    Path dir;

    @Test
    void outputLengthIsCeilOfInputTimesRatio() {
        assertEquals(16000, Resampler.resample(new float[44100], 44100, 16000).length);
        assertEquals(1452, Resampler.resample(new float[4000], 44100, 16000).length, "ceil(4000 · 160 / 441) = 1452");
        assertEquals(48000, Resampler.resample(new float[16000], 16000, 48000).length);
    }

    @Test
    void sameRateIsACopy() {
        float[] x = {1, 2, 3};
        float[] y = Resampler.resample(x, 16000, 16000);
        assertArrayEquals(x, y);
        y[0] = 9;
        assertEquals(1, x[0]);
    }

    @Test
    void aConstantSignalKeepsItsLevelAwayFromTheEdges() {
        float[] x = new float[8000];
        java.util.Arrays.fill(x, 0.5f);
        float[] y = Resampler.resample(x, 8000, 16000);
        for (int i = 100; i < y.length - 100; i++) {
            assertEquals(0.5f, y[i], 0.006f, "DC gain is the rolloff-limited 1 at " + i);
        }
    }

    @Test
    void toneAboveTheNewNyquistIsRemoved() {
        float[] x = MediaTestSupport.tone(12000, 0.5, 44100, 0.5); // above 8 kHz
        float[] y = Resampler.resample(x, 44100, 16000);
        double rms = 0;
        for (int i = 200; i < y.length - 200; i++) {
            rms += y[i] * y[i];
        }
        rms = Math.sqrt(rms / (y.length - 400));
        assertTrue(rms < 0.01, "aliased residue rms " + rms);
    }

    @Test
    void matchesTorchaudioFunctionalResample() throws Exception {
        float[] x = MediaTestSupport.chirpWithNoise(0.5, 44100, 5);
        Path wav = dir.resolve("in.wav");
        Files.write(wav, WavWriter.writePcm16(x, 44100));
        Path out = dir.resolve("out.safetensors");
        String script = String.join("\n",
                "import sys, json, struct, torch, torchaudio",
                "w, sr = torchaudio.load(sys.argv[1])",
                "y = torchaudio.functional.resample(w, sr, 16000)[0].contiguous()",
                "raw = y.numpy().astype('<f4').tobytes()",
                "h = json.dumps({'y': {'dtype': 'F32', 'shape': [y.numel()], 'data_offsets': [0, len(raw)]}}).encode()",
                "h += b' ' * ((8 - len(h) % 8) % 8)",
                "open(sys.argv[2], 'wb').write(struct.pack('<Q', len(h)) + h + raw)");
        MediaTestSupport.runPython("-c", script, wav.toString(), out.toString());
        long[] shape = new long[1];
        float[] reference = MediaTestSupport.readSafetensorsF32(out, "y", shape);
        float[] ours = new WavDecoder().decode(Files.readAllBytes(wav), 16000).samples();
        assertEquals(reference.length, ours.length);
        double max = 0;
        for (int i = 0; i < ours.length; i++) {
            max = Math.max(max, Math.abs(ours[i] - reference[i]));
        }
        System.out.printf("resampler parity 44.1 kHz → 16 kHz: max |java − torchaudio| = %.3g%n", max);
        assertTrue(max < 1e-4, "max abs diff " + max);
    }
}
