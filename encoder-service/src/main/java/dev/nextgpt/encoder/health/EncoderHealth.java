package dev.nextgpt.encoder.health;

import dev.nextgpt.encoder.listener.EncoderWorker;
import dev.nextgpt.encoder.model.EncodingModel;
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
public final class EncoderHealth {
    private EncoderHealth() {}

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final EncodingModel model;
        private final EncoderWorker worker;

        public Ready(EncodingModel model, EncoderWorker worker) {
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
            HealthCheckResponseBuilder b = HealthCheckResponse.named("encoder-service");
            r.data().forEach(b::withData);
            return b.status(r.up()).build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        private final EncoderWorker worker;

        public Live(EncoderWorker worker) {
            this.worker = worker;
        }

        @Override
        public HealthCheckResponse call() {
            var w = worker.worker();
            boolean dead = w != null && w.failure() != null;
            return HealthCheckResponse.named("encoder-service-loop").status(!dead)
                    .withData("failure", dead ? String.valueOf(w.failure()) : "none").build();
        }
    }
}
