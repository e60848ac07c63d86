package dev.nextgpt.decoder;

import java.time.Duration;

/**
 * Decides which diffusion steps of one output become progress events: the first step, then at most one per
 * interval, and never a fraction that does not grow. Diffusion covers {@value #DIFFUSION_SHARE} of the progress; 1.0
 * is sent only once the artifact is stored, so a client that sees 1.0 can fetch the output.
 */
public final class ProgressThrottle {
    /** The share of an output's progress the diffusion steps cover; VAE, encoding and storage are the rest. */
    public static final double DIFFUSION_SHARE = 0.95;

    private final long intervalNanos;
    private long lastSentNanos;
    private double lastFraction = -1;

    public ProgressThrottle(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /**
     * The fraction to publish after {@code step} of {@code total} at time {@code nowNanos} (a {@link System#nanoTime()}
     * reading), or a negative number when this step stays silent.
     */
    public double onStep(int step, int total, long nowNanos) {
        double fraction = DIFFUSION_SHARE * step / total;
        boolean first = lastFraction < 0;
        if (fraction <= lastFraction || (!first && nowNanos - lastSentNanos < intervalNanos)) {
            return -1;
        }
        lastSentNanos = nowNanos;
        lastFraction = fraction;
        return fraction;
    }
}
