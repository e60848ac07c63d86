package dev.nextgpt.gateway.health;

import dev.nextgpt.gateway.listener.GatewayLifecycle;
import dev.nextgpt.gateway.listener.JobTopicsReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the job state has caught up with the end offsets of the job topics seen at start. */
@Readiness
@ApplicationScoped
public class JobStateReadiness implements HealthCheck {
    @Inject
    GatewayLifecycle lifecycle;

    @Override
    public HealthCheckResponse call() {
        JobTopicsReader reader = lifecycle.reader();
        boolean up = reader != null && reader.caughtUp();
        var r = HealthCheckResponse.named("job-state").status(up);
        if (reader != null && reader.problem() != null) {
            r.withData("problem", reader.problem());
        }
        return r.build();
    }
}
