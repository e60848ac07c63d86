package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One request's share of a {@link DiffusionLoop} batch.
 *
 * @param conditioning {@code [1,Q,D]} (or {@code [Q,D]}) float32 conditioning
 * @param params       steps, guidance scale and scheduler (the seed is used only when {@code noise} is null)
 * @param noise        initial latent ({@code latent_shape} floats) or null to draw it from {@code params.seed()}
 * @param deadline     checked before each step, or null
 * @param cancellation polled before each step, or null
 * @param progress     told {@code (step, total)} after each step, or null
 */
public record DiffusionJob(
        NDArray conditioning, DiffusionParams params, float[] noise, Instant deadline, BooleanSupplier cancellation,
        StepListener progress) {

    /** Told after each step a job takes. */
    @FunctionalInterface
    public interface StepListener {
        void onStep(int step, int totalSteps);
    }

    public DiffusionJob {
        Objects.requireNonNull(conditioning, "conditioning");
        Objects.requireNonNull(params, "params");
    }

    public static DiffusionJob of(NDArray conditioning, DiffusionParams params) {
        return new DiffusionJob(conditioning, params, null, null, null, null);
    }

    public DiffusionJob withNoise(float[] noise) {
        return new DiffusionJob(conditioning, params, noise, deadline, cancellation, progress);
    }

    public DiffusionJob withDeadline(Instant deadline) {
        return new DiffusionJob(conditioning, params, noise, deadline, cancellation, progress);
    }

    public DiffusionJob withCancellation(BooleanSupplier cancellation) {
        return new DiffusionJob(conditioning, params, noise, deadline, cancellation, progress);
    }

    public DiffusionJob withProgress(StepListener progress) {
        return new DiffusionJob(conditioning, params, noise, deadline, cancellation, progress);
    }
}
