package dev.nextgpt.decoder;

/**
 * Told the progress of each running output: after every diffusion step ({@code 0 < fraction ≤ }
 * {@value DecoderStage#DIFFUSION_SHARE}) and 1.0 once its artifact is stored. The service forwards it to the stage
 * worker's {@code JobEvents}, which throttles per output; progress is advisory, a failing sink never fails an output.
 */
@FunctionalInterface
public interface ProgressSink {
    ProgressSink NONE = (task, fraction) -> {};

    void progress(DecodeTask task, double fraction);
}
