package dev.nextgpt.worker;

import dev.nextgpt.contracts.Headers;
import dev.nextgpt.contracts.TraceParent;
import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.Messages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Produces contract messages keyed by job id, with the contract's headers (job id, tenant, schema, type, content
 * type) and the trace context of the record being processed. It remembers every send of the current batch so the
 * worker commits only once all of them are acknowledged ({@link #awaitAcknowledged()}). Thread-safe.
 */
public final class Publisher {
    private final Producer<String, byte[]> producer;
    private final ConcurrentLinkedQueue<Future<RecordMetadata>> pending = new ConcurrentLinkedQueue<>();

    public Publisher(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /** Sends {@code message} to {@code topic} as part of the work on {@code cause} (its trace continues). */
    public Future<RecordMetadata> send(Delivery<?> cause, String topic, Message message) {
        return send(topic, message, cause.traceParent(), cause.traceState());
    }

    /** Sends {@code message} to {@code topic} in the trace of {@code parent} (a new trace when null). */
    public Future<RecordMetadata> send(String topic, Message message, TraceParent parent, String traceState) {
        RecordHeaders headers = new RecordHeaders();
        for (Map.Entry<String, byte[]> h : Messages.headers(message).entrySet()) {
            headers.add(h.getKey(), h.getValue());
        }
        headers.add(Headers.TRACEPARENT, Traces.child(parent).toString().getBytes(StandardCharsets.UTF_8));
        if (traceState != null) {
            headers.add(Headers.TRACESTATE, traceState.getBytes(StandardCharsets.UTF_8));
        }
        return send(new ProducerRecord<>(topic, null, message.jobId(), Messages.encode(message), headers));
    }

    /** Sends a prepared record (dead letters), tracked like the others. */
    public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        Future<RecordMetadata> future = producer.send(record);
        pending.add(future);
        return future;
    }

    /**
     * Flushes and waits for every send since the last call; throws {@link PublishFailure} naming the first record
     * Kafka refused (the idempotent producer has already retried it).
     */
    public void awaitAcknowledged() {
        producer.flush();
        List<Throwable> failures = new ArrayList<>();
        Future<RecordMetadata> f;
        while ((f = pending.poll()) != null) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failures.add(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishFailure("interrupted while waiting for acknowledgements", e);
            }
        }
        if (!failures.isEmpty()) {
            throw new PublishFailure(failures.size() + " record(s) not acknowledged: " + failures.get(0),
                    failures.get(0));
        }
    }

    /** Forgets pending sends without waiting (after an abort). */
    void discardPending() {
        pending.clear();
    }

    /** The producer, for metrics binders only (e.g. Micrometer's {@code KafkaClientMetrics}). */
    public Producer<String, byte[]> producer() {
        return producer;
    }
}
