package dev.nextgpt.runtime.encoding.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FftTest {

    @Test
    void matchesANaiveDftOnRandomComplexInput() {
        for (int n : new int[] {1, 2, 8, 64, 512}) {
            Random rnd = new Random(n);
            double[] re = new double[n];
            double[] im = new double[n];
            for (int i = 0; i < n; i++) {
                re[i] = rnd.nextGaussian();
                im[i] = rnd.nextGaussian();
            }
            double[] wantRe = new double[n];
            double[] wantIm = new double[n];
            for (int k = 0; k < n; k++) {
                for (int t = 0; t < n; t++) {
                    double a = -2 * Math.PI * k * t / n;
                    wantRe[k] += re[t] * Math.cos(a) - im[t] * Math.sin(a);
                    wantIm[k] += re[t] * Math.sin(a) + im[t] * Math.cos(a);
                }
            }
            new Fft(n).transform(re, im);
            for (int k = 0; k < n; k++) {
                assertEquals(wantRe[k], re[k], 1e-9, "n=" + n + " re[" + k + "]");
                assertEquals(wantIm[k], im[k], 1e-9, "n=" + n + " im[" + k + "]");
            }
        }
    }

    @Test
    void powerSpectrumOfACosineAtABinCentreHasOnePeak() {
        int n = 512;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.cos(2 * Math.PI * 32 * i / n);
        }
        double[] power = new double[n / 2 + 1];
        new Fft(n).powerSpectrum(x, new double[n], power);
        assertEquals((n / 2.0) * (n / 2.0), power[32], 1e-6);
        assertEquals(0, power[31], 1e-12);
        assertEquals(0, power[0], 1e-12);
    }

    @Test
    void refusesSizesThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new Fft(400));
    }
}
