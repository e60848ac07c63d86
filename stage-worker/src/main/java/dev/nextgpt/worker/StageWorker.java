package dev.nextgpt.worker;

import dev.nextgpt.contracts.Headers;
import dev.nextgpt.contracts.TraceParent;
import dev.nextgpt.contracts.messages.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume → process → produce → commit loop of a model service, on one thread with one consumer of the
 * service's group.
 *
 * <ol>
 *   <li>Collect a batch: poll until {@code maxBatch} valid records or until {@code maxWait} has passed since the
 *       first one. A record that does not parse or validate goes to the dead-letter topic with headers naming the
 *       error and its origin; the loop goes on.
 *   <li>Drop jobs that are cancelled (this instance's {@link CancellationView}) and fail those whose deadline has
 *       passed ({@code JobEvent} FAILED {@code deadline exceeded}).
 *   <li>Hand the rest to the {@link BatchHandler}; turn its per-item {@link Outcome}s into events (a failing item
 *       fails its job only).
 *   <li>Wait until Kafka has acknowledged every record produced for the batch, then commit the batch's offsets.
 *       A crash before the commit means the records are delivered again (at least once); a refused produce rewinds
 *       the batch instead of committing it.
 * </ol>
 *
 * {@link #stop(Duration)} finishes the current batch, commits and closes. The producer is idempotent
 * ({@code enable.idempotence=true}, {@code acks=all}).
 */
public final class StageWorker<T extends Message> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StageWorker.class);
    /** Wait before consuming a batch again after a {@link TransientFailure} or an unacknowledged produce. */
    static final Duration RETRY_BACKOFF = Duration.ofSeconds(2);

    private final StageWorkerConfig config;
    private final RecordParser<T> parser;
    private final BatchHandler<T> handler;
    private final CancellationView cancellation;
    private final StageMetrics metrics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Publisher publisher;
    private final JobEvents events;
    private final StageContext context;
    private final Thread thread;
    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

    private volatile boolean running;
    private volatile boolean aborted;
    private volatile boolean started;
    private volatile Throwable failure;
    private volatile Instant lastPoll;
    private Batch current;

    public StageWorker(StageWorkerConfig config, RecordParser<T> parser, BatchHandler<T> handler,
            CancellationView cancellation, StageMetrics metrics) {
        this.config = config;
        this.parser = parser;
        this.handler = handler;
        this.cancellation = cancellation;
        this.metrics = metrics == null ? StageMetrics.NONE : metrics;
        String clientId = config.group().serviceName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.consumer = new KafkaConsumer<>(consumerProperties(config, clientId));
        this.producer = new KafkaProducer<>(producerProperties(config, clientId));
        this.publisher = new Publisher(producer);
        this.events = new JobEvents(publisher, config.stage(), config.clock(), config.progressInterval(),
                config.eventsTopic());
        this.context = new StageContext(config.stage(), publisher, events, cancellation, config.clock());
        this.thread = new Thread(this::run, "stage-worker-" + config.group().serviceName());
    }

    static Properties consumerProperties(StageWorkerConfig config, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-consumer");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxBatch()));
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(config.maxPollInterval().toMillis()));
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(config.consumerProperties());
        return p;
    }

    static Properties producerProperties(StageWorkerConfig config, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(config.producerProperties());
        return p;
    }

    /** Starts the loop on its own thread (it first waits until the cancellation view has caught up). */
    public synchronized StageWorker<T> start() {
        if (started) {
            throw new IllegalStateException("stage worker already started");
        }
        started = true;
        running = true;
        thread.start();
        return this;
    }

    /** Finishes the current batch, commits, closes; false if the loop did not end within {@code timeout}. */
    public boolean stop(Duration timeout) {
        running = false;
        if (!started) {
            closeClients(Duration.ZERO);
            return true;
        }
        try {
            thread.join(Math.max(1, timeout.toMillis())); // join(0) would wait forever
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /**
     * Behaves like a crash: the current batch's offsets are never committed (its records will be delivered again to
     * the group) and the clients close without waiting. For tests and emergency stops.
     */
    public void abort() {
        aborted = true;
        running = false;
    }

    @Override
    public void close() {
        if (!stop(Duration.ofSeconds(30))) {
            LOG.warn("stage worker {} did not stop within 30 s", config.group().serviceName());
        }
    }

    /** Whether the loop is running (health: live). */
    public boolean isRunning() {
        return running && thread.isAlive() && failure == null;
    }

    /** The error that ended the loop, or null. */
    public Throwable failure() {
        return failure;
    }

    /** The partitions this instance owns now. */
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assigned);
    }

    /** When the loop last polled (null before the first poll): a loop stuck in a handler stops polling. */
    public Instant lastPoll() {
        return lastPoll;
    }

    public StageWorkerConfig config() {
        return config;
    }

    public StageContext context() {
        return context;
    }

    public Publisher publisher() {
        return publisher;
    }

    public JobEvents events() {
        return events;
    }

    /** The consumer, for metrics binders only (its {@code metrics()} is thread-safe; nothing else is). */
    public Consumer<String, byte[]> consumer() {
        return consumer;
    }

    private void run() {
        try {
            while (running && !cancellation.awaitReady(Duration.ofSeconds(1))) {
                LOG.info("{} waits for the cancellation view to catch up", config.group().serviceName());
            }
            consumer.subscribe(List.of(config.topic()), new Rebalance());
            LOG.info("{} consumes {} as {} (batches of up to {} within {} ms)", config.group().serviceName(),
                    config.topic(), config.groupId(), config.maxBatch(), config.maxWait().toMillis());
            while (running) {
                Batch batch = collect();
                if (!batch.next.isEmpty()) {
                    process(batch);
                }
                current = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            aborted = true;
        } catch (Throwable t) {
            failure = t;
            aborted = true;
            LOG.error("stage worker {} stopped: nothing of the current batch is committed", config.group().serviceName(), t);
        } finally {
            running = false;
            closeClients(aborted ? Duration.ZERO : Duration.ofSeconds(10));
        }
    }

    private void closeClients(Duration timeout) {
        try {
            consumer.close(timeout);
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer failed", e);
        }
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            LOG.warn("closing the producer failed", e);
        }
    }

    /** The records of one batch: the valid ones, and per partition the first and next offsets taken. */
    private final class Batch {
        final List<Delivery<T>> valid = new ArrayList<>();
        final Map<TopicPartition, Long> first = new HashMap<>();
        final Map<TopicPartition, Long> next = new HashMap<>();

        void revoke(Collection<TopicPartition> partitions) {
            Set<TopicPartition> gone = new HashSet<>(partitions);
            valid.removeIf(d -> gone.contains(new TopicPartition(d.topic(), d.partition())));
            first.keySet().removeAll(gone);
            next.keySet().removeAll(gone);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
            if (current != null) {
                // called inside poll(), between batches of work: these records go to the partitions' new owner
                current.revoke(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAll(partitions);
            LOG.info("{} assigned {}", config.group().serviceName(), partitions);
        }
    }

    private Batch collect() {
        Batch batch = new Batch();
        current = batch;
        long windowEnd = 0;
        boolean windowOpen = false;
        while (running) {
            long timeout = config.pollTimeout().toMillis();
            if (windowOpen) {
                long left = (windowEnd - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                timeout = Math.min(timeout, left);
            }
            ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(timeout));
            lastPoll = Instant.now();
            if (!records.isEmpty()) {
                metrics.recordsConsumed(records.count());
            }
            for (TopicPartition tp : records.partitions()) {
                for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                    if (batch.valid.size() >= config.maxBatch()) {
                        consumer.seek(tp, r.offset()); // the rest of this partition waits for the next batch
                        break;
                    }
                    batch.first.putIfAbsent(tp, r.offset());
                    batch.next.put(tp, r.offset() + 1);
                    Delivery<T> d = parse(r);
                    if (d != null) {
                        batch.valid.add(d);
                        if (!windowOpen) {
                            windowOpen = true;
                            windowEnd = System.nanoTime() + config.maxWait().toNanos();
                        }
                    }
                }
            }
            if (batch.valid.size() >= config.maxBatch()) {
                break;
            }
            if (batch.valid.isEmpty() && (records.isEmpty() || !batch.next.isEmpty())) {
                break; // idle (look at the running flag again), or only dead letters to commit
            }
        }
        return batch;
    }

    private Delivery<T> parse(ConsumerRecord<String, byte[]> r) {
        try {
            T message = parser.parse(r);
            return new Delivery<>(message, r.topic(), r.partition(), r.offset(), r.timestamp(), traceParent(r),
                    header(r, Headers.TRACESTATE), parser.deadline(message), parser.outputIndex(message));
        } catch (RuntimeException e) {
            LOG.warn("{}-{}@{} (key {}) goes to {}: {}", r.topic(), r.partition(), r.offset(), r.key(),
                    config.deadLetterTopic(), e.getMessage());
            publisher.send(DeadLetters.of(r, config.deadLetterTopic(), config.groupId(), e));
            metrics.deadLettered(e.getClass().getName());
            return null;
        }
    }

    private static TraceParent traceParent(ConsumerRecord<String, byte[]> r) {
        Header h = r.headers().lastHeader(Headers.TRACEPARENT);
        if (h != null) {
            try {
                return Headers.traceParent(h.value());
            } catch (RuntimeException e) {
                LOG.debug("invalid traceparent on {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
        return Traces.newRoot();
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void process(Batch batch) throws InterruptedException {
        long start = System.nanoTime();
        Instant now = config.clock().instant();
        List<Delivery<T>> ready = new ArrayList<>();
        for (Delivery<T> d : batch.valid) {
            if (cancellation.isCancelled(d.jobId())) {
                LOG.info("{} skips cancelled job {}", config.group().serviceName(), d.jobId());
                metrics.jobSkipped("cancelled");
            } else if (d.deadlinePassed(now)) {
                LOG.info("{} drops job {}: deadline {} passed", config.group().serviceName(), d.jobId(), d.deadline());
                events.failed(d, d.outputIndex(), "deadline exceeded");
                metrics.jobFailed("deadline");
            } else {
                ready.add(d);
            }
        }
        List<Delivery<T>> completed = new ArrayList<>();
        if (!ready.isEmpty()) {
            List<Outcome> outcomes;
            try {
                outcomes = runBatch(ready);
            } catch (TransientFailure e) {
                LOG.warn("{}: batch of {} postponed, consuming it again in {} ms: {}", config.group().serviceName(),
                        ready.size(), RETRY_BACKOFF.toMillis(), e.getMessage());
                metrics.batchRetried();
                rewind(batch);
                return;
            }
            for (int i = 0; i < ready.size(); i++) {
                Delivery<T> d = ready.get(i);
                Outcome o = outcomes.get(i);
                if (o instanceof Outcome.Failed f) {
                    LOG.info("{} fails job {}: {}", config.group().serviceName(), d.jobId(), f.reason());
                    events.failed(d, d.outputIndex(), f.reason());
                    metrics.jobFailed("failure");
                } else if (o instanceof Outcome.Cancelled) {
                    events.cancelled(d, "cancelled during " + config.stage().wireName());
                    metrics.jobSkipped("cancelled");
                } else {
                    completed.add(d);
                }
            }
        }
        if (aborted) {
            publisher.discardPending();
            return;
        }
        try {
            publisher.awaitAcknowledged();
        } catch (PublishFailure e) {
            metrics.publishFailed();
            LOG.error("{}: outputs of a batch were not acknowledged; consuming it again", config.group().serviceName(), e);
            rewind(batch);
            return;
        }
        commit(batch.next);
        long end = System.nanoTime();
        metrics.batchProcessed(batch.valid.size(), end - start);
        long wallNow = System.currentTimeMillis();
        for (Delivery<T> d : completed) {
            metrics.jobCompleted(Math.max(0, wallNow - d.timestamp()) * 1_000_000L);
        }
    }

    /** Seeks back to the batch's first records (nothing is committed) and waits before consuming them again. */
    private void rewind(Batch batch) throws InterruptedException {
        try {
            publisher.awaitAcknowledged(); // let what was sent settle; duplicates are fine downstream
        } catch (PublishFailure ignored) {
            // consumed again anyway
        }
        for (Map.Entry<TopicPartition, Long> f : batch.first.entrySet()) {
            if (assigned.contains(f.getKey())) {
                consumer.seek(f.getKey(), f.getValue());
            }
        }
        long end = System.nanoTime() + RETRY_BACKOFF.toNanos();
        while (running && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }

    private void commit(Map<TopicPartition, Long> next) {
        if (next.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("{}: commit failed ({}); the partitions' new owner gets these records again",
                    config.group().serviceName(), e.getMessage());
        }
    }

    private List<Outcome> runBatch(List<Delivery<T>> items) throws InterruptedException {
        try {
            List<Outcome> out = handler.handle(List.copyOf(items), context);
            if (out == null || out.size() != items.size() || out.stream().anyMatch(java.util.Objects::isNull)) {
                // (List.of(...).contains(null) throws, so the check must not use contains)
                throw new IllegalStateException("the handler returned " + (out == null ? "null" : out.size()
                        + " outcomes") + " for " + items.size() + " items");
            }
            return out;
        } catch (InterruptedException | TransientFailure e) {
            throw e;
        } catch (StageFailure f) {
            int failed = -1;
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).jobId().equals(f.jobId())) {
                    failed = i;
                    break;
                }
            }
            if (failed < 0 && items.size() > 1) {
                return oneByOne(items, f);
            }
            List<Outcome> out = new ArrayList<>(Collections.nCopies(items.size(), (Outcome) null));
            out.set(Math.max(failed, 0), Outcome.failed(f.reason() == null ? "failed" : f.reason()));
            List<Delivery<T>> rest = new ArrayList<>(items);
            rest.remove(Math.max(failed, 0));
            if (!rest.isEmpty()) {
                List<Outcome> restOut = runBatch(rest);
                for (int i = 0, j = 0; i < items.size(); i++) {
                    if (i != Math.max(failed, 0)) {
                        out.set(i, restOut.get(j++));
                    }
                }
            }
            return out;
        } catch (Exception e) {
            if (items.size() == 1) {
                LOG.warn("{}: job {} failed", config.group().serviceName(), items.get(0).jobId(), e);
                return List.of(Outcome.failed(describe(e)));
            }
            return oneByOne(items, e);
        }
    }

    private List<Outcome> oneByOne(List<Delivery<T>> items, Exception cause) throws InterruptedException {
        LOG.warn("{}: a batch of {} failed ({}); running its items one by one", config.group().serviceName(),
                items.size(), cause.toString());
        List<Outcome> out = new ArrayList<>(items.size());
        for (Delivery<T> d : items) {
            out.add(runBatch(List.of(d)).get(0));
        }
        return out;
    }

    /** Runs one item of {@link BatchHandler#eachItem}; its exception fails that item only. */
    static <T extends Message> Outcome runItem(BatchHandler.ItemHandler<T> item, Delivery<T> d, StageContext context)
            throws InterruptedException {
        try {
            Outcome o = item.handle(d, context);
            return o == null ? Outcome.DONE : o;
        } catch (InterruptedException | TransientFailure e) {
            throw e;
        } catch (StageFailure f) {
            return Outcome.failed(f.reason() == null ? "failed" : f.reason());
        } catch (Exception e) {
            LOG.warn("job {} failed", d.jobId(), e);
            return Outcome.failed(describe(e));
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof StageFailure f && f.reason() != null) {
            return f.reason();
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
