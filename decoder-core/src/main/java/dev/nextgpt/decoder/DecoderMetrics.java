package dev.nextgpt.decoder;

import dev.nextgpt.contracts.Modality;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * The decoder's meters, tagged with the modality (Prometheus names: {@code nextgpt_decoder_batch_size},
 * {@code nextgpt_decoder_stage_seconds}, {@code nextgpt_decoder_steps_per_second}, {@code nextgpt_decoder_artifacts_stored_total},
 * {@code nextgpt_decoder_artifact_bytes}, {@code nextgpt_decoder_cancellations_total}, {@code nextgpt_decoder_failures_total},
 * {@code nextgpt_decoder_already_stored_total}).
 */
public final class DecoderMetrics {
    private final MeterRegistry registry;
    private final String modality;
    private final DistributionSummary batchSize;
    private final DistributionSummary stepsPerSecond;
    private final DistributionSummary artifactBytes;
    private final Counter stored;
    private final Counter cancellations;
    private final Counter alreadyStored;

    public DecoderMetrics(MeterRegistry registry, Modality modality) {
        this.registry = registry;
        this.modality = modality.wireName();
        this.batchSize = DistributionSummary.builder("nextgpt.decoder.batch.size")
                .description("Requests per denoiser batch").tag("modality", this.modality)
                .serviceLevelObjectives(1, 2, 4, 8, 16).register(registry);
        this.stepsPerSecond = DistributionSummary.builder("nextgpt.decoder.steps.per.second")
                .description("Diffusion steps per second of a batch (request steps summed over the batch)")
                .tag("modality", this.modality).register(registry);
        this.artifactBytes = DistributionSummary.builder("nextgpt.decoder.artifact.bytes").baseUnit("bytes")
                .description("Size of stored artifacts").tag("modality", this.modality).register(registry);
        this.stored = Counter.builder("nextgpt.decoder.artifacts.stored")
                .description("Artifacts written to the object store").tag("modality", this.modality).register(registry);
        this.cancellations = Counter.builder("nextgpt.decoder.cancellations")
                .description("Outputs stopped because their job was cancelled").tag("modality", this.modality).register(registry);
        this.alreadyStored = Counter.builder("nextgpt.decoder.already.stored")
                .description("Redelivered requests whose artifact was already stored (announced again, not decoded)")
                .tag("modality", this.modality).register(registry);
    }

    /** Meters kept in memory only (tests, tools). */
    public static DecoderMetrics inMemory(Modality modality) {
        return new DecoderMetrics(new SimpleMeterRegistry(), modality);
    }

    public MeterRegistry registry() {
        return registry;
    }

    void batch(int size) {
        batchSize.record(size);
    }

    void steps(long steps, Duration elapsed) {
        if (steps > 0 && !elapsed.isZero()) {
            stepsPerSecond.record(steps / (elapsed.toNanos() / 1e9));
        }
    }

    /** Time from the start of an output's batch to its outcome, by outcome ({@code stored}, {@code cancelled}, {@code failed}). */
    void stage(String outcome, Duration elapsed) {
        Timer.builder("nextgpt.decoder.stage").description("Decode stage latency per output, batch start to outcome")
                .tags("modality", modality, "outcome", outcome).register(registry).record(elapsed);
    }

    void stored(long bytes) {
        stored.increment();
        artifactBytes.record(bytes);
    }

    void alreadyStored() {
        alreadyStored.increment();
    }

    void cancelled() {
        cancellations.increment();
    }

    /** A failed output, by reason kind ({@code deadline}, {@code invalid_params}, {@code decoder_error}, {@code encoder_error}). */
    public void failed(String kind) {
        Counter.builder("nextgpt.decoder.failures").description("Outputs that failed the job")
                .tags("modality", modality, "kind", kind).register(registry).increment();
    }

    /** Total of completed batches (for tests and logs). */
    public long batches() {
        return batchSize.count();
    }

    /** Requests summed over all batches (for tests and logs). */
    public double batchedRequests() {
        return batchSize.totalAmount();
    }

    public double artifactsStored() {
        return stored.count();
    }

    public double alreadyStoredCount() {
        return alreadyStored.count();
    }

    public double cancellationCount() {
        return cancellations.count();
    }
}
