package dev.nextgpt.worker;

import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a {@link StageWorker} consumes and produces. Production code sets the broker, the group, the stage and the
 * batching; topic names default to the contracts' registry (the overrides exist so tests can share one broker).
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param group the consuming service (group id, source topic, dead-letter topic)
 * @param stage the stage named in failure and progress events
 * @param maxBatch most valid records per batch (also {@code max.poll.records})
 * @param maxWait how long a batch stays open after its first valid record, waiting for more
 * @param pollTimeout the longest single poll; bounds how fast {@link StageWorker#stop} answers
 * @param maxPollInterval Kafka {@code max.poll.interval.ms}: the longest a batch may take before the group evicts
 *     this instance
 * @param topic the source topic (default: the group's)
 * @param groupId the Kafka group id (default: the group's)
 * @param deadLetterTopic where unparseable records go (default: {@code Topics.deadLetter(topic, group)})
 * @param eventsTopic where job events go (default {@code nextgpt.jobs.events})
 * @param progressInterval spacing of throttled progress events
 * @param consumerProperties extra consumer properties (override the defaults)
 * @param producerProperties extra producer properties (override the defaults)
 * @param clock the clock deadlines are checked with
 */
public record StageWorkerConfig(
        String bootstrapServers,
        ConsumerGroup group,
        Stage stage,
        int maxBatch,
        Duration maxWait,
        Duration pollTimeout,
        Duration maxPollInterval,
        String topic,
        String groupId,
        String deadLetterTopic,
        String eventsTopic,
        Duration progressInterval,
        Map<String, Object> consumerProperties,
        Map<String, Object> producerProperties,
        Clock clock) {

    public StageWorkerConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are required");
        }
        if (group == null || stage == null) {
            throw new IllegalArgumentException("a stage worker needs a consumer group and a stage");
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max batch must be >= 1, was " + maxBatch);
        }
        if (maxWait == null || maxWait.isNegative()) {
            throw new IllegalArgumentException("max wait must be >= 0, was " + maxWait);
        }
        pollTimeout = pollTimeout == null ? Duration.ofMillis(100) : pollTimeout;
        maxPollInterval = maxPollInterval == null ? Duration.ofMinutes(10) : maxPollInterval;
        topic = topic == null ? group.consumes().get(0) : topic;
        groupId = groupId == null ? group.groupId() : groupId;
        deadLetterTopic = deadLetterTopic == null ? Topics.deadLetter(topic, group) : deadLetterTopic;
        eventsTopic = eventsTopic == null ? Topics.JOBS_EVENTS : eventsTopic;
        progressInterval = progressInterval == null ? JobEvents.DEFAULT_PROGRESS_INTERVAL : progressInterval;
        consumerProperties = consumerProperties == null ? Map.of() : Map.copyOf(consumerProperties);
        producerProperties = producerProperties == null ? Map.of() : Map.copyOf(producerProperties);
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** A builder with the registry's topics, batches of 1 and no wait. */
    public static Builder builder(String bootstrapServers, ConsumerGroup group, Stage stage) {
        return new Builder(bootstrapServers, group, stage);
    }

    /** Builder of {@link StageWorkerConfig}. */
    public static final class Builder {
        private final String bootstrapServers;
        private final ConsumerGroup group;
        private final Stage stage;
        private int maxBatch = 1;
        private Duration maxWait = Duration.ZERO;
        private Duration pollTimeout;
        private Duration maxPollInterval;
        private String topic;
        private String groupId;
        private String deadLetterTopic;
        private String eventsTopic;
        private Duration progressInterval;
        private final Map<String, Object> consumerProperties = new LinkedHashMap<>();
        private final Map<String, Object> producerProperties = new LinkedHashMap<>();
        private Clock clock;

        private Builder(String bootstrapServers, ConsumerGroup group, Stage stage) {
            this.bootstrapServers = bootstrapServers;
            this.group = group;
            this.stage = stage;
        }

        public Builder maxBatch(int value) {
            maxBatch = value;
            return this;
        }

        public Builder maxWait(Duration value) {
            maxWait = value;
            return this;
        }

        public Builder pollTimeout(Duration value) {
            pollTimeout = value;
            return this;
        }

        public Builder maxPollInterval(Duration value) {
            maxPollInterval = value;
            return this;
        }

        public Builder topic(String value) {
            topic = value;
            return this;
        }

        public Builder groupId(String value) {
            groupId = value;
            return this;
        }

        public Builder deadLetterTopic(String value) {
            deadLetterTopic = value;
            return this;
        }

        public Builder eventsTopic(String value) {
            eventsTopic = value;
            return this;
        }

        public Builder progressInterval(Duration value) {
            progressInterval = value;
            return this;
        }

        public Builder consumerProperty(String name, Object value) {
            consumerProperties.put(name, value);
            return this;
        }

        public Builder producerProperty(String name, Object value) {
            producerProperties.put(name, value);
            return this;
        }

        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        public StageWorkerConfig build() {
            return new StageWorkerConfig(bootstrapServers, group, stage, maxBatch, maxWait, pollTimeout,
                    maxPollInterval, topic, groupId, deadLetterTopic, eventsTopic, progressInterval, consumerProperties,
                    producerProperties, clock);
        }
    }
}
