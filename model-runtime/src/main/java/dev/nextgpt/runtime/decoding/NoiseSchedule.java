package dev.nextgpt.runtime.decoding;

import dev.nextgpt.runtime.bundle.BundleManifest.SchedulerSpec;
import java.util.Locale;

/**
 * The training noise schedule of a denoiser, in float64: {@code betas} and {@code ᾱ = cumprod(1 − betas)} from a
 * manifest {@code scheduler} section ({@code scaled_linear} or {@code linear}, epsilon prediction). Immutable.
 */
public final class NoiseSchedule {
    private final SchedulerSpec spec;
    private final double[] betas;
    private final double[] alphasCumprod;

    private NoiseSchedule(SchedulerSpec spec, double[] betas) {
        this.spec = spec;
        this.betas = betas;
        this.alphasCumprod = new double[betas.length];
        double product = 1.0;
        for (int i = 0; i < betas.length; i++) {
            product *= 1.0 - betas[i];
            alphasCumprod[i] = product;
        }
    }

    /** Builds the tables of a manifest scheduler section; an unsupported or inconsistent one is an {@link IllegalArgumentException}. */
    public static NoiseSchedule of(SchedulerSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("no scheduler configuration");
        }
        int n = spec.numTrainTimesteps();
        if (n < 2) {
            throw new IllegalArgumentException("scheduler num_train_timesteps must be ≥ 2, got " + n);
        }
        String prediction = spec.predictionType() == null ? "epsilon" : spec.predictionType().toLowerCase(Locale.ROOT);
        if (!prediction.equals("epsilon")) {
            throw new IllegalArgumentException("scheduler prediction_type '" + spec.predictionType() + "' is not supported (only epsilon)");
        }
        if (!(spec.betaStart() > 0 && spec.betaEnd() < 1 && spec.betaStart() <= spec.betaEnd())) {
            throw new IllegalArgumentException("scheduler betas must satisfy 0 < beta_start ≤ beta_end < 1, got "
                    + spec.betaStart() + ", " + spec.betaEnd());
        }
        String kind = spec.betaSchedule() == null ? "" : spec.betaSchedule().toLowerCase(Locale.ROOT);
        double[] betas;
        switch (kind) {
            case "scaled_linear" -> {
                betas = linspace(Math.sqrt(spec.betaStart()), Math.sqrt(spec.betaEnd()), n);
                for (int i = 0; i < n; i++) {
                    betas[i] = betas[i] * betas[i];
                }
            }
            case "linear" -> betas = linspace(spec.betaStart(), spec.betaEnd(), n);
            default -> throw new IllegalArgumentException("scheduler beta_schedule '" + spec.betaSchedule()
                    + "' is not supported (expected scaled_linear or linear)");
        }
        return new NoiseSchedule(spec, betas);
    }

    /** numpy's {@code linspace(start, stop, num)} (endpoint included, last value exactly {@code stop}). */
    static double[] linspace(double start, double stop, int num) {
        double[] out = new double[num];
        if (num == 1) {
            out[0] = start;
            return out;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            out[i] = start + i * step;
        }
        out[num - 1] = stop;
        return out;
    }

    public SchedulerSpec spec() {
        return spec;
    }

    /** {@code T}, the number of training timesteps. */
    public int numTrainTimesteps() {
        return betas.length;
    }

    public double beta(int t) {
        return betas[t];
    }

    /** {@code ᾱ[t]}. */
    public double alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** DDIM's {@code ᾱ} after the last step: {@code 1} with {@code set_alpha_to_one}, else {@code ᾱ[0]}. */
    public double finalAlphaCumprod() {
        return spec.setAlphaToOne() ? 1.0 : alphasCumprod[0];
    }

    /** The step offset of "leading" spacing ({@code steps_offset}). */
    public int stepsOffset() {
        return spec.stepsOffset();
    }
}
