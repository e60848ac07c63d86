package dev.nextgpt.decoder;

import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.decoding.BatchKey;
import dev.nextgpt.runtime.decoding.DiffusionParams;
import java.util.Objects;

/**
 * One accepted output to generate: the validated {@code SignalsReady}, its signal group and resolved diffusion
 * parameters, and the object key its artifact goes to.
 */
public record DecodeTask(SignalsReady message, SignalGroup signals, DiffusionParams params, String objectKey) {
    public DecodeTask {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(signals, "signals");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(objectKey, "objectKey");
    }

    public String jobId() {
        return message.jobId();
    }

    public String tenant() {
        return message.tenant();
    }

    public int outputIndex() {
        return message.outputIndex();
    }

    public Stage stage() {
        return Stage.decode(message.modality());
    }

    public IdempotencyKey work() {
        return message.idempotencyKey();
    }

    /** What it must share with others to run in their denoiser batch. */
    public BatchKey batchKey() {
        return BatchKey.of(message.modality(), params);
    }

    @Override
    public String toString() {
        return "DecodeTask[" + work() + ", " + batchKey() + ", seed " + params.seed() + "]";
    }
}
