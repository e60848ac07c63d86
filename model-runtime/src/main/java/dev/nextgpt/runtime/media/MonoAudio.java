package dev.nextgpt.runtime.media;

/** Mono audio as floats in [-1, 1] (int PCM divided by 2^(bits−1), as torchaudio loads it) at {@code sampleRate}. */
public record MonoAudio(float[] samples, int sampleRate) implements DecodedMedia {

    public MonoAudio {
        if (samples == null) {
            throw new IllegalArgumentException("samples must not be null");
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
        }
    }

    @Override
    public MediaKind kind() {
        return MediaKind.AUDIO;
    }

    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    @Override
    public String toString() {
        return "MonoAudio[" + samples.length + " samples @ " + sampleRate + " Hz]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MonoAudio other && other.sampleRate == sampleRate && java.util.Arrays.equals(other.samples, samples);
    }

    @Override
    public int hashCode() {
        return 31 * sampleRate + java.util.Arrays.hashCode(samples);
    }
}
