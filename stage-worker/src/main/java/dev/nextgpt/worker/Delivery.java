package dev.nextgpt.worker;

import dev.nextgpt.contracts.TraceParent;
import dev.nextgpt.contracts.messages.Message;
import java.time.Instant;

/**
 * One valid record handed to a stage: the message, where it came from, and the trace it belongs to.
 *
 * @param traceParent the incoming {@code traceparent}, or a new root when the record had none (then every record
 *     produced for this delivery still shares one trace)
 * @param traceState the incoming {@code tracestate}, or null
 * @param deadline when the job is abandoned, or null
 * @param outputIndex the output concerned (decoders), or null
 */
public record Delivery<T extends Message>(
        T message,
        String topic,
        int partition,
        long offset,
        long timestamp,
        TraceParent traceParent,
        String traceState,
        Instant deadline,
        Integer outputIndex) {

    public String jobId() {
        return message.jobId();
    }

    public String tenant() {
        return message.tenant();
    }

    /** Whether the deadline has passed at {@code now}. */
    public boolean deadlinePassed(Instant now) {
        return deadline != null && !now.isBefore(deadline);
    }

    /** {@code topic-partition@offset}, for logs. */
    public String position() {
        return topic + "-" + partition + "@" + offset;
    }
}
