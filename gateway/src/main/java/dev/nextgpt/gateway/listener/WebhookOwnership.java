package dev.nextgpt.gateway.listener;

import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * Which partitions of {@code nextgpt.jobs.requested} this replica owns in the group
 * {@link ConsumerGroup#GATEWAY_WEBHOOK_OWNERS}: the replica that owns a job's partition sends the job's webhooks. The
 * consumer only holds the membership: its partitions are paused, it reads and commits nothing; Kafka's group
 * protocol moves the partitions when replicas come and go.
 */
public final class WebhookOwnership implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookOwnership.class);

    private final Properties props;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final Consumer<Set<Integer>> onAssigned;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /** {@code onAssigned} is told the partitions this replica gained (on the ownership thread). */
    public WebhookOwnership(String bootstrapServers, Consumer<Set<Integer>> onAssigned) {
        this.onAssigned = onAssigned;
        props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, ConsumerGroup.GATEWAY_WEBHOOK_OWNERS);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "nextgpt-gateway-webhooks-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        thread = new Thread(this::run, "webhook-ownership");
        thread.setDaemon(true);
    }

    public WebhookOwnership start() {
        thread.start();
        return this;
    }

    /** Whether this replica owns partition {@code partition} of {@code nextgpt.jobs.requested}. */
    public boolean owns(int partition) {
        return owned.contains(partition);
    }

    /** The partitions this replica owns now. */
    public Set<Integer> owned() {
        return Set.copyOf(owned);
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                if (!running) {
                    return;
                }
                c.subscribe(List.of(Topics.JOBS_REQUESTED), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        partitions.forEach(tp -> owned.remove(tp.partition()));
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        partitions.forEach(tp -> owned.remove(tp.partition()));
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        c.pause(partitions);
                        Set<Integer> gained = new HashSet<>();
                        partitions.forEach(tp -> gained.add(tp.partition()));
                        owned.addAll(gained);
                        LOG.infof("webhooks: this replica now owns partitions %s of %s", owned, Topics.JOBS_REQUESTED);
                        try {
                            onAssigned.accept(gained);
                        } catch (RuntimeException e) {
                            LOG.error("webhooks: handling new partitions failed", e);
                        }
                    }
                });
                while (running) {
                    c.poll(Duration.ofMillis(500));   // paused: returns nothing, keeps the membership alive
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                owned.clear();
                if (!running) {
                    return;
                }
                LOG.warnf("webhooks: ownership consumer failed (%s); rejoining in 1 s", e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        owned.clear();
    }
}
