package dev.nextgpt.decoder;

import dev.nextgpt.contracts.messages.OutputStored;

/** How one {@link DecodeTask} ended. */
public sealed interface DecodeOutcome {
    DecodeTask task();

    /** The artifact is in the store; {@code message} announces it (the caller produces it, then commits). */
    record Stored(DecodeTask task, OutputStored message, int stepsCompleted) implements DecodeOutcome {}

    /** The job was cancelled before or during decoding, or before its artifact was stored; nothing was stored. */
    record Cancelled(DecodeTask task, int stepsCompleted) implements DecodeOutcome {}

    /** The job failed at this stage: {@code reason} is what the FAILED event says (e.g. {@code deadline exceeded}). */
    record Failed(DecodeTask task, String reason) implements DecodeOutcome {}
}
