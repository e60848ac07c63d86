package dev.nextgpt.runtime;

import dev.nextgpt.contracts.Modality;

/**
 * One emitted signal-token group (output of the LLM tier, input of a decoder): the group's token ids and their
 * last-layer hidden states, {@code tokens} rows of {@code hidden} floats, row-major. {@code forced} is true when
 * the caller asked for the modality and the model did not emit it, so the runtime appended the group.
 */
public record SignalGroup(Modality modality, int[] tokenIds, int hidden, float[] hiddenStates, boolean forced) {
    public SignalGroup {
        if (hiddenStates.length != tokenIds.length * hidden) {
            throw new IllegalArgumentException("signal group has " + hiddenStates.length + " floats, expected "
                    + tokenIds.length + "×" + hidden);
        }
    }

    public int tokens() {
        return tokenIds.length;
    }
}
