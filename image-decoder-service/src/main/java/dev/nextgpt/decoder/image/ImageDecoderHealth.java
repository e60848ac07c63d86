package dev.nextgpt.decoder.image;

import dev.nextgpt.decoder.service.DecoderService;
import dev.nextgpt.decoder.service.HealthCheckResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** {@code /q/health/live} (worker loop and cancellation view running) and {@code /q/health/ready} (see {@link DecoderService#readiness()}). */
@ApplicationScoped
public class ImageDecoderHealth {
    @Produces
    @Liveness
    HealthCheck live(ImageDecoderService app) {
        return () -> response("image-decoder-live", app.service(), DecoderService::liveness);
    }

    @Produces
    @Readiness
    HealthCheck ready(ImageDecoderService app) {
        return () -> response("image-decoder-ready", app.service(), DecoderService::readiness);
    }

    private static HealthCheckResponse response(String name, DecoderService service,
            Function<DecoderService, List<HealthCheckResult>> checks) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(name);
        if (service == null) {
            return b.down().withData("starting", "loading and warming the bundle").build();
        }
        boolean up = true;
        for (HealthCheckResult c : checks.apply(service)) {
            b.withData(c.name(), (c.up() ? "UP: " : "DOWN: ") + c.detail());
            up &= c.up();
        }
        return b.status(up).build();
    }
}
