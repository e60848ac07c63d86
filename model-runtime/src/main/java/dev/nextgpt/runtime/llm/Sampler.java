package dev.nextgpt.runtime.llm;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Next-token choice on one logits row: argmax, or softmax with temperature, top-k and top-p (nucleus) sampling. */
final class Sampler {
    private Sampler() {}

    /** Index of the largest logit (the first on ties); -1 when none is finite or +∞. */
    static int argmax(float[] logits) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            if (v > bestValue) { // NaN and -∞ never win
                best = i;
                bestValue = v;
            }
        }
        return best;
    }

    /**
     * Samples a token: {@code temperature == 0} is argmax; else softmax of {@code logits / temperature} restricted
     * to the {@code topK} most likely tokens (0 = all), then to the smallest most-likely set whose probability
     * reaches {@code topP}, renormalised, drawn with {@code rng}. -∞ logits are never drawn. Returns -1 when no token
     * is allowed.
     */
    static int sample(float[] logits, double temperature, int topK, double topP, SplittableRandom rng) {
        int best = argmax(logits);
        if (temperature == 0 || best < 0) {
            return best;
        }
        int n = logits.length;
        double max = logits[best];
        double[] p = new double[n];
        double total = 0;
        int allowed = 0;
        for (int i = 0; i < n; i++) {
            float v = logits[i];
            if (v > Float.NEGATIVE_INFINITY) {
                p[i] = Math.exp((v - max) / temperature);
                total += p[i];
                allowed++;
            }
        }
        if (total == 0 || Double.isNaN(total)) {
            return best;
        }
        boolean limitK = topK > 0 && topK < allowed;
        boolean limitP = topP < 1;
        if (!limitK && !limitP) {
            return draw(p, total, rng, best);
        }
        int[] order = descending(p, allowed);
        int keep = limitK ? Math.min(topK, order.length) : order.length;
        if (limitP) {
            double kTotal = 0;
            for (int i = 0; i < keep; i++) {
                kTotal += p[order[i]];
            }
            double cumulative = 0;
            int nucleus = 0;
            while (nucleus < keep) {
                cumulative += p[order[nucleus]] / kTotal;
                nucleus++;
                if (cumulative >= topP) {
                    break;
                }
            }
            keep = nucleus;
        }
        double kept = 0;
        for (int i = 0; i < keep; i++) {
            kept += p[order[i]];
        }
        double r = rng.nextDouble() * kept;
        for (int i = 0; i < keep; i++) {
            r -= p[order[i]];
            if (r < 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    private static int draw(double[] p, double total, SplittableRandom rng, int fallback) {
        double r = rng.nextDouble() * total;
        int last = fallback;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                r -= p[i];
                last = i;
                if (r < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    /** Indices of the {@code allowed} non-zero probabilities, most likely first (lower index first on ties). */
    private static int[] descending(double[] p, int allowed) {
        long[] keys = new long[allowed];
        int k = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                // probabilities are positive doubles: their bits order like the values; invert for descending
                long bits = Double.doubleToRawLongBits(p[i]) >>> 21; // top 43 bits: ample precision for ordering
                keys[k++] = ((~bits & ((1L << 43) - 1)) << 21) | i;
            }
        }
        Arrays.sort(keys, 0, k);
        int[] order = new int[k];
        for (int i = 0; i < k; i++) {
            order[i] = (int) (keys[i] & ((1L << 21) - 1));
        }
        return order;
    }
}
