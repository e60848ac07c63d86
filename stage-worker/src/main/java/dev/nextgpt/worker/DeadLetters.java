package dev.nextgpt.worker;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Records a consumer could not parse or validate go to its dead-letter topic ({@code Topics.deadLetter}) unchanged
 * (key, value, headers), with headers naming the error and where the record came from.
 */
public final class DeadLetters {
    /** The exception's class name, e.g. {@code dev.nextgpt.contracts.ContractViolation}. */
    public static final String ERROR_CLASS = "nextgpt-dlq-error-class";
    /** The exception's message (truncated to the header limit). */
    public static final String ERROR_MESSAGE = "nextgpt-dlq-error-message";
    public static final String SOURCE_TOPIC = "nextgpt-dlq-source-topic";
    public static final String SOURCE_PARTITION = "nextgpt-dlq-source-partition";
    public static final String SOURCE_OFFSET = "nextgpt-dlq-source-offset";
    /** The consumer group that gave up on the record. */
    public static final String GROUP = "nextgpt-dlq-group";

    /** Header values stay within the contracts' limit ({@code Headers.MAX_VALUE_BYTES}). */
    static final int MAX_VALUE_BYTES = 1024;

    private DeadLetters() {}

    /** The dead-letter record for {@code source}, refused with {@code error}. */
    public static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> source, String deadLetterTopic,
            String groupId, Throwable error) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : source.headers()) {
            headers.add(h);
        }
        headers.add(ERROR_CLASS, utf8(error.getClass().getName()));
        headers.add(ERROR_MESSAGE, utf8(String.valueOf(error.getMessage())));
        headers.add(SOURCE_TOPIC, utf8(source.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(source.offset())));
        headers.add(GROUP, utf8(groupId));
        return new ProducerRecord<>(deadLetterTopic, null, source.key(), source.value(), headers);
    }

    /** UTF-8 of {@code text}, cut at a character boundary to at most {@link #MAX_VALUE_BYTES} bytes. */
    static byte[] utf8(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_VALUE_BYTES) {
            return bytes;
        }
        int end = MAX_VALUE_BYTES - 3;
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
}
