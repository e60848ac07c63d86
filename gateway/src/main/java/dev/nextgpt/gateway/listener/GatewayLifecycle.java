package dev.nextgpt.gateway.listener;

import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Identifiers;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.Turn;
import dev.nextgpt.gateway.client.JobTopics;
import dev.nextgpt.gateway.config.GatewayConfig;
import dev.nextgpt.gateway.service.GatewayMetrics;
import dev.nextgpt.gateway.service.JobStore;
import dev.nextgpt.gateway.service.WebhookDispatcher;
import dev.nextgpt.objectstore.ObjectStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts what runs beside the HTTP API: the job-state reader (and its dead letters), the webhook ownership
 * membership, and the webhook dispatcher once the state has caught up. Refuses configurations the contracts cannot
 * carry.
 */
@ApplicationScoped
public class GatewayLifecycle {
    private static final Logger LOG = Logger.getLogger(GatewayLifecycle.class);
    /** The contracts' limit on one text part (Fields.MAX_TEXT_CHARS). */
    private static final int CONTRACT_MAX_TEXT = 32_768;

    @Inject
    JobStore store;
    @Inject
    GatewayMetrics metrics;
    @Inject
    WebhookDispatcher dispatcher;
    @Inject
    ObjectStore objectStore;
    @Inject
    JobTopics topics;
    @Inject
    GatewayConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private JobTopicsReader reader;
    private WebhookOwnership ownership;

    void onStart(@Observes StartupEvent event) {
        checkConfig();
        try {
            objectStore.ensureBucket();
        } catch (RuntimeException e) {
            LOG.warnf("object store: %s (readiness reports it until it answers)", e.getMessage());
        }
        ownership = new WebhookOwnership(bootstrapServers, dispatcher::partitionsGained).start();
        reader = new JobTopicsReader(bootstrapServers, store, metrics::record)
                .onCaughtUp(() -> dispatcher.start(ownership::owns, this::partitionOf))
                .onInvalid(this::deadLetter)
                .start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (ownership != null) {
            ownership.close();
        }
        if (reader != null) {
            reader.close();
        }
    }

    /**
     * Dead-letters an invalid record of a topic the gateway consumes ({@code ConsumerGroup.GATEWAY}), from the one
     * replica that owns the partition of the same number in the webhook group, so it is dead-lettered once.
     */
    private void deadLetter(ConsumerRecord<String, byte[]> record, RuntimeException error) {
        if (!ConsumerGroup.GATEWAY.consumes().contains(record.topic())) {
            return;   // the gateway's own topics (requested, control): logged and counted only
        }
        int partitions = reader.partitions(Topics.JOBS_REQUESTED);
        if (partitions > 0 && ownership.owns(record.partition() % partitions)) {
            topics.deadLetter(record, Topics.deadLetter(record.topic(), ConsumerGroup.GATEWAY),
                    ConsumerGroup.GATEWAY.groupId(), error);
            metrics.record(record.topic(), "dead_lettered");
        }
    }

    /** The reader of the job topics (for readiness). */
    public JobTopicsReader reader() {
        return reader;
    }

    /** The partition of {@code nextgpt.jobs.requested} a job's records go to (Kafka's default partitioner). */
    int partitionOf(String jobId) {
        int partitions = reader.partitions(Topics.JOBS_REQUESTED);
        return partitions == 0 ? -1
                : Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private void checkConfig() {
        var limits = config.limits();
        require(limits.maxTurns() >= 1 && limits.maxTurns() <= Messages.MAX_TURNS,
                "nextgpt.gateway.limits.max-turns must be 1.." + Messages.MAX_TURNS);
        require(limits.maxPartsPerTurn() >= 1 && limits.maxPartsPerTurn() <= Turn.MAX_PARTS,
                "nextgpt.gateway.limits.max-parts-per-turn must be 1.." + Turn.MAX_PARTS);
        require(limits.maxTextChars() >= 1 && limits.maxTextChars() <= CONTRACT_MAX_TEXT,
                "nextgpt.gateway.limits.max-text-chars must be 1.." + CONTRACT_MAX_TEXT);
        require(config.params().maxNewTokens() >= 1 && config.params().maxNewTokens() <= 4096,
                "nextgpt.gateway.params.max-new-tokens must be 1..4096");
        require(config.params().maxGuidance() >= 0 && config.params().maxGuidance() <= 50,
                "nextgpt.gateway.params.max-guidance must be 0..50");
        require(config.params().maxTemperature() >= 0 && config.params().maxTemperature() <= 5,
                "nextgpt.gateway.params.max-temperature must be 0..5");
        require(config.params().maxSteps() >= 1 && config.params().maxSteps() <= 1000,
                "nextgpt.gateway.params.max-steps must be 1..1000");
        require(config.webhooks().maxAttempts() >= 1 && config.webhooks().maxAttempts() <= 100,
                "nextgpt.gateway.webhooks.max-attempts must be 1..100");
        long expiry = config.artifacts().urlExpiry().getSeconds();
        require(expiry >= 1 && expiry <= 7 * 24 * 3600, "nextgpt.gateway.artifacts.url-expiry must be 1 s .. 7 days");
        if (config.apiKeys().isEmpty() && config.localApiKey().isEmpty()) {
            LOG.warn("no API keys are configured (nextgpt.gateway.api-keys, NEXTGPT_API_KEY): every request gets 401");
        }
        config.apiKeys().values().forEach(t -> Identifiers.requireTenant(t,
                "nextgpt.gateway.api-keys tenant"));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
