package dev.nextgpt.worker;

import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.Messages;
import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** {@link RecordParser} of one contract message type, with the contract's codec and record checks. */
public final class MessageParser<T extends Message> implements RecordParser<T> {
    private final Class<T> type;
    private final Function<T, Instant> deadline;
    private final Function<T, Integer> outputIndex;

    MessageParser(Class<T> type, Function<T, Instant> deadline, Function<T, Integer> outputIndex) {
        this.type = type;
        this.deadline = deadline;
        this.outputIndex = outputIndex;
    }

    public MessageParser<T> withDeadline(Function<T, Instant> value) {
        return new MessageParser<>(type, value, outputIndex);
    }

    public MessageParser<T> withOutputIndex(Function<T, Integer> value) {
        return new MessageParser<>(type, deadline, value);
    }

    @Override
    public T parse(ConsumerRecord<String, byte[]> record) {
        T message = Messages.decode(record.value(), type);
        Messages.checkRecord(record.key(), name -> {
            Header h = record.headers().lastHeader(name);
            return h == null ? null : h.value();
        }, message);
        return message;
    }

    @Override
    public Instant deadline(T message) {
        return deadline.apply(message);
    }

    @Override
    public Integer outputIndex(T message) {
        return outputIndex.apply(message);
    }
}
