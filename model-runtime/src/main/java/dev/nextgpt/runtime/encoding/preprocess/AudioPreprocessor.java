package dev.nextgpt.runtime.encoding.preprocess;

import dev.nextgpt.runtime.media.MonoAudio;
import java.util.List;

/**
 * ImageBind's audio front end ({@code load_and_transform_audio_data}) on mono audio at {@code sampleRate}:
 * {@link ClipSampler} clips, and for each clip samples {@code [int(start·sr), int(end·sr))} (cut at the end of the
 * input), {@code waveform − mean(waveform)}, {@link KaldiFbank} → [F, M], transposed to [M, F], zero-padded on the
 * right or cut to {@code targetFrames}, then {@code (x − mean) / std}. Output [clips, 1, M, targetFrames].
 * A clip too short for one 25 ms frame gives all-zero features before normalisation (the Python reference fails).
 * Thread-safe.
 */
public final class AudioPreprocessor {

    private final int sampleRate;
    private final int numMelBins;
    private final int targetFrames;
    private final ClipSampler sampler;
    private final float mean;
    private final float std;
    private final KaldiFbank fbank;

    /**
     * Values from the bundle's {@code encoders.audio}: {@code sample_rate, num_mel_bins, target_frames,
     * clip_seconds, clips, mean, std}.
     */
    public AudioPreprocessor(int sampleRate, int numMelBins, int targetFrames, double clipSeconds, int clips, float mean, float std) {
        if (targetFrames <= 0) {
            throw new IllegalArgumentException("target_frames must be positive: " + targetFrames);
        }
        if (!Float.isFinite(mean) || !(std > 0) || !Float.isFinite(std)) {
            throw new IllegalArgumentException("mean must be finite and std positive: " + mean + ", " + std);
        }
        this.sampleRate = sampleRate;
        this.numMelBins = numMelBins;
        this.targetFrames = targetFrames;
        this.sampler = new ClipSampler(clipSeconds, clips);
        this.mean = mean;
        this.std = std;
        this.fbank = new KaldiFbank(numMelBins, sampleRate);
    }

    public int sampleRate() {
        return sampleRate;
    }

    /** [clips, 1, num_mel_bins, target_frames]. */
    public FloatTensor apply(MonoAudio audio) {
        if (audio.sampleRate() != sampleRate) {
            throw new IllegalArgumentException("audio is at " + audio.sampleRate() + " Hz, the encoder expects " + sampleRate
                    + " Hz (decode it with MediaDecoder.decodeAudio(bytes, " + sampleRate + "))");
        }
        return apply(audio.samples());
    }

    /** [clips, 1, num_mel_bins, target_frames] from mono samples at {@link #sampleRate()}. */
    public FloatTensor apply(float[] samples) {
        List<ClipSampler.Clip> clips = sampler.clips(samples.length / (double) sampleRate);
        int per = numMelBins * targetFrames;
        float[] out = new float[clips.size() * per];
        float padValue = (0f - mean) / std;
        for (ClipSampler.Clip clip : clips) {
            int from = (int) Math.min(clip.firstSample(sampleRate), samples.length);
            int to = (int) Math.min(clip.endSample(sampleRate), samples.length);
            int len = Math.max(to - from, 0);
            float[] wave = new float[len];
            double sum = 0;
            for (int i = 0; i < len; i++) {
                sum += samples[from + i];
            }
            float m = len == 0 ? 0f : (float) (sum / len);
            for (int i = 0; i < len; i++) {
                wave[i] = samples[from + i] - m;
            }
            float[] fb = fbank.compute(wave, 0, len); // [F][M]
            int frames = fb.length / numMelBins;
            int base = clip.index() * per;
            for (int mel = 0; mel < numMelBins; mel++) {
                int row = base + mel * targetFrames;
                for (int t = 0; t < targetFrames; t++) {
                    out[row + t] = t < frames ? (fb[t * numMelBins + mel] - mean) / std : padValue;
                }
            }
        }
        return new FloatTensor(out, new long[] {clips.size(), 1, numMelBins, targetFrames});
    }
}
