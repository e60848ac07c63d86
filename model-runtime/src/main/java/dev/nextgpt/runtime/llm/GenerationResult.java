package dev.nextgpt.runtime.llm;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one request.
 *
 * @param text the answer: generated text without signal tokens, cut before a stop string (equal to the
 *     concatenation of the streamed deltas)
 * @param tokenIds the tokens the model generated, in order, including signal tokens, the tokens that completed a
 *     started signal group, the EOS and the token that completed a stop string; not the groups appended for
 *     forced modalities (those are in {@link #signalGroups()} with {@code forced = true})
 * @param signalGroups one group per modality, in the order they were emitted (the first group of a modality when the
 *     model emitted it more than once), then the appended forced groups
 * @param finishReason why generation stopped
 * @param promptTokens positions the prompt took (tokens plus media rows)
 * @param generatedTokens {@code tokenIds.length}
 * @param seed the seed the sampler used
 * @param timings prefill and decode time
 */
public record GenerationResult(
        String text,
        int[] tokenIds,
        List<SignalGroup> signalGroups,
        FinishReason finishReason,
        int promptTokens,
        int generatedTokens,
        long seed,
        Timings timings) {

    /**
     * @param prefillMs wall time of the prompt forward (shared by a batch)
     * @param decodeMs wall time from the end of the prefill to the end of this sequence (its decode steps, sampling
     *     and the forward that gave the last signal hidden states)
     * @param decodeSteps LLM forward passes this sequence took part in after the prefill
     */
    public record Timings(double prefillMs, double decodeMs, int decodeSteps) {
        /** Decode time per generated token. */
        public double decodeMsPerToken(int tokens) {
            return tokens == 0 ? 0 : decodeMs / tokens;
        }
    }

    public GenerationResult {
        signalGroups = List.copyOf(signalGroups);
    }

    /** Decode wall time per generated token. */
    public double decodeMsPerToken() {
        return timings.decodeMsPerToken(generatedTokens);
    }

    /** The signal group of a modality, if one was emitted or forced. */
    public Optional<SignalGroup> signalGroup(Modality modality) {
        return signalGroups.stream().filter(g -> g.modality() == modality).findFirst();
    }
}
