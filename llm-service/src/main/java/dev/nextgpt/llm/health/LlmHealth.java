package dev.nextgpt.llm.health;

import dev.nextgpt.llm.listener.LlmWorker;
import dev.nextgpt.llm.model.LanguageModel;
import dev.nextgpt.objectstore.ObjectStoreException;
import dev.nextgpt.worker.StageReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: bundle loaded and warmed, object store answering, cancellation view caught up, stage worker running
 * (Kafka itself is checked by the Kafka client extension's readiness check). Liveness: the worker loop is alive.
 */
public final class LlmHealth {
    private LlmHealth() {}

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final LanguageModel model;
        private final LlmWorker worker;

        public Ready(LanguageModel model, LlmWorker worker) {
            this.model = model;
            this.worker = worker;
        }

        @Override
        public HealthCheckResponse call() {
            StageReadiness r = StageReadiness.of(model.isReady(), worker.worker(), worker.cancellation(), () -> {
                if (worker.store() == null) {
                    throw new ObjectStoreException(null, "not started");
                }
                worker.store().ping();
            });
            HealthCheckResponseBuilder b = HealthCheckResponse.named("llm-service");
            r.data().forEach(b::withData);
            return b.status(r.up()).build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        private final LlmWorker worker;

        public Live(LlmWorker worker) {
            this.worker = worker;
        }

        @Override
        public HealthCheckResponse call() {
            var w = worker.worker();
            boolean dead = w != null && w.failure() != null;
            return HealthCheckResponse.named("llm-service-loop").status(!dead)
                    .withData("failure", dead ? String.valueOf(w.failure()) : "none").build();
        }
    }
}
