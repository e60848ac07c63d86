package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The step state of one request under one {@link Scheduler}: the index of the next step and the {@code x0} predicted
 * by the last step (DPM-Solver++ 2M needs it for its second-order update; DDIM keeps it for inspection). Not shared
 * between requests, not thread-safe.
 */
public final class SchedulerState implements AutoCloseable {
    private final Scheduler scheduler;
    private final NDManager home;
    private int stepIndex;
    private NDArray predictedOriginal;

    SchedulerState(Scheduler scheduler, NDManager home) {
        this.scheduler = scheduler;
        this.home = home;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The index of the next step (0 … steps); equals the number of steps already taken. */
    public int stepIndex() {
        return stepIndex;
    }

    /** Whether every step has been taken. */
    public boolean done() {
        return stepIndex >= scheduler.steps();
    }

    /** The timestep of the next step. */
    public int timestep() {
        if (done()) {
            throw new IllegalStateException("all " + scheduler.steps() + " steps have been taken");
        }
        return scheduler.timestep(stepIndex);
    }

    /** The {@code x0} predicted by the last step, or null before the first. */
    public NDArray predictedOriginal() {
        return predictedOriginal;
    }

    /** Checks that this state belongs to {@code owner} and has a step left. */
    void checkStep(Scheduler owner) {
        if (owner != scheduler) {
            throw new IllegalArgumentException("scheduler state belongs to another scheduler");
        }
        if (done()) {
            throw new IllegalStateException("all " + scheduler.steps() + " steps have been taken");
        }
    }

    /** Records the step's predicted {@code x0} (moved to the home manager; the previous one is freed) and moves on. */
    void advance(NDArray x0) {
        if (predictedOriginal != null && predictedOriginal != x0) {
            predictedOriginal.close();
        }
        x0.attach(home);
        predictedOriginal = x0;
        stepIndex++;
    }

    /** Frees the kept {@code x0}. */
    @Override
    public void close() {
        if (predictedOriginal != null) {
            predictedOriginal.close();
            predictedOriginal = null;
        }
    }
}
