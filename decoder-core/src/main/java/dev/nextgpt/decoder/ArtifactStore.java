package dev.nextgpt.decoder;

/**
 * Where artifacts go: {@code ObjectStore::put} in the services (it records the SHA-256 as object metadata).
 * {@code put} overwrites: keys are deterministic, and so are the bytes.
 */
@FunctionalInterface
public interface ArtifactStore {
    /** Stores {@code bytes} under {@code key}; returns once the store has them (throws when it cannot). */
    void put(String key, byte[] bytes, String contentType);
}
