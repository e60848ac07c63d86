package dev.nextgpt.runtime.decoding;

/** Told after each diffusion step of each request still running ({@code step} counts from 1 to {@code totalSteps}). */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (request, step, totalSteps) -> {};

    void onStep(DecodeRequest request, int step, int totalSteps);
}
