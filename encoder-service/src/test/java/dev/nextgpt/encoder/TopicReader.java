package dev.nextgpt.encoder;

import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produce what the service consumes, read what it produced (every partition, from the beginning). */
final class TopicReader {
    private final String bootstrap;

    TopicReader(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    void send(String topic, Message message) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, message.jobId(), Messages.encode(message));
        Messages.headers(message).forEach((k, v) -> record.headers().add(k, v));
        send(record);
    }

    void send(ProducerRecord<String, byte[]> record) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(record).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Records of {@code topic} with key {@code jobId}, read until {@code done} or the timeout. */
    List<ConsumerRecord<String, byte[]>> read(String topic, String jobId, Duration timeout,
            Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
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
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (jobId == null || jobId.equals(r.key())) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    <T extends Message> T first(String topic, String jobId, Class<T> type) {
        List<ConsumerRecord<String, byte[]>> records = read(topic, jobId, Duration.ofSeconds(60), l -> !l.isEmpty());
        if (records.isEmpty()) {
            throw new AssertionError("nothing for " + jobId + " on " + topic);
        }
        return Messages.decode(records.get(0).value(), type);
    }
}
