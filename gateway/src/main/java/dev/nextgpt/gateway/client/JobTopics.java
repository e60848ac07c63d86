package dev.nextgpt.gateway.client;

import dev.nextgpt.contracts.Headers;
import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.gateway.ApiException;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * What the gateway writes to Kafka: job requests, cancel commands, its webhook attempts and dead letters, keyed by job id
 * with the contract's headers; the connector adds {@code traceparent} from the current OpenTelemetry context (the
 * HTTP request's span), so a job is one trace from the API call on. Every send waits for Kafka's acknowledgement.
 */
@ApplicationScoped
public class JobTopics {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    @Inject
    @Channel("jobs-requested")
    MutinyEmitter<byte[]> requested;

    @Inject
    @Channel("jobs-control")
    MutinyEmitter<byte[]> control;

    @Inject
    @Channel("jobs-events")
    MutinyEmitter<byte[]> events;

    @Inject
    @Channel("dead-letters")
    MutinyEmitter<byte[]> deadLetters;

    /** Posts a job to {@code nextgpt.jobs.requested}. */
    public void submit(JobRequested job) {
        send(requested, job, "the job request");
    }

    /** Posts a cancel command to {@code nextgpt.jobs.control}. */
    public void cancel(ControlCommand command) {
        send(control, command, "the cancel command");
    }

    /** Records an event (the gateway's webhook attempts) on {@code nextgpt.jobs.events}. */
    public void record(JobEvent event) {
        send(events, event, "the job event");
    }

    /**
     * Copies a record the gateway cannot read to {@code deadLetterTopic} (key, value and headers unchanged), with
     * headers naming the error and the source.
     */
    public void deadLetter(ConsumerRecord<String, byte[]> source, String deadLetterTopic, String group,
            RuntimeException error) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : source.headers()) {
            headers.add(h);
        }
        headers.add(Headers.DLQ_ERROR_CLASS, header(error.getClass().getName()));
        headers.add(Headers.DLQ_ERROR_MESSAGE, header(String.valueOf(error.getMessage())));
        headers.add(Headers.DLQ_SOURCE_TOPIC, header(source.topic()));
        headers.add(Headers.DLQ_SOURCE_PARTITION, header(Integer.toString(source.partition())));
        headers.add(Headers.DLQ_SOURCE_OFFSET, header(Long.toString(source.offset())));
        headers.add(Headers.DLQ_GROUP, header(group));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(deadLetterTopic).withKey(source.key()).withHeaders(headers).build();
        byte[] value = source.value() == null ? new byte[0] : source.value();
        deadLetters.sendMessage(org.eclipse.microprofile.reactive.messaging.Message.of(value).addMetadata(metadata))
                .await().atMost(ACK_TIMEOUT);
    }

    /** UTF-8 of {@code text}, cut at a character boundary to the contracts' header limit. */
    private static byte[] header(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= Headers.MAX_VALUE_BYTES) {
            return bytes;
        }
        int end = Headers.MAX_VALUE_BYTES - 3;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        byte[] out = new byte[end + 3];
        System.arraycopy(bytes, 0, out, 0, end);
        out[end] = '.';
        out[end + 1] = '.';
        out[end + 2] = '.';
        return out;
    }

    private static void send(MutinyEmitter<byte[]> emitter, Message message, String what) {
        RecordHeaders headers = new RecordHeaders();
        for (Map.Entry<String, byte[]> h : Messages.headers(message).entrySet()) {
            headers.add(h.getKey(), h.getValue());
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(message.jobId()).withHeaders(headers).build();
        try {
            emitter.sendMessage(org.eclipse.microprofile.reactive.messaging.Message.of(Messages.encode(message))
                    .addMetadata(metadata)).await().atMost(ACK_TIMEOUT);
        } catch (RuntimeException e) {
            throw ApiException.unavailable("Kafka did not accept " + what + " for job " + message.jobId() + ": "
                    + e.getMessage());
        }
    }
}
