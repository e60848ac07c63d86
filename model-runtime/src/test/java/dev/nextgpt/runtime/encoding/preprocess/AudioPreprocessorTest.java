package dev.nextgpt.runtime.encoding.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.runtime.media.MediaTestSupport;
import dev.nextgpt.runtime.media.MonoAudio;
import dev.nextgpt.runtime.media.WavDecoder;
import dev.nextgpt.runtime.media.WavWriter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioPreprocessorTest {

    /** The nano bundle's encoders.audio. */
    static AudioPreprocessor nano() {
        return new AudioPreprocessor(16000, 128, 100, 1.0, 3, -4.268f, 9.138f);
    }

    @TempDir
    Path dir;

    @Test
    void givesClipsByOneByMelsByTargetFrames() {
        FloatTensor out = nano().apply(new MonoAudio(MediaTestSupport.chirpWithNoise(1.3, 16000, 1), 16000));
        assertArrayEquals(new long[] {3, 1, 128, 100}, out.shape());
    }

    @Test
    void framesBeyondTheFbankAreZeroPaddedBeforeNormalisation() {
        // a 1 s clip gives 98 frames; frames 98 and 99 are padding: (0 − mean) / std
        FloatTensor out = nano().apply(MediaTestSupport.chirpWithNoise(1.0, 16000, 2));
        float pad = (0f + 4.268f) / 9.138f;
        for (int clip = 0; clip < 3; clip++) {
            for (int mel = 0; mel < 128; mel += 17) {
                assertEquals(pad, out.get(clip, 0, mel, 98), 0f);
                assertEquals(pad, out.get(clip, 0, mel, 99), 0f);
                assertTrue(out.get(clip, 0, mel, 50) != pad);
            }
        }
    }

    @Test
    void longerClipsAreCutToTargetFrames() {
        AudioPreprocessor p = new AudioPreprocessor(16000, 64, 50, 2.0, 2, 0f, 1f);
        FloatTensor out = p.apply(MediaTestSupport.chirpWithNoise(3.0, 16000, 3));
        assertArrayEquals(new long[] {2, 1, 64, 50}, out.shape());
        KaldiFbank fb = new KaldiFbank(64, 16000);
        float[] clip0 = java.util.Arrays.copyOf(MediaTestSupport.chirpWithNoise(3.0, 16000, 3), 32000);
        double sum = 0;
        for (float v : clip0) {
            sum += v;
        }
        float m = (float) (sum / clip0.length);
        for (int i = 0; i < clip0.length; i++) {
            clip0[i] -= m;
        }
        float[] direct = fb.compute(clip0, 0, clip0.length);
        assertEquals(direct[49 * 64 + 10], out.get(0, 0, 10, 49), 0f, "frame 49 of clip 0 is kept, transposed");
    }

    @Test
    void refusesAudioAtAnotherSampleRate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> nano().apply(new MonoAudio(new float[44100], 44100)));
        assertTrue(e.getMessage().contains("44100 Hz"), e.getMessage());
    }

    @Test
    void matchesTheImageBindPipelineInTorchaudioAt1e3() throws Exception {
        float[] signal = MediaTestSupport.chirpWithNoise(2.3, 16000, 99);
        Path wav = dir.resolve("in.wav");
        Files.write(wav, WavWriter.writePcm16(signal));
        Path script = dir.resolve("imagebind_audio_reference.py");
        try (InputStream in = getClass().getResourceAsStream("imagebind_audio_reference.py")) {
            Files.copy(in, script);
        }
        Path out = dir.resolve("out.safetensors");
        PythonReference.run(script.toString(), wav.toString(), out.toString(), "128", "100", "1.0", "3", "-4.268", "9.138");
        long[] shape = new long[4];
        float[] reference = MediaTestSupport.readSafetensorsF32(out, "audio", shape);
        FloatTensor ours = nano().apply(new WavDecoder().parse(Files.readAllBytes(wav)).audio());
        assertArrayEquals(shape, ours.shape());
        double max = 0;
        for (int i = 0; i < reference.length; i++) {
            max = Math.max(max, Math.abs(reference[i] - ours.data()[i]));
        }
        System.out.printf("ImageBind audio front end parity: max |java − python| = %.3g (normalised units)%n", max);
        assertTrue(max <= 1e-3, "max abs diff " + max);
    }
}
