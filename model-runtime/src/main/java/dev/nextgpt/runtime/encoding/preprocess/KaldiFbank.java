package dev.nextgpt.runtime.encoding.preprocess;

/**
 * Log mel filter-bank features computed exactly as {@code torchaudio.compliance.kaldi.fbank} with ImageBind's
 * arguments: {@code htk_compat=True, use_energy=False, window_type='hanning', dither=0, frame_length=25 ms,
 * frame_shift=10 ms, snip_edges=True, remove_dc_offset=True, preemphasis_coefficient=0.97,
 * round_to_power_of_two=True, use_power=True, use_log_fbank=True, low_freq=20, high_freq=0} (= Nyquist),
 * {@code num_mel_bins} and {@code sample_frequency} as configured.
 *
 * <p>Per frame of {@code window_size = int(sr · 0.025)} samples, shifted by {@code int(sr · 0.010)}
 * ({@code 1 + (n − window_size) / shift} frames, none when the input is shorter than a window): remove the frame's
 * mean; pre-emphasis {@code x[j] −= 0.97 · x[j−1]} (with {@code x[−1] = x[0]}); multiply by the symmetric Hann window
 * {@code 0.5 − 0.5 cos(2πj / (window_size − 1))}; zero-pad to the next power of two; power spectrum
 * {@code |FFT|²} ({@link Fft}); weight with Kaldi's triangular mel bins (mel scale {@code 1127 ln(1 + f/700)},
 * bins equally spaced in mel between {@code low_freq} and {@code high_freq}, the Nyquist bin weighted 0);
 * {@code ln(max(energy, FLT_EPSILON))}. The mel weights are computed in float32 as torchaudio does; the signal path
 * runs in double and is rounded to float at the end. Output: [frames, num_mel_bins], row-major.
 */
public final class KaldiFbank {

    /** torchaudio's floor before the log: {@code torch.finfo(torch.float32).eps}. */
    public static final float EPSILON = Math.ulp(1.0f);
    private static final double PREEMPHASIS = 0.97;
    private static final double FRAME_LENGTH_MS = 25.0;
    private static final double FRAME_SHIFT_MS = 10.0;
    private static final double LOW_FREQ = 20.0;
    private static final double HIGH_FREQ = 0.0;

    private final int numMelBins;
    private final int windowSize;
    private final int windowShift;
    private final int paddedSize;
    private final double[] window;
    private final float[][] melWeights; // [numMelBins][paddedSize/2 + 1]
    private final int[] melFirst;
    private final int[] melLast;
    private final Fft fft;

    public KaldiFbank(int numMelBins, int sampleFrequency) {
        if (numMelBins < 3) {
            throw new IllegalArgumentException("num_mel_bins must be at least 3: " + numMelBins);
        }
        if (sampleFrequency <= 0) {
            throw new IllegalArgumentException("sample frequency must be positive: " + sampleFrequency);
        }
        this.numMelBins = numMelBins;
        // Python: int(sample_frequency * frame_length * MILLISECONDS_TO_SECONDS)
        this.windowSize = (int) (sampleFrequency * FRAME_LENGTH_MS * 0.001);
        this.windowShift = (int) (sampleFrequency * FRAME_SHIFT_MS * 0.001);
        if (windowSize < 2 || windowShift < 1) {
            throw new IllegalArgumentException("sample frequency " + sampleFrequency + " is too low for 25 ms frames");
        }
        this.paddedSize = Integer.highestOneBit(windowSize - 1) << 1; // Python: 2 ** (x − 1).bit_length()
        this.window = new double[windowSize];
        for (int j = 0; j < windowSize; j++) {
            window[j] = 0.5 - 0.5 * Math.cos(2 * Math.PI * j / (windowSize - 1));
        }
        this.fft = new Fft(paddedSize);
        int bins = paddedSize / 2 + 1;
        this.melWeights = new float[numMelBins][bins];
        this.melFirst = new int[numMelBins];
        this.melLast = new int[numMelBins];
        buildMelBanks(sampleFrequency);
    }

