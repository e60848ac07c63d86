package dev.nextgpt.runtime;

import dev.nextgpt.contracts.Modality;

/**
 * The projected LLM embeddings of one media input item (output of the encoding tier, input of the LLM tier):
 * {@code tokens} rows of {@code hidden} floats, row-major.
 */
public record MediaEmbedding(Modality modality, int tokens, int hidden, float[] data) {
    public MediaEmbedding {
        if (data.length != tokens * hidden) {
            throw new IllegalArgumentException("media embedding has " + data.length + " floats, expected " + tokens + "×" + hidden);
        }
    }
}
