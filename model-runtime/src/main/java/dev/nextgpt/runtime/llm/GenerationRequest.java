package dev.nextgpt.runtime.llm;

/** One sequence of a batch: its prompt and its parameters. */
public record GenerationRequest(Prompt prompt, GenerationParams params) {
    public GenerationRequest {
        if (prompt == null || params == null) {
            throw new IllegalArgumentException("a generation request needs a prompt and parameters");
        }
    }
}
