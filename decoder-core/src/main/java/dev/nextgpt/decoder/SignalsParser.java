package dev.nextgpt.decoder;

import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.worker.RecordParser;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads {@code nextgpt.signals.<modality>} records: the contract's checks ({@link RecordParser#signalsReady()}) plus
 * the decoder's own ({@link SignalsIntake#check}: the modality, tensor shapes [N, H], finite values), so a record with
 * unusable signals goes to the dead-letter topic when consumed instead of failing later.
 */
public final class SignalsParser implements RecordParser<SignalsReady> {
    private final RecordParser<SignalsReady> contract = RecordParser.signalsReady();
    private final SignalsIntake intake;

    public SignalsParser(SignalsIntake intake) {
        this.intake = intake;
    }

    @Override
    public SignalsReady parse(ConsumerRecord<String, byte[]> record) {
        return intake.check(contract.parse(record));
    }

    @Override
    public Instant deadline(SignalsReady message) {
        return contract.deadline(message);
    }

    @Override
    public Integer outputIndex(SignalsReady message) {
        return contract.outputIndex(message);
    }
}
