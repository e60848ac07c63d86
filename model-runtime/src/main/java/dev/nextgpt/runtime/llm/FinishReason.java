package dev.nextgpt.runtime.llm;

/** Why a sequence stopped generating. */
public enum FinishReason {
    /** The text reached one of the stop strings (it is cut before it). */
    STOP,
    /** The model emitted the end-of-sequence token. */
    EOS,
    /** Max new tokens reached, or the context ({@code max_positions}) is full. */
    LENGTH
}
