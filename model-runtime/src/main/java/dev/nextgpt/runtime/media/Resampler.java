package dev.nextgpt.runtime.media;

/**
 * Band-limited resampling by windowed-sinc interpolation, with the same filter design as torchaudio's default
 * {@code torchaudio.functional.resample} ({@code resampling_method="sinc_interp_hann"}, {@code lowpass_filter_width=6},
 * {@code rolloff=0.99}), which is what ImageBind uses to bring audio to 16 kHz.
 *
 * <p>The rates are reduced by their gcd to {@code L = from/g}, {@code M = to/g}. The cutoff is
 * {@code fc = 0.99 · min(L, M)} (in units of the reduced rates), the filter spans {@code ±6} zero crossings of the
 * sinc at that cutoff. <b>Window</b>: Hann, {@code w(t) = cos²(π t / (2 · 6))} for {@code |t| ≤ 6} zero crossings,
 * 0 outside (so the filter has finite support of {@code ceil(6 L / fc)} input samples either side). Output sample
 * {@code m} sits at input position {@code m · L / M} and is
 * {@code y[m] = Σ_k x[k] · (fc / L) · sinc(fc (k/L − m/M)) · w(fc (k/L − m/M))}, with {@code x} zero outside the
 * input. The output has {@code ceil(n · M / L)} samples.
 */
public final class Resampler {

    private static final int LOWPASS_FILTER_WIDTH = 6;
    private static final double ROLLOFF = 0.99;

    private Resampler() {
    }

    public static float[] resample(float[] in, int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + fromRate + " → " + toRate);
        }
        if (fromRate == toRate) {
            return in.clone();
        }
        int g = gcd(fromRate, toRate);
        int orig = fromRate / g;
        int neu = toRate / g;
        double baseFreq = Math.min(orig, neu) * ROLLOFF;
        int width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * orig / baseFreq);
        int taps = 2 * width + orig;
        double scale = baseFreq / orig;
        // kernel[j][k]: weight of input sample (block·orig + k − width) for output (block·neu + j)
        float[][] kernel = new float[neu][taps];
        int[] first = new int[neu];
        int[] last = new int[neu];
        for (int j = 0; j < neu; j++) {
            first[j] = taps;
            last[j] = -1;
            for (int k = 0; k < taps; k++) {
                double t = (-(double) j / neu + (double) (k - width) / orig) * baseFreq;
                if (t <= -LOWPASS_FILTER_WIDTH || t >= LOWPASS_FILTER_WIDTH) {
                    continue;
                }
                double window = Math.cos(t * Math.PI / LOWPASS_FILTER_WIDTH / 2);
                window *= window;
                double x = t * Math.PI;
                double sinc = x == 0 ? 1.0 : Math.sin(x) / x;
                kernel[j][k] = (float) (sinc * window * scale);
                first[j] = Math.min(first[j], k);
                last[j] = Math.max(last[j], k);
            }
        }
        int n = in.length;
        long outLen = ((long) neu * n + orig - 1) / orig;
        if (outLen > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("resampled audio would hold " + outLen + " samples");
        }
        float[] out = new float[(int) outLen];
        for (int m = 0; m < out.length; m++) {
            int block = m / neu;
            int j = m - block * neu;
            int base = block * orig - width;
            float[] kj = kernel[j];
            double acc = 0;
            for (int k = first[j]; k <= last[j]; k++) {
                int idx = base + k;
                if (idx >= 0 && idx < n) {
                    acc += kj[k] * (double) in[idx];
                }
            }
            out[m] = (float) acc;
        }
        return out;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
