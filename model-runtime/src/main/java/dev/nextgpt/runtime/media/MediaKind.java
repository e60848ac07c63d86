package dev.nextgpt.runtime.media;

/** The three input modalities of NExT-GPT. */
public enum MediaKind {
    IMAGE, AUDIO, VIDEO;

    /** Lower-case name as used in the bundle manifest ({@code image}, {@code audio}, {@code video}). */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
