package dev.nextgpt.encoder.service;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.MediaEmbedding;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Embeddings by (modality, content SHA-256), bounded, least recently used out first. Uploads are content-addressed,
 * so the same bytes sent again (another job, another turn of a conversation) are encoded once.
 */
public final class EmbeddingCache {
    private final int capacity;
    private final Map<String, MediaEmbedding> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public EmbeddingCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("cache size must be >= 0, was " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, MediaEmbedding> eldest) {
                return size() > EmbeddingCache.this.capacity;
            }
        };
    }

    private static String key(Modality modality, String sha256) {
        return modality.wireName() + ":" + sha256;
    }

    /** The cached embedding, or null (counted as a hit or a miss). */
    public synchronized MediaEmbedding get(Modality modality, String sha256) {
        MediaEmbedding e = entries.get(key(modality, sha256));
        (e == null ? misses : hits).incrementAndGet();
        return e;
    }

    public synchronized void put(Modality modality, String sha256, MediaEmbedding embedding) {
        if (capacity > 0) {
            entries.put(key(modality, sha256), embedding);
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    public int capacity() {
        return capacity;
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }
}
