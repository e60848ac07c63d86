package dev.nextgpt.runtime.encoding.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.runtime.media.MediaTestSupport;
import dev.nextgpt.runtime.media.WavDecoder;
import dev.nextgpt.runtime.media.WavWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java {@link KaldiFbank} against {@code torchaudio.compliance.kaldi.fbank} run by
 * {@code model-tooling/nextgpt_tooling/fbank_reference.py}. Tolerance: max |Δ| ≤ 1e-3 in log-mel units (natural log
 * of power); measured differences are around 1e-5 (float32 vs double signal paths).
 */
class KaldiFbankParityTest {

    static final double TOLERANCE = 1e-3;

    @TempDir
    Path dir;

    @Test
    void javaFbankMatchesTorchaudioKaldiFbankWithin1e3() throws Exception {
        float[] signal = MediaTestSupport.chirpWithNoise(1.3, 16000, 20240611L);
        Path wav = dir.resolve("in.wav");
        Files.write(wav, WavWriter.writePcm16(signal));
        Path out = dir.resolve("out.safetensors");
        PythonReference.run(PythonReference.fbankScript().toString(), wav.toString(), out.toString());

        long[] shape = new long[2];
        float[] reference = MediaTestSupport.readSafetensorsF32(out, "fbank", shape);

        float[] wave = new WavDecoder().parse(Files.readAllBytes(wav)).mono(); // the same floats torchaudio.load gives
        double sum = 0;
        for (float v : wave) {
            sum += v;
        }
        float mean = (float) (sum / wave.length);
        for (int i = 0; i < wave.length; i++) {
            wave[i] -= mean;
        }
        KaldiFbank fbank = new KaldiFbank(128, 16000);
        FloatTensor ours = fbank.compute(wave);

        assertArrayEquals(new long[] {128, 128}, shape, "1.3 s at 16 kHz → 1 + (20800 − 400) / 160 = 128 frames");
        assertArrayEquals(shape, ours.shape());
        double maxDiff = 0;
        int worst = -1;
        for (int i = 0; i < reference.length; i++) {
            double d = Math.abs(reference[i] - ours.data()[i]);
            if (d > maxDiff) {
                maxDiff = d;
                worst = i;
            }
        }
        System.out.printf("fbank parity: max |java − torchaudio| = %.3g (at frame %d, bin %d; tolerance %.0e)%n",
                maxDiff, worst / 128, worst % 128, TOLERANCE);
        assertTrue(maxDiff <= TOLERANCE, "max abs diff " + maxDiff + " at frame " + worst / 128 + ", bin " + worst % 128);
    }
}
