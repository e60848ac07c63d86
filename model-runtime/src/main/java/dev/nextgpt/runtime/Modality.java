package dev.nextgpt.runtime;

import java.util.Locale;

/** The three non-text modalities NExT-GPT reads and writes. */
public enum Modality {
    IMAGE,
    AUDIO,
    VIDEO;

    /** The lower-case name used in bundle manifests, topic names and the API. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code image|audio|video}; anything else is an {@link IllegalArgumentException} naming the value. */
    public static Modality fromKey(String key) {
        if (key != null) {
            for (Modality m : values()) {
                if (m.key().equals(key.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown modality '" + key + "' (expected one of image, audio, video)");
    }
}
