package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * DDIM (diffusers {@code DDIMScheduler}, eta 0, {@code timestep_spacing="leading"}, no clipping, epsilon prediction):
 * {@code ratio = T // n}, timesteps {@code i·ratio + steps_offset} for {@code i = n−1 … 0}; from {@code t} to
 * {@code prev = t − ratio}: {@code x0 = (x − √(1−ᾱ_t) ε) / √ᾱ_t}, {@code x ← √ᾱ_prev x0 + √(1−ᾱ_prev) ε}, where
 * {@code ᾱ_prev} below 0 is the schedule's final alpha.
 */
public final class DdimScheduler implements Scheduler {
    private final NoiseSchedule schedule;
    private final int steps;
    private final int ratio;
    private final int[] timesteps;

    public DdimScheduler(NoiseSchedule schedule, int steps) {
        int trainSteps = schedule.numTrainTimesteps();
        if (steps < 1 || steps > trainSteps) {
            throw new IllegalArgumentException("DDIM steps must be in 1.." + trainSteps + ", got " + steps);
        }
        this.schedule = schedule;
        this.steps = steps;
        this.ratio = trainSteps / steps;
        this.timesteps = new int[steps];
        for (int i = 0; i < steps; i++) {
            timesteps[i] = (steps - 1 - i) * ratio + schedule.stepsOffset();
        }
        if (timesteps[0] >= trainSteps || timesteps[steps - 1] < 0) {
            throw new IllegalArgumentException("DDIM with " + steps + " steps and steps_offset " + schedule.stepsOffset()
                    + " uses timestep " + timesteps[0] + ", outside 0.." + (trainSteps - 1));
        }
    }

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.DDIM;
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public int[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public int timestep(int index) {
        return timesteps[index];
    }

    /** {@code T // n}, the distance between consecutive timesteps. */
    public int stepRatio() {
        return ratio;
    }

    @Override
    public NDArray step(NDArray modelOutput, NDArray sample, SchedulerState state) {
        state.checkStep(this);
        int t = timesteps[state.stepIndex()];
        int prev = t - ratio;
        double alpha = schedule.alphaCumprod(t);
        double alphaPrev = prev >= 0 ? schedule.alphaCumprod(prev) : schedule.finalAlphaCumprod();

        NDArray x0 = sample.sub(modelOutput.mul((float) Math.sqrt(1 - alpha))).div((float) Math.sqrt(alpha));
        NDArray next = x0.mul((float) Math.sqrt(alphaPrev)).add(modelOutput.mul((float) Math.sqrt(1 - alphaPrev)));
        state.advance(x0);
        return next;
    }

    @Override
    public String toString() {
        return "ddim(" + steps + " steps, timesteps " + Arrays.toString(timesteps) + ")";
    }
}
