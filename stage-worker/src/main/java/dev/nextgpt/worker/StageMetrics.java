package dev.nextgpt.worker;

/**
 * What the worker counts and times; the Quarkus apps bind it to Micrometer. Consumer lag comes from the Kafka
 * client's own metrics ({@code KafkaClientMetrics} on {@link StageWorker#consumer()}). Called on the worker thread.
 */
public interface StageMetrics {
    StageMetrics NONE = new StageMetrics() {};

    /** Records polled (valid or not). */
    default void recordsConsumed(int count) {}

    /** A batch went through the handler: its size and how long handling, publishing and committing took. */
    default void batchProcessed(int size, long nanos) {}

    /** A record went to the dead-letter topic. */
    default void deadLettered(String errorClass) {}

    /** A job finished this stage; latency from the record's timestamp to the commit. */
    default void jobCompleted(long stageLatencyNanos) {}

    /** A job failed in this stage: {@code deadline} or {@code failure}. */
    default void jobFailed(String cause) {}

    /** A job was not processed because it was cancelled. */
    default void jobSkipped(String why) {}

    /** The handler threw {@link TransientFailure}: the batch is consumed again after a pause. */
    default void batchRetried() {}

    /** Kafka did not acknowledge a batch's records; the batch is consumed again. */
    default void publishFailed() {}
}
