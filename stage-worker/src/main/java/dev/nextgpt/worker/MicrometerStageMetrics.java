package dev.nextgpt.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.concurrent.TimeUnit;

/**
 * {@link StageMetrics} on Micrometer (what the Quarkus services bind), all tagged {@code service}:
 * {@code nextgpt.stage.records}, {@code nextgpt.stage.batch.size}, {@code nextgpt.stage.batch.duration},
 * {@code nextgpt.stage.dead.letters} ({@code error}), {@code nextgpt.stage.latency} (record → commit),
 * {@code nextgpt.stage.jobs} ({@code outcome} = completed / failed / skipped, {@code cause}),
 * {@code nextgpt.stage.retries}, {@code nextgpt.stage.publish.failures}. Consumer lag and the rest of the Kafka
 * client metrics come from {@link #bindKafkaClients}. Needs {@code micrometer-core} on the class path.
 */
public final class MicrometerStageMetrics implements StageMetrics {
    private final MeterRegistry registry;
    private final String service;
    private final Counter records;
    private final DistributionSummary batchSize;
    private final Timer batchDuration;
    private final Timer latency;
    private final Counter completed;
    private final Counter retries;
    private final Counter publishFailures;

    public MicrometerStageMetrics(MeterRegistry registry, String service) {
        this.registry = registry;
        this.service = service;
        this.records = Counter.builder("nextgpt.stage.records").description("records consumed")
                .tag("service", service).register(registry);
        this.batchSize = DistributionSummary.builder("nextgpt.stage.batch.size").description("valid records per batch")
                .tag("service", service).register(registry);
        this.batchDuration = Timer.builder("nextgpt.stage.batch.duration")
                .description("handling, producing and committing one batch").tag("service", service).register(registry);
        this.latency = Timer.builder("nextgpt.stage.latency")
                .description("from a record's timestamp to the commit of its outputs").tag("service", service)
                .publishPercentiles(0.5, 0.95).register(registry);
        this.completed = jobs("completed", "none");
        this.retries = Counter.builder("nextgpt.stage.retries").description("batches consumed again after a transient failure")
                .tag("service", service).register(registry);
        this.publishFailures = Counter.builder("nextgpt.stage.publish.failures")
                .description("batches whose outputs Kafka did not acknowledge").tag("service", service).register(registry);
    }

    /** Binds the worker's consumer (lag, fetch rates) and producer metrics. */
    public static void bindKafkaClients(MeterRegistry registry, StageWorker<?> worker) {
        new KafkaClientMetrics(worker.consumer()).bindTo(registry);
        new KafkaClientMetrics(worker.publisher().producer()).bindTo(registry);
    }

    private Counter jobs(String outcome, String cause) {
        return Counter.builder("nextgpt.stage.jobs").description("jobs by outcome in this stage")
                .tags("service", service, "outcome", outcome, "cause", cause).register(registry);
    }

    @Override
    public void recordsConsumed(int count) {
        records.increment(count);
    }

    @Override
    public void batchProcessed(int size, long nanos) {
        batchSize.record(size);
        batchDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void deadLettered(String errorClass) {
        Counter.builder("nextgpt.stage.dead.letters").description("records sent to the dead-letter topic")
                .tags("service", service, "error", errorClass).register(registry).increment();
    }

    @Override
    public void jobCompleted(long stageLatencyNanos) {
        completed.increment();
        latency.record(stageLatencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void jobFailed(String cause) {
        jobs("failed", cause).increment();
    }

    @Override
    public void jobSkipped(String why) {
        jobs("skipped", why).increment();
    }

    @Override
    public void batchRetried() {
        retries.increment();
    }

    @Override
    public void publishFailed() {
        publishFailures.increment();
    }
}
