package dev.nextgpt.gateway.client;

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
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * What the gateway writes to Kafka: job requests, cancel commands and its webhook attempts, each keyed by job id
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
