package dev.nextgpt.runtime.llm;

import java.util.ArrayList;
import java.util.List;

/** The LLM input of one request: token and media segments in order (see {@link PromptBuilder}). */
public record Prompt(List<PromptSegment> segments) {
    public Prompt {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a prompt needs at least one segment");
        }
    }

    /** A prompt of plain token ids (for example one tokenized elsewhere). */
    public static Prompt ofTokens(int... ids) {
        return new Prompt(List.of(new PromptSegment.Tokens(null, ids.clone())));
    }

    /** Positions the prompt takes (tokens plus media embedding rows). */
    public int length() {
        int n = 0;
        for (PromptSegment s : segments) {
            n += s.length();
        }
        return n;
    }

    public boolean hasMedia() {
        return segments.stream().anyMatch(s -> s instanceof PromptSegment.Media);
    }

    /** All token ids of the prompt in order (media rows left out). */
    public int[] tokenIds() {
        List<Integer> ids = new ArrayList<>();
        for (PromptSegment s : segments) {
            if (s instanceof PromptSegment.Tokens t) {
                for (int id : t.ids()) {
                    ids.add(id);
                }
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