    private void buildMelBanks(int sampleFrequency) {
        int numFftBins = paddedSize / 2;
        double nyquist = 0.5 * sampleFrequency;
        double highFreq = HIGH_FREQ <= 0 ? HIGH_FREQ + nyquist : HIGH_FREQ;
        if (!(LOW_FREQ >= 0 && LOW_FREQ < nyquist && highFreq > LOW_FREQ && highFreq <= nyquist)) {
            throw new IllegalArgumentException("bad mel frequency range [" + LOW_FREQ + ", " + highFreq + "] for Nyquist " + nyquist);
        }
        double fftBinWidth = sampleFrequency / (double) paddedSize;
        double melLow = 1127.0 * Math.log(1.0 + LOW_FREQ / 700.0);
        double melHigh = 1127.0 * Math.log(1.0 + highFreq / 700.0);
        double melDelta = (melHigh - melLow) / (numMelBins + 1);
        // torchaudio does the rest in float32 tensors: (python float) op (tensor) rounds operands to float32
        float fLow = (float) melLow;
        float fDelta = (float) melDelta;
        float[] mel = new float[numFftBins];
        for (int k = 0; k < numFftBins; k++) {
            float freq = (float) fftBinWidth * (float) k;
            mel[k] = 1127.0f * (float) Math.log((float) (1.0f + freq / 700.0f));
        }
        for (int m = 0; m < numMelBins; m++) {
            float left = fLow + (float) m * fDelta;
            float center = fLow + ((float) m + 1.0f) * fDelta;
            float right = fLow + ((float) m + 2.0f) * fDelta;
            melFirst[m] = Integer.MAX_VALUE;
            melLast[m] = -1;
            for (int k = 0; k < numFftBins; k++) {
                float up = (mel[k] - left) / (center - left);
                float down = (right - mel[k]) / (right - center);
                float w = Math.max(0f, Math.min(up, down));
                melWeights[m][k] = w;
                if (w > 0) {
                    melFirst[m] = Math.min(melFirst[m], k);
                    melLast[m] = k;
                }
            }
            // column numFftBins (Nyquist) stays 0: torchaudio pads the banks with a zero column
        }
    }

    public int numMelBins() {
        return numMelBins;
    }

    /** Samples per frame (400 at 16 kHz). */
    public int windowSize() {
        return windowSize;
    }

    /** Samples between frame starts (160 at 16 kHz). */
    public int windowShift() {
        return windowShift;
    }

    /** FFT size (512 at 16 kHz). */
    public int paddedWindowSize() {
        return paddedSize;
    }

    /** Frames produced for {@code numSamples} samples (snip_edges): {@code 1 + (n − window) / shift}, 0 when shorter. */
    public int numFrames(int numSamples) {
        return numSamples < windowSize ? 0 : 1 + (numSamples - windowSize) / windowShift;
    }

    /** Fbank of {@code waveform[offset, offset + length)}: [frames · numMelBins] row-major (frame-major). */
    public float[] compute(float[] waveform, int offset, int length) {
        if (offset < 0 || length < 0 || offset + (long) length > waveform.length) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + (long) length) + ") outside " + waveform.length);
        }
        int frames = numFrames(length);
        float[] out = new float[frames * numMelBins];
        double[] re = new double[paddedSize];
        double[] im = new double[paddedSize];
        double[] power = new double[paddedSize / 2 + 1];
        for (int f = 0; f < frames; f++) {
            int start = offset + f * windowShift;
            double mean = 0;
            for (int j = 0; j < windowSize; j++) {
                mean += waveform[start + j];
            }
            mean /= windowSize;
            for (int j = 0; j < windowSize; j++) {
                re[j] = waveform[start + j] - mean;
            }
            for (int j = windowSize - 1; j > 0; j--) {
                re[j] -= PREEMPHASIS * re[j - 1];
            }
            re[0] -= PREEMPHASIS * re[0];
            for (int j = 0; j < windowSize; j++) {
                re[j] *= window[j];
            }
            java.util.Arrays.fill(re, windowSize, paddedSize, 0.0);
            fft.powerSpectrum(re, im, power);
            for (int m = 0; m < numMelBins; m++) {
                double e = 0;
                float[] wm = melWeights[m];
                for (int k = melFirst[m]; k <= melLast[m]; k++) {
                    e += wm[k] * power[k];
                }
                out[f * numMelBins + m] = (float) Math.log(Math.max(e, EPSILON));
            }
        }
        return out;
    }

    /** Fbank of the whole waveform as a tensor [frames, numMelBins]. */
    public FloatTensor compute(float[] waveform) {
        float[] data = compute(waveform, 0, waveform.length);
        return new FloatTensor(data, new long[] {data.length / numMelBins, numMelBins});
    }
}
