package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Standard normal noise from a seed, generated in Java so that the same seed gives bit-identical noise on every
 * machine and device: {@link SplittableRandom} (a fixed, documented algorithm) feeding the Box–Muller transform
 * computed with {@link StrictMath} (platform-independent results). Each pair of uniforms {@code (u1, u2)} gives
 * {@code r·cos(2πu2)} and {@code r·sin(2πu2)} with {@code r = √(−2 ln u1)}, {@code u1 ∈ (0, 1]}.
 */
public final class SeededNoise {
    private SeededNoise() {}

    /** {@code count} standard normal floats from {@code seed}. */
    public static float[] gaussian(long seed, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be ≥ 0, got " + count);
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[count];
        for (int i = 0; i < count; i += 2) {
            double u1 = 1.0 - random.nextDouble(); // (0, 1]: log is finite
            double u2 = random.nextDouble();
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
            double angle = 2.0 * StrictMath.PI * u2;
            out[i] = (float) (r * StrictMath.cos(angle));
            if (i + 1 < count) {
                out[i + 1] = (float) (r * StrictMath.sin(angle));
            }
        }
        return out;
    }

    /** Noise of {@code shape} (float32) from {@code seed}, created in {@code manager}. */
    public static NDArray sample(NDManager manager, long seed, Shape shape) {
        return manager.create(gaussian(seed, Math.toIntExact(shape.size())), shape);
    }
}
