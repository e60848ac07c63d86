package dev.nextgpt.runtime.llm;

import dev.nextgpt.runtime.MediaEmbedding;
import java.util.Arrays;

/** One piece of a {@link Prompt}: token ids (embedded by {@code llm.embed}) or a media item's projected embeddings. */
public sealed interface PromptSegment permits PromptSegment.Tokens, PromptSegment.Media {

    /** Positions the segment takes in the LLM's sequence. */
    int length();

    /**
     * Token ids; {@code text} is what they were tokenized from ({@code null} for special ids such as BOS).
     * The array is not copied: do not modify it.
     */
    record Tokens(String text, int[] ids) implements PromptSegment {
        public Tokens {
            if (ids == null || ids.length == 0) {
                throw new IllegalArgumentException("a token segment needs at least one id");
            }
        }

        @Override
        public int length() {
            return ids.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tokens t && java.util.Objects.equals(text, t.text) && Arrays.equals(ids, t.ids);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Objects.hashCode(text) + Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Tokens[" + (text == null ? "" : "'" + text.replace("\n", "\\n") + "' ") + Arrays.toString(ids) + "]";
        }
    }

    /** A media item's LLM embeddings, inserted as they are. */
    record Media(MediaEmbedding embedding) implements PromptSegment {
        public Media {
            if (embedding == null) {
                throw new IllegalArgumentException("media segment without embedding");
            }
        }

        @Override
        public int length() {
            return embedding.tokens();
        }

        @Override
        public String toString() {
            return "Media[" + embedding.modality().wireName() + " " + embedding.tokens() + "×" + embedding.hidden() + "]";
        }
    }
}
