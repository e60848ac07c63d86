package dev.nextgpt.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a model service's readiness check reports, computed in one place for every service built on the stage
 * worker: the bundle, the cancellation view, the worker loop and the object store, and whether all are up.
 */
public record StageReadiness(boolean up, Map<String, String> data) {

    /** Checks the object store (or another dependency); throws with a message that says what is wrong. */
    @FunctionalInterface
    public interface Probe {
        void check();
    }

    /** A null worker or view means "not started yet". */
    public static StageReadiness of(boolean bundleReady, StageWorker<?> worker, CancellationView view, Probe objectStore) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("bundle", bundleReady ? "loaded" : "loading");
        boolean viewReady = view != null && view.isReady();
        data.put("cancellation-view", viewReady ? "caught up" : "catching up");
        boolean running = worker != null && worker.isRunning();
        data.put("worker", running ? "running" : "stopped");
        boolean storeUp;
        try {
            objectStore.check();
            data.put("object-store", "up");
            storeUp = true;
        } catch (RuntimeException e) {
            data.put("object-store", String.valueOf(e.getMessage()));
            storeUp = false;
        }
        return new StageReadiness(bundleReady && viewReady && running && storeUp, Map.copyOf(data));
    }
}
