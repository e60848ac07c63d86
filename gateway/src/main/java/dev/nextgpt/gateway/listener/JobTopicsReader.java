package dev.nextgpt.gateway.listener;

import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.OutputStored;
import dev.nextgpt.contracts.messages.TextMessage;
import dev.nextgpt.gateway.service.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Feeds a {@link JobStore} from the five job topics, every partition, from the beginning: a plain consumer with
 * {@code assign} and {@code seekToBeginning}, no group and no commits, so every gateway replica (and a restarted one)
 * reads everything and builds the same state. A group would share the partitions between replicas instead, and
 * SmallRye's connector offers no "caught up to the end offsets seen at start" for readiness.
 *
 * <p>Until the end offsets seen at start are reached, records are buffered and then applied in timestamp order
 * across topics (each partition's own order kept), so the state does not depend on which partition a poll happened
 * to return first; afterwards each record is applied as it comes. A record that breaks the contract is logged,
 * counted and skipped; records read live (after the catch-up) also go to {@link #onInvalid} — the gateway
 * dead-letters them from one replica (a replay at start would only repeat what was dead-lettered when it was live).
 */
public final class JobTopicsReader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobTopicsReader.class);

    /** What the gateway's state is built from. */
    public static final List<String> TOPICS = List.of(Topics.JOBS_REQUESTED, Topics.JOBS_TEXT, Topics.JOBS_OUTPUTS,
            Topics.JOBS_EVENTS, Topics.JOBS_CONTROL);

    private final Properties props;
    private final JobStore store;
    private final BiConsumer<String, String> outcomes;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Map<String, Integer> partitionCounts = new HashMap<>();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile String problem = "starting";
    private volatile Runnable onCaughtUp = () -> { };
    private volatile BiConsumer<ConsumerRecord<String, byte[]>, RuntimeException> onInvalid = (r, e) -> { };

    /**
     * @param outcomes told (topic, outcome) for every record: {@code applied}, {@code duplicate}, {@code ignored},
     *     {@code rejected} or {@code invalid}
     */
    public JobTopicsReader(String bootstrapServers, JobStore store, BiConsumer<String, String> outcomes) {
        this.store = store;
        this.outcomes = outcomes;
        this.props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "nextgpt-gateway-state-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        this.thread = new Thread(this::run, "job-topics-reader");
        thread.setDaemon(true);
    }

    /** Runs {@code action} once, on the reader's thread, when the state has caught up. */
    public JobTopicsReader onCaughtUp(Runnable action) {
        this.onCaughtUp = action;
        return this;
    }

    /** Told (on the reader's thread) each invalid record read after the catch-up, with why it is invalid. */
    public JobTopicsReader onInvalid(BiConsumer<ConsumerRecord<String, byte[]>, RuntimeException> action) {
        this.onInvalid = action;
        return this;
    }

    public JobTopicsReader start() {
        thread.start();
        return this;
    }

    /** Whether every record up to the end offsets seen at start has been applied. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Waits until {@link #caughtUp()}; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What keeps the reader from being current, or null. */
    public String problem() {
        return problem;
    }

    /** Partitions of {@code topic} as found at start (0 before). */
    public int partitions(String topic) {
        synchronized (partitionCounts) {
            return partitionCounts.getOrDefault(topic, 0);
        }
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                if (!running) {
                    return;
                }
                List<TopicPartition> partitions = awaitPartitions(c);
                c.assign(partitions);
                List<TopicPartition> fresh = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    Long next = positions.get(tp);
                    if (next == null) {
                        fresh.add(tp);
                    } else {
                        c.seek(tp, next);
                    }
                }
                c.seekToBeginning(fresh);
                if (caughtUp()) {
                    problem = null;
                    follow(c);
                } else {
                    Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(30));
                    catchUp(c, end);
                    follow(c);
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                problem = "reading the job topics failed: " + e;
                LOG.warnf("%s; reconnecting in 1 s", problem);
                sleep(1000);
            }
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> c) {
        while (true) {
            List<TopicPartition> all = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String topic : TOPICS) {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos == null || infos.isEmpty()) {
                    missing.add(topic);
                    continue;
                }
                synchronized (partitionCounts) {
                    partitionCounts.put(topic, infos.size());
                }
                for (PartitionInfo info : infos) {
                    all.add(new TopicPartition(topic, info.partition()));
                }
            }
            if (missing.isEmpty()) {
                return all;
            }
            problem = "waiting for topics " + missing;
            LOG.infof("%s", problem);
            sleep(1000);
        }
    }

    private void catchUp(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> end) {
        problem = "catching up with " + end.values().stream().mapToLong(Long::longValue).sum() + " records";
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> buffered = new HashMap<>();
        while (running) {
            boolean done = true;
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                if (c.position(e.getKey()) < e.getValue()) {
                    done = false;
                    break;
                }
            }
            if (done) {
                break;
            }
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                buffered.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>()).add(r);
            }
        }
        int count = applyInTimestampOrder(buffered);
        problem = null;
        caughtUp.countDown();
        LOG.infof("job state caught up: %d records from %d partitions", count, end.size());
        try {
            onCaughtUp.run();
        } catch (RuntimeException e) {
            LOG.error("caught-up action failed", e);
        }
    }

    /** A k-way merge of the partitions' records by timestamp; ties by topic order, partition, offset. */
    private int applyInTimestampOrder(Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> buffered) {
        record Cursor(List<ConsumerRecord<String, byte[]>> records, int index) {
            ConsumerRecord<String, byte[]> head() {
                return records.get(index);
            }
        }
        PriorityQueue<Cursor> queue = new PriorityQueue<>(Comparator
                .comparingLong((Cursor cur) -> cur.head().timestamp())
                .thenComparingInt(cur -> TOPICS.indexOf(cur.head().topic()))
                .thenComparingInt(cur -> cur.head().partition())
                .thenComparingLong(cur -> cur.head().offset()));
        for (List<ConsumerRecord<String, byte[]>> records : buffered.values()) {
            if (!records.isEmpty()) {
                queue.add(new Cursor(records, 0));
            }
        }
        int count = 0;
        while (!queue.isEmpty()) {
            Cursor cur = queue.poll();
            apply(cur.head());
            count++;
            if (cur.index() + 1 < cur.records().size()) {
                queue.add(new Cursor(cur.records(), cur.index() + 1));
            }
        }
        return count;
    }

    private void follow(KafkaConsumer<String, byte[]> c) {
        while (running) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                apply(r);
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
        if (r.value() == null) {
            return;   // a tombstone of the compacted control topic: the job is long finished
        }
        Message message;
        try {
            message = Messages.decode(r.value(), type(r.topic()));
            Messages.checkRecord(r.key(), name -> header(r, name), message);
        } catch (ContractViolation e) {
            outcomes.accept(r.topic(), "invalid");
            LOG.warnf("%s-%d@%d: skipped, not a valid record: %s", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            if (caughtUp()) {
                try {
                    onInvalid.accept(r, e);
                } catch (RuntimeException x) {
                    LOG.warnf("%s-%d@%d: dead-lettering failed: %s", r.topic(), r.partition(), r.offset(), x);
                }
            }
            return;
        }
        try {
            JobStore.Outcome outcome = store.apply(message, Instant.ofEpochMilli(r.timestamp()));
            outcomes.accept(r.topic(), outcome.name().toLowerCase(Locale.ROOT));
        } catch (RuntimeException e) {
            outcomes.accept(r.topic(), "invalid");
            LOG.errorf(e, "%s-%d@%d: applying the record failed", r.topic(), r.partition(), r.offset());
        }
    }

    private static Class<? extends Message> type(String topic) {
        return switch (topic) {
            case Topics.JOBS_REQUESTED -> JobRequested.class;
            case Topics.JOBS_TEXT -> TextMessage.class;
            case Topics.JOBS_OUTPUTS -> OutputStored.class;
            case Topics.JOBS_EVENTS -> JobEvent.class;
            case Topics.JOBS_CONTROL -> ControlCommand.class;
            default -> throw new IllegalArgumentException("not a job topic: " + topic);
        };
    }

    private static byte[] header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : h.value();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
