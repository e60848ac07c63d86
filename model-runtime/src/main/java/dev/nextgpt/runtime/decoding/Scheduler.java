package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A diffusion sampler for a fixed number of inference steps. A scheduler is immutable and shared by every request
 * with the same (kind, steps); what changes from step to step lives in a {@link SchedulerState}, one per request,
 * so the requests of a batch each carry their own state and can leave the batch independently.
 *
 * <p>Use: {@code state = newState(home)}; for each {@code t = timesteps()[state.stepIndex()]} run the denoiser on
 * the current sample at {@code t}, apply guidance, then {@code sample = step(eps, sample, state)}.
 */
public interface Scheduler {

    SchedulerKind kind();

    /** The number of inference steps. */
    int steps();

    /** The denoiser timesteps, one per step, in the order they are used (a copy). */
    int[] timesteps();

    /** The timestep of step {@code index}. */
    int timestep(int index);

    /**
     * A fresh per-request state at step 0. Arrays the state keeps between steps (the last predicted {@code x0}) are
     * attached to {@code home}, so closing {@code home} frees them.
     */
    default SchedulerState newState(NDManager home) {
        return new SchedulerState(this, home);
    }

    /**
     * One step from the current timestep to the next: takes the (guided) noise prediction {@code modelOutput} and
     * the current {@code sample} (same shape, float32), returns the next sample and advances {@code state}. The
     * result is created in the manager of {@code sample}.
     */
    NDArray step(NDArray modelOutput, NDArray sample, SchedulerState state);

    /** The scheduler of a kind for a number of steps over a training schedule. */
    static Scheduler create(SchedulerKind kind, NoiseSchedule schedule, int steps) {
        return switch (kind) {
            case DDIM -> new DdimScheduler(schedule, steps);
            case DPMPP_2M -> new DpmSolverMultistepScheduler(schedule, steps);
        };
    }
}
