package dev.nextgpt.runtime.llm;

/**
 * A hook on each sampling step: sees (and may change) the raw logits of the next token of one request before the
 * signal-token rules and sampling apply. It is not called for tokens the rules force (the rest of a started signal
 * group). Used for logit biases and by tests to steer or record the real model.
 */
@FunctionalInterface
public interface LogitsProcessor {
    LogitsProcessor NONE = (request, step, logits) -> { };

    /**
     * @param request index of the request in the batch
     * @param step index of the token about to be generated (0 = first new token)
     * @param logits the vocabulary's logits; modify in place
     */
    void process(int request, int step, float[] logits);
}
