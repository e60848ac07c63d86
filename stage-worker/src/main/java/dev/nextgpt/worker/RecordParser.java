package dev.nextgpt.worker;

import dev.nextgpt.contracts.messages.JobEncoded;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.SignalsReady;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a consumed record into a valid message, or throws (a {@link dev.nextgpt.contracts.ContractViolation}
 * naming the problem) so the worker sends it to the dead-letter topic. Also tells the worker the message's deadline
 * and output index, for deadline checks and failure events.
 */
public interface RecordParser<T extends Message> {
    /** Decodes and validates the record (payload, key and headers must agree). */
    T parse(ConsumerRecord<String, byte[]> record);

    /** When the job is abandoned (null: never). */
    default Instant deadline(T message) {
        return null;
    }

    /** The output this record is about (decoders), null for single-output stages. */
    default Integer outputIndex(T message) {
        return null;
    }

    /** A parser for one contract message type: {@code Messages.decode} then {@code Messages.checkRecord}. */
    static <T extends Message> MessageParser<T> of(Class<T> type) {
        return new MessageParser<>(type, m -> null, m -> null);
    }

    /** {@code nextgpt.jobs.requested}, with the job's deadline. */
    static MessageParser<JobRequested> jobRequested() {
        return of(JobRequested.class).withDeadline(JobRequested::deadline);
    }

    /** {@code nextgpt.jobs.encoded}, with the job's deadline. */
    static MessageParser<JobEncoded> jobEncoded() {
        return of(JobEncoded.class).withDeadline(JobEncoded::deadline);
    }

    /** {@code nextgpt.signals.<modality>}, with the job's deadline and the output index. */
    static MessageParser<SignalsReady> signalsReady() {
        return of(SignalsReady.class).withDeadline(SignalsReady::deadline).withOutputIndex(SignalsReady::outputIndex);
    }
}
