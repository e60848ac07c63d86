package dev.nextgpt.decoder;

import java.util.Map;

/** Where artifacts go (the object store). {@code put} overwrites: keys are deterministic, so are the bytes. */
@FunctionalInterface
public interface ArtifactStore {
    /** Metadata key holding the artifact's SHA-256. */
    String SHA256_METADATA = "sha256";

    /** Stores {@code bytes} under {@code key}; returns once the store has them (throws when it cannot). */
    void put(String key, byte[] bytes, String contentType, Map<String, String> metadata);
}
