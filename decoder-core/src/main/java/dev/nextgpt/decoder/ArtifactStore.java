package dev.nextgpt.decoder;

import java.util.Optional;

/**
 * Where artifacts go: the object store in the services ({@code ObjectStoreArtifacts}), memory in tests.
 * {@code put} overwrites: keys are deterministic.
 */
public interface ArtifactStore {
    /** What is already stored under a key: enough to announce it again. */
    record StoredObject(long size, String sha256, String contentType) {}

    /** Stores {@code bytes} under {@code key}, recording their SHA-256; returns once the store has them (throws when it cannot). */
    void put(String key, byte[] bytes, String contentType);

    /** The object under {@code key} if there is one whose SHA-256 the store recorded (an artifact of an earlier delivery). */
    Optional<StoredObject> find(String key);
}
