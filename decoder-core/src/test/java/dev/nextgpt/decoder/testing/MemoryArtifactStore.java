package dev.nextgpt.decoder.testing;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.decoder.ArtifactStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link ArtifactStore} in memory that remembers every put. */
public final class MemoryArtifactStore implements ArtifactStore {
    /** One stored object. */
    public record Stored(byte[] bytes, String contentType) {}

    private final Map<String, Stored> objects = new ConcurrentHashMap<>();
    private final List<String> puts = new CopyOnWriteArrayList<>();

    @Override
    public void put(String key, byte[] bytes, String contentType) {
        objects.put(key, new Stored(bytes.clone(), contentType));
        puts.add(key);
    }

    @Override
    public Optional<StoredObject> find(String key) {
        return Optional.ofNullable(objects.get(key))
                .map(o -> new StoredObject(o.bytes().length, ClaimCheck.sha256Hex(o.bytes()), o.contentType()));
    }

    public Map<String, Stored> objects() {
        return objects;
    }

    /** Every key put, in order, repeats included. */
    public List<String> puts() {
        return puts;
    }
}
