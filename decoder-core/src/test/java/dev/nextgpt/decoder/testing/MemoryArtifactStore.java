package dev.nextgpt.decoder.testing;

import dev.nextgpt.decoder.ArtifactStore;
import java.util.List;
import java.util.Map;
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

    public Map<String, Stored> objects() {
        return objects;
    }

    /** Every key put, in order, repeats included. */
    public List<String> puts() {
        return puts;
    }
}
