package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * DPM-Solver++ (2M) (diffusers {@code DPMSolverMultistepScheduler}, {@code algorithm_type="dpmsolver++"},
 * {@code solver_order=2}, {@code solver_type="midpoint"}, {@code timestep_spacing="linspace"},
 * {@code final_sigmas_type="zero"}), exactly as {@code models/README.md} writes it:
 * timesteps {@code round(linspace(0, T−1, n+1))} reversed without the last; {@code σ_i = √((1−ᾱ)/ᾱ)} at
 * {@code t_i}, {@code σ_n = 0}; step 0 and the last step are first order, the others second order using the
 * previous step's {@code x0}.
 */
public final class DpmSolverMultistepScheduler implements Scheduler {
    private final int steps;
    private final int[] timesteps;
    /** σ_0 … σ_n (σ_n = 0). */
    private final double[] sigmas;

    public DpmSolverMultistepScheduler(NoiseSchedule schedule, int steps) {
        int trainSteps = schedule.numTrainTimesteps();
        if (steps < 1 || steps > trainSteps) {
            throw new IllegalArgumentException("DPM-Solver++ steps must be in 1.." + trainSteps + ", got " + steps);
        }
        this.steps = steps;
        double[] grid = NoiseSchedule.linspace(0, trainSteps - 1, steps + 1);
        this.timesteps = new int[steps];
        for (int i = 0; i < steps; i++) {
            timesteps[i] = (int) Math.rint(grid[steps - i]); // numpy round: half to even
        }
        this.sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double a = schedule.alphaCumprod(timesteps[i]);
            sigmas[i] = Math.sqrt((1 - a) / a);
        }
        sigmas[steps] = 0.0;
    }

    @Override
    public SchedulerKind kind() {
        return SchedulerKind.DPMPP_2M;
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

    /** σ_0 … σ_n (a copy). */
    public double[] sigmas() {
        return sigmas.clone();
    }

    static double alphaT(double sigma) {
        return 1.0 / Math.sqrt(sigma * sigma + 1.0);
    }

    static double sigmaT(double sigma) {
        return sigma * alphaT(sigma);
    }

    static double lambda(double sigma) {
        return Math.log(alphaT(sigma)) - Math.log(sigmaT(sigma));
    }

    @Override
    public NDArray step(NDArray modelOutput, NDArray sample, SchedulerState state) {
        state.checkStep(this);
        int i = state.stepIndex();
        double sigma = sigmas[i];
        double sigmaNext = sigmas[i + 1];

        // the data prediction of DPM-Solver++
        NDArray x0 = sample.sub(modelOutput.mul((float) sigmaT(sigma))).div((float) alphaT(sigma));

        NDArray next;
        if (sigmaNext == 0.0) {
            // the last step lands on σ = 0: the first-order update reduces to x0
            next = x0.duplicate();
        } else {
            double h = lambda(sigmaNext) - lambda(sigma);
            double sampleCoefficient = sigmaT(sigmaNext) / sigmaT(sigma);
            double d0Coefficient = -alphaT(sigmaNext) * Math.expm1(-h);
            NDArray previousX0 = state.predictedOriginal();
            boolean firstOrder = i == 0 || i == steps - 1 || previousX0 == null;
            next = sample.mul((float) sampleCoefficient).add(x0.mul((float) d0Coefficient));
            if (!firstOrder) {
                double h0 = lambda(sigma) - lambda(sigmas[i - 1]);
                double r = h0 / h;
                NDArray d1 = x0.sub(previousX0).div((float) r);
                next = next.add(d1.mul((float) (0.5 * d0Coefficient)));
            }
        }
        state.advance(x0);
        return next;
    }

    @Override
    public String toString() {
        return "dpmpp_2m(" + steps + " steps, timesteps " + Arrays.toString(timesteps) + ")";
    }
}
