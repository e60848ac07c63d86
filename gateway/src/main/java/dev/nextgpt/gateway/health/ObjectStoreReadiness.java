package dev.nextgpt.gateway.health;

import dev.nextgpt.objectstore.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the object store answers and the bucket exists (checked at most every 5 s, 3 s limit). */
@Readiness
@ApplicationScoped
public class ObjectStoreReadiness implements HealthCheck {
    private static final long CACHE_MILLIS = 5000;

    @Inject
    ObjectStore store;

    private long checkedAt;
    private HealthCheckResponse last;

    @Override
    public synchronized HealthCheckResponse call() {
        long now = System.currentTimeMillis();
        if (last != null && now - checkedAt < CACHE_MILLIS) {
            return last;
        }
        var r = HealthCheckResponse.named("object-store").withData("bucket", store.bucket());
        try {
            CompletableFuture.runAsync(store::ping).get(3, TimeUnit.SECONDS);
            r.up();
        } catch (Exception e) {
            r.down().withData("error", String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.toString()));
        }
        last = r.build();
        checkedAt = now;
        return last;
    }
}
