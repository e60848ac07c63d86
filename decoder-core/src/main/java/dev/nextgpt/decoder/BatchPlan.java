package dev.nextgpt.decoder;

import dev.nextgpt.runtime.decoding.BatchKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits what arrived together into denoiser batches: tasks that share a {@link BatchKey} (steps, scheduler), in
 * arrival order, at most {@code maxBatch} per batch. The first key to arrive runs first.
 */
public final class BatchPlan {
    private BatchPlan() {}

    /** The batches, as positions into {@code tasks}. */
    public static List<List<Integer>> of(List<DecodeTask> tasks, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be ≥ 1, was " + maxBatch);
        }
        Map<BatchKey, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            byKey.computeIfAbsent(tasks.get(i).batchKey(), k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> batches = new ArrayList<>();
        for (List<Integer> same : byKey.values()) {
            for (int from = 0; from < same.size(); from += maxBatch) {
                batches.add(List.copyOf(same.subList(from, Math.min(same.size(), from + maxBatch))));
            }
        }
        return batches;
    }
}
