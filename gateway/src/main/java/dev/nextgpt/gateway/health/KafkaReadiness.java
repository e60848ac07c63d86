package dev.nextgpt.gateway.health;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the Kafka cluster answers (checked at most every 5 s). */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {
    private static final long CACHE_MILLIS = 5000;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private Admin admin;
    private long checkedAt;
    private HealthCheckResponse last;

    @Override
    public synchronized HealthCheckResponse call() {
        long now = System.currentTimeMillis();
        if (last != null && now - checkedAt < CACHE_MILLIS) {
            return last;
        }
        var r = HealthCheckResponse.named("kafka").withData("bootstrap.servers", bootstrapServers);
        try {
            if (admin == null) {
                admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        AdminClientConfig.CLIENT_ID_CONFIG, "nextgpt-gateway-health",
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
            }
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
                    .get(4, TimeUnit.SECONDS).size();
            r.up().withData("brokers", nodes);
        } catch (Exception e) {
            r.down().withData("error", String.valueOf(e.getMessage()));
        }
        last = r.build();
        checkedAt = now;
        return last;
    }

    synchronized void close(@Observes ShutdownEvent event) {
        if (admin != null) {
            admin.close();
        }
    }
}
