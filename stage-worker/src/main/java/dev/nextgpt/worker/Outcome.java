package dev.nextgpt.worker;

/** What became of one item of a batch; the worker turns it into events and commits either way. */
public sealed interface Outcome {
    /** Done: the handler produced what the stage produces. */
    Outcome DONE = new Done();

    /** The item's work is finished (outputs sent). */
    record Done() implements Outcome {}

    /** The job failed in this stage: the worker emits {@code JobEvent} FAILED with this reason. */
    record Failed(String reason) implements Outcome {
        public Failed {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("a failure needs a reason");
            }
        }
    }

    /** The job was cancelled while the stage worked on it: the worker emits {@code JobEvent} CANCELLED. */
    record Cancelled() implements Outcome {}

    static Outcome failed(String reason) {
        return new Failed(reason);
    }

    static Outcome cancelled() {
        return new Cancelled();
    }
}
