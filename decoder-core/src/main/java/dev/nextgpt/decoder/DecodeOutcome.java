package dev.nextgpt.decoder;

import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.OutputStored;

/** How one {@link DecodeTask} ended, and the message that says so (to produce before the record is committed). */
public sealed interface DecodeOutcome {
    DecodeTask task();

    /** {@code OutputStored} for a stored artifact, a {@code JobEvent} otherwise. */
    Message message();

    /** The artifact is in the store; {@link #message()} announces it. */
    record Stored(DecodeTask task, OutputStored message, int stepsCompleted) implements DecodeOutcome {}

    /** The job was cancelled before or during decoding; nothing was stored. */
    record Cancelled(DecodeTask task, JobEvent message, int stepsCompleted) implements DecodeOutcome {}

    /** The job failed at this stage (deadline exceeded, invalid params, decoder or encoder error). */
    record Failed(DecodeTask task, JobEvent message) implements DecodeOutcome {}
}
