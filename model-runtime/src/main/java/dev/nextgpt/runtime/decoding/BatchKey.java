package dev.nextgpt.runtime.decoding;

import dev.nextgpt.contracts.Modality;

/**
 * What requests must share to run in one denoiser batch: modality, number of steps and scheduler (so they walk
 * the same timesteps together). Guidance scale, seed, deadline and cancellation may differ per request.
 */
public record BatchKey(Modality modality, int steps, SchedulerKind scheduler) {
    public static BatchKey of(Modality modality, DiffusionParams params) {
        return new BatchKey(modality, params.steps(), params.scheduler());
    }

    @Override
    public String toString() {
        return modality.wireName() + "/" + scheduler.key() + "/" + steps;
    }
}
