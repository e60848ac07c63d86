package dev.nextgpt.worker;

import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.contracts.messages.Messages;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's view of {@code nextgpt.jobs.control}: a background thread reads ALL partitions from the beginning
 * (assigned, no consumer group, nothing committed) and keeps the set of cancelled job ids. It is ready once it has
 * caught up with the end offsets it saw at start; a tombstone forgets a job.
 */
public final class CancellationView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CancellationView.class);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private CancellationView(String bootstrapServers, String topic, Map<String, Object> extra) {
        this.topic = topic;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cancellation-view-" + UUID.randomUUID().toString().substring(0, 8));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(extra);
        this.consumer = new KafkaConsumer<>(p);
        this.thread = new Thread(this::run, "cancellation-view");
        this.thread.setDaemon(true);
    }

    /** Starts reading {@code nextgpt.jobs.control}. */
    public static CancellationView start(String bootstrapServers, Map<String, Object> consumerProperties) {
        return start(bootstrapServers, Topics.JOBS_CONTROL, consumerProperties);
    }

    /** Starts reading a control topic of another name (tests). */
    public static CancellationView start(String bootstrapServers, String topic, Map<String, Object> consumerProperties) {
        CancellationView view = new CancellationView(bootstrapServers, topic, consumerProperties);
        view.thread.start();
        return view;
    }

    /** Whether a cancel command for the job has been seen. */
    public boolean isCancelled(String jobId) {
        return cancelled.contains(jobId);
    }

    /** Whether the view has caught up with the topic as it was at start. */
    public boolean isReady() {
        return ready.getCount() == 0;
    }

    /** Waits until ready; false on timeout. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the reading thread is alive (health). */
    public boolean isRunning() {
        return thread.isAlive() && failure == null;
    }

    /** Called on the view's thread with the job id of each new cancel command (keep it fast). */
    public void addListener(Consumer<String> onCancel) {
        listeners.add(onCancel);
    }

    /** How many jobs are known cancelled. */
    public int size() {
        return cancelled.size();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                if (ready.getCount() > 0) {
                    end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                    if (end.isEmpty()) {
                        LOG.info("cancellation view of {} caught up: {} cancelled job(s)", topic, cancelled.size());
                        ready.countDown();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("cancellation view of {} stopped", topic, e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private List<TopicPartition> partitions() throws WakeupException {
        while (running) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            }
            LOG.warn("control topic {} not found yet; retrying", topic);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
        }
        throw new WakeupException();
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            if (r.key() != null) {
                cancelled.remove(r.key());
            }
            return;
        }
        ControlCommand command;
        try {
            command = Messages.decode(r.value(), ControlCommand.class);
        } catch (RuntimeException e) {
            LOG.warn("ignoring invalid control record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return;
        }
        if (command.action() == ControlCommand.Action.CANCEL && cancelled.add(command.jobId())) {
            for (Consumer<String> l : listeners) {
                try {
                    l.accept(command.jobId());
                } catch (RuntimeException e) {
                    LOG.warn("cancellation listener failed for {}", command.jobId(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
