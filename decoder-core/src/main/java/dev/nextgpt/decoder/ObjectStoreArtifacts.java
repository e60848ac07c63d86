package dev.nextgpt.decoder;

import dev.nextgpt.objectstore.ObjectStore;
import java.util.Optional;

/** {@link ArtifactStore} on the platform's {@link ObjectStore} (SHA-256 recorded as object metadata by {@code put}). */
public final class ObjectStoreArtifacts implements ArtifactStore {
    private final ObjectStore store;

    public ObjectStoreArtifacts(ObjectStore store) {
        this.store = store;
    }

    @Override
    public void put(String key, byte[] bytes, String contentType) {
        store.put(key, bytes, contentType);
    }

    @Override
    public Optional<StoredObject> find(String key) {
        return store.stat(key).filter(info -> info.sha256() != null && info.size() > 0)
                .map(info -> new StoredObject(info.size(), info.sha256(), info.contentType()));
    }
}
