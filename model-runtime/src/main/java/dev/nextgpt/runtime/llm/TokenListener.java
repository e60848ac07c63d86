package dev.nextgpt.runtime.llm;

/**
 * Streaming callback, called on the generating thread for every generated token of every request of a batch, in
 * order. The deltas of a request concatenate to its {@link GenerationResult#text()}: a delta may be empty (signal
 * tokens, EOS, a byte of an unfinished UTF-8 character, text held back because it may start a stop string) and the
 * last token's delta also carries what was held back. Keep it fast: the whole batch waits for it.
 */
@FunctionalInterface
public interface TokenListener {
    TokenListener NONE = (request, tokenId, textDelta) -> { };

    /**
     * @param request index of the request in the batch
     * @param tokenId the token generated
     * @param textDelta the text it adds to the answer
     */
    void onToken(int request, int tokenId, String textDelta);

    /**
     * Called once per signal group as soon as its last hidden state is known — during generation for groups the
     * model emits, after it for forced ones — so the group's decoder can start before the text is finished.
     */
    default void onSignalGroup(int request, dev.nextgpt.runtime.SignalGroup group) {}

    /** Called once per request when it is finished (before {@code generate} returns). */
    default void onFinish(int request, GenerationResult result) {}
}
