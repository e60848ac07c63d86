package dev.nextgpt.runtime.encoding.preprocess;

/**
 * In-place iterative radix-2 decimation-in-time complex FFT (bit-reversal permutation, then butterflies with
 * precomputed twiddles) for one power-of-two size, in double precision. {@code X[k] = Σ x[n] e^{−2πikn/N}}
 * (no scaling). Instances are immutable and thread-safe.
 */
public final class Fft {

    private final int n;
    private final int[] reversed;
    private final double[] cos;
    private final double[] sin;

    public Fft(int n) {
        if (n < 1 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two: " + n);
        }
        this.n = n;
        int bits = Integer.numberOfTrailingZeros(n);
        reversed = new int[n];
        for (int i = 0; i < n; i++) {
            reversed[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        }
        cos = new double[n / 2];
        sin = new double[n / 2];
        for (int k = 0; k < n / 2; k++) {
            double a = -2 * Math.PI * k / n;
            cos[k] = Math.cos(a);
            sin[k] = Math.sin(a);
        }
    }

    public int size() {
        return n;
    }

    /** Transforms {@code re + i·im} in place. */
    public void transform(double[] re, double[] im) {
        if (re.length != n || im.length != n) {
            throw new IllegalArgumentException("FFT of size " + n + " got arrays of " + re.length + " and " + im.length);
        }
        for (int i = 0; i < n; i++) {
            int j = reversed[i];
            if (j > i) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1;
            int step = n / len;
            for (int start = 0; start < n; start += len) {
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * step];
                    double wi = sin[k * step];
                    int a = start + k;
                    int b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }

    /**
     * {@code |X[k]|²} for k = 0 … N/2 of a real signal (the one-sided power spectrum, as {@code rfft(x).abs()²}).
     * {@code scratch} must have length N and is overwritten; {@code out} must have length N/2 + 1.
     */
    public void powerSpectrum(double[] real, double[] scratch, double[] out) {
        java.util.Arrays.fill(scratch, 0.0);
        transform(real, scratch);
        for (int k = 0; k <= n / 2; k++) {
            out[k] = real[k] * real[k] + scratch[k] * scratch[k];
        }
    }
}
