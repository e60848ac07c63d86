package dev.nextgpt.gateway.service;

import dev.nextgpt.gateway.JobStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's own metrics at {@code /q/metrics} (HTTP request latency comes from Quarkus:
 * {@code http_server_requests_seconds}): {@code nextgpt_gateway_jobs_submitted_total},
 * {@code nextgpt_gateway_jobs{status}}, {@code nextgpt_gateway_webhook_deliveries_total{outcome}},
 * {@code nextgpt_gateway_sse_clients}, {@code nextgpt_gateway_records_total{topic,outcome}}.
 */
@ApplicationScoped
public class GatewayMetrics {
    private final MeterRegistry registry;
    private final Counter submitted;
    private final Counter replayed;
    private final AtomicInteger sseClients = new AtomicInteger();

    @Inject
    public GatewayMetrics(MeterRegistry registry, JobStore store) {
        this.registry = registry;
        this.submitted = Counter.builder("nextgpt.gateway.jobs.submitted").description("Jobs accepted by this replica")
                .register(registry);
        this.replayed = Counter.builder("nextgpt.gateway.jobs.idempotent.replays")
                .description("Submissions answered with an existing job (same Idempotency-Key and body)")
                .register(registry);
        for (JobStatus status : JobStatus.values()) {
            Gauge.builder("nextgpt.gateway.jobs", store, s -> s.countByStatus().get(status))
                    .description("Jobs known to the gateway, by status").tag("status", status.wireName())
                    .register(registry);
        }
        Gauge.builder("nextgpt.gateway.sse.clients", sseClients, AtomicInteger::get)
                .description("Open event streams (GET /v1/jobs/{id}/events)").register(registry);
    }

    public void submitted() {
        submitted.increment();
    }

    public void replayed() {
        replayed.increment();
    }

    /** A webhook attempt: {@code delivered}, {@code failed} (will retry) or {@code exhausted} (gave up). */
    public void webhookAttempt(String outcome) {
        registry.counter("nextgpt.gateway.webhook.deliveries", "outcome", outcome).increment();
    }

    /** A record of a job topic the state reader consumed, by what applying it did. */
    public void record(String topic, String outcome) {
        registry.counter("nextgpt.gateway.records", "topic", topic, "outcome", outcome).increment();
    }

    public void sseOpened() {
        sseClients.incrementAndGet();
    }

    public void sseClosed() {
        sseClients.decrementAndGet();
    }
}
