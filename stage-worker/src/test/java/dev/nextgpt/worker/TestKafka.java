package dev.nextgpt.worker;

import dev.nextgpt.contracts.Headers;
import dev.nextgpt.contracts.messages.ContentPart;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.Turn;
import dev.nextgpt.platform.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test helpers on the shared in-JVM broker: own topic names per test, produce contract records, read topics. */
final class TestKafka {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final KafkaBroker broker;
    final String prefix;
    final String requested;
    final String deadLetter;
    final String events;
    final String control;
    final String outputs;
    final String group;

    TestKafka(KafkaBroker broker, String name) {
        this.broker = broker;
        this.prefix = "t" + COUNTER.incrementAndGet() + "-" + name;
        this.requested = prefix + ".requested";
        this.deadLetter = prefix + ".requested.dlq";
        this.events = prefix + ".events";
        this.control = prefix + ".control";
        this.outputs = prefix + ".outputs";
        this.group = prefix + "-group";
        broker.createTopic(requested, 2, Map.of());
        broker.createTopic(deadLetter, 1, Map.of());
        broker.createTopic(events, 2, Map.of());
        broker.createTopic(control, 3, Map.of("cleanup.policy", "compact"));
        broker.createTopic(outputs, 2, Map.of());
    }

    StageWorkerConfig.Builder config(int maxBatch, Duration maxWait) {
        return StageWorkerConfig.builder(broker.bootstrapServers(), dev.nextgpt.contracts.ConsumerGroup.ENCODER,
                        dev.nextgpt.contracts.Stage.ENCODE)
                .maxBatch(maxBatch).maxWait(maxWait).topic(requested).groupId(group).deadLetterTopic(deadLetter)
                .eventsTopic(events).pollTimeout(Duration.ofMillis(50));
    }

    CancellationView view() throws InterruptedException {
        CancellationView view = CancellationView.start(broker.bootstrapServers(), control, Map.of());
        if (!view.awaitReady(Duration.ofSeconds(30))) {
            throw new AssertionError("cancellation view not ready");
        }
        return view;
    }

    static JobRequested job(String jobId) {
        Instant now = Instant.now();
        return job(jobId, now, now.plusSeconds(600));
    }

    static JobRequested job(String jobId, Instant createdAt, Instant deadline) {
        return new JobRequested(Messages.SCHEMA, jobId, "tenant-1", createdAt,
                List.of(Turn.user(ContentPart.text("hello " + jobId))), List.of(), null, null, deadline, null);
    }

    KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    void send(String topic, Message message) {
        send(topic, message, null);
    }

    void send(String topic, Message message, String traceparent) {
        RecordHeaders headers = new RecordHeaders();
        Messages.headers(message).forEach(headers::add);
        if (traceparent != null) {
            headers.add(Headers.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        sendRaw(new ProducerRecord<>(topic, null, message.jobId(), Messages.encode(message), headers));
    }

    void sendRaw(ProducerRecord<String, byte[]> record) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads {@code topic} from the beginning until {@code done} holds or the timeout passes. */
    List<ConsumerRecord<String, byte[]>> read(String topic, Duration timeout,
            Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end && !done.test(out)) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    List<ConsumerRecord<String, byte[]>> readAtLeast(String topic, int count) {
        return read(topic, Duration.ofSeconds(30), l -> l.size() >= count);
    }

    List<JobEvent> events(int atLeast) {
        return readAtLeast(events, atLeast).stream().map(r -> Messages.decode(r.value(), JobEvent.class)).toList();
    }

    long committed() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
