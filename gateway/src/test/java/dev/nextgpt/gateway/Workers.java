package dev.nextgpt.gateway;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.JobText;
import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.OutputStored;
import dev.nextgpt.contracts.messages.PlannedOutput;
import dev.nextgpt.contracts.messages.TextDelta;
import dev.nextgpt.objectstore.ObjectKeys;
import dev.nextgpt.objectstore.ObjectStore;
import dev.nextgpt.objectstore.ObjectStoreConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Stands in for the model services: produces what encoder, LLM and decoders would (text, outputs with the artifact
 * really stored, events) with a plain Kafka producer, and reads what the gateway produced.
 */
public final class Workers implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final ObjectStore store;
    private final String bootstrap;

    /** From the gateway's own configuration, so the test talks to the broker and store the app uses. */
    public static Workers fromConfig() {
        var config = ConfigProvider.getConfig();
        return new Workers(config.getValue("kafka.bootstrap.servers", String.class),
                config.getValue("nextgpt.s3.endpoint", String.class),
                config.getValue("nextgpt.s3.access-key", String.class),
                config.getValue("nextgpt.s3.secret-key", String.class));
    }

    public Workers(String bootstrap, String s3Endpoint, String accessKey, String secretKey) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        store = new ObjectStore(new ObjectStoreConfig(s3Endpoint, accessKey, secretKey, PlatformResource.BUCKET,
                "us-east-1"));
    }

    public String bootstrap() {
        return bootstrap;
    }

    public ObjectStore store() {
        return store;
    }

    /** Produces a contract message, keyed by job id with the contract's headers. */
    public void send(String topic, Message message) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, message.jobId(), Messages.encode(message));
        Messages.headers(message).forEach((k, v) -> record.headers().add(k, v));
        sendRaw(record);
    }

    public void sendRaw(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void delta(String job, String tenant, long sequence, String text) {
        send(Topics.JOBS_TEXT, new TextDelta(Messages.SCHEMA, job, tenant, sequence, text));
    }

    public void text(String job, String tenant, String text, PlannedOutput... outputs) {
        send(Topics.JOBS_TEXT, new JobText(Messages.SCHEMA, job, tenant, text, List.of(outputs),
                JobText.FinishReason.STOP));
    }

    public void progress(String job, String tenant, Stage stage, Integer index, double progress) {
        send(Topics.JOBS_EVENTS, JobEvent.progress(job, tenant, stage, index, progress, Instant.now()));
    }

    public void failed(String job, String tenant, Stage stage, String reason) {
        send(Topics.JOBS_EVENTS, JobEvent.failed(job, tenant, stage, null, reason, Instant.now()));
    }

    /** Stores an artifact in S3 under the job's output key and posts its OutputStored. */
    public OutputStored output(String job, String tenant, Modality modality, int index, byte[] bytes) {
        String key = ObjectKeys.output(tenant, job, modality, index);
        store.put(key, bytes, ObjectKeys.contentType(modality));
        OutputStored stored = new OutputStored(Messages.SCHEMA, job, tenant, modality, index, key,
                ObjectKeys.contentType(modality), bytes.length, ClaimCheck.sha256Hex(bytes));
        send(Topics.JOBS_OUTPUTS, stored);
        return stored;
    }

    /** Every record of {@code topic} keyed {@code key} that matches, waiting up to 20 s for at least one. */
    public List<ConsumerRecord<String, byte[]>> records(String topic, String key,
            Predicate<ConsumerRecord<String, byte[]>> match) {
        return records(topic, key, match, 1);
    }

    public List<ConsumerRecord<String, byte[]>> records(String topic, String key,
            Predicate<ConsumerRecord<String, byte[]>> match, int atLeast) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key()) && match.test(r)) {
                        found.add(r);
                    }
                }
                if (found.size() >= atLeast) {
                    Map<TopicPartition, Long> end = c.endOffsets(parts);
                    boolean atEnd = parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
                    if (atEnd) {
                        return found;
                    }
                }
            }
            return found;
        }
    }

    @Override
    public void close() {
        producer.close();
        store.close();
    }
}
