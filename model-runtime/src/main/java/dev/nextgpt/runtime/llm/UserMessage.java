package dev.nextgpt.runtime.llm;

import dev.nextgpt.runtime.MediaEmbedding;
import java.util.List;

/** What a user says in one turn: media items (in order) and text. */
public record UserMessage(List<MediaEmbedding> media, String text) {
    public UserMessage {
        media = media == null ? List.of() : List.copyOf(media);
        text = text == null ? "" : text;
    }

    public static UserMessage text(String text) {
        return new UserMessage(List.of(), text);
    }

    public static UserMessage of(String text, MediaEmbedding... media) {
        return new UserMessage(List.of(media), text);
    }
}
