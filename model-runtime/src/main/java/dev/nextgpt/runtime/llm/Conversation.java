package dev.nextgpt.runtime.llm;

import java.util.List;

/**
 * A conversation to answer: the past turns (what the user said and what the assistant answered) and the new user
 * message.
 */
public record Conversation(List<Turn> history, UserMessage current) {
    /** One past exchange. */
    public record Turn(UserMessage user, String answer) {
        public Turn {
            if (user == null) {
                throw new IllegalArgumentException("a turn needs a user message");
            }
            answer = answer == null ? "" : answer;
        }
    }

    public Conversation {
        history = history == null ? List.of() : List.copyOf(history);
        if (current == null) {
            throw new IllegalArgumentException("a conversation needs a current user message");
        }
    }

    /** A single-turn conversation. */
    public static Conversation of(UserMessage current) {
        return new Conversation(List.of(), current);
    }

    /** A single-turn, text-only conversation. */
    public static Conversation of(String text) {
        return of(UserMessage.text(text));
    }
}
