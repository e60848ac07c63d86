package dev.nextgpt.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.WebhookAttempt;
import dev.nextgpt.gateway.DeliveryAttempt;
import dev.nextgpt.gateway.JobSnapshot;
import dev.nextgpt.gateway.client.JobTopics;
import dev.nextgpt.gateway.client.WebhookClient;
import dev.nextgpt.gateway.config.GatewayConfig;
import dev.nextgpt.gateway.mapping.JobMapper;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.ToIntFunction;
import org.jboss.logging.Logger;

/**
 * Sends the webhook of every terminal job whose partition this replica owns: signed JSON (the job as
 * {@code GET /v1/jobs/{id}} shows it), one event id per (job, terminal status) for every attempt, retries with
 * exponential backoff and full jitter up to the configured attempts. Each attempt is recorded as a
 * {@code webhook_attempt} job event, so every replica shows it and a replica that takes the partition over continues
 * where the last owner stopped, and never resends a delivered webhook.
 */
@ApplicationScoped
public class WebhookDispatcher {
    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    public static final String SIGNATURE_HEADER = "X-NextGPT-Signature";
    public static final String EVENT_ID_HEADER = "X-NextGPT-Event-Id";

    private final JobStore store;
    private final JobTopics topics;
    private final WebhookClient client;
    private final SecretSealer sealer;
    private final JobMapper mapper;
    private final ObjectMapper json;
    private final GatewayConfig.Webhooks config;
    private final GatewayMetrics metrics;
    private final WebhookTargets targets;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webhook-dispatcher");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean active;
    private volatile IntPredicate owns = p -> false;
    private volatile ToIntFunction<String> partitionOf = id -> -1;

    @Inject
    public WebhookDispatcher(JobStore store, JobTopics topics, WebhookClient client, SecretSealer sealer,
            JobMapper mapper, ObjectMapper json, GatewayConfig config, GatewayMetrics metrics, WebhookTargets targets,
            Clock clock) {
        this.store = store;
        this.topics = topics;
        this.client = client;
        this.sealer = sealer;
        this.mapper = mapper;
        this.json = json;
        this.config = config.webhooks();
        this.metrics = metrics;
        this.targets = targets;
        this.clock = clock;
        store.onTerminal(this::consider);
    }

    /**
     * Starts sending, once the state has caught up (before, attempts recorded by earlier owners are not known yet).
     *
     * @param owns whether this replica owns a partition of {@code nextgpt.jobs.requested}
     * @param partitionOf the partition of a job id
     */
    public void start(IntPredicate owns, ToIntFunction<String> partitionOf) {
        this.owns = owns;
        this.partitionOf = partitionOf;
        this.active = true;
        store.all().forEach(this::consider);
    }

    /** Looks at the terminal jobs of partitions this replica just gained. */
    public void partitionsGained(Set<Integer> partitions) {
        if (!active) {
            return;
        }
        for (JobSnapshot job : store.all()) {
            if (partitions.contains(partitionOf.applyAsInt(job.id()))) {
                consider(job);
            }
        }
    }

    void onShutdown(@Observes ShutdownEvent event) {
        active = false;
        scheduler.shutdownNow();
    }

    /** Schedules the next attempt of {@code job}'s webhook if one is due and this replica sends it. */
    public void consider(JobSnapshot job) {
        if (!eligible(job) || !inFlight.add(job.id())) {
            return;
        }
        List<DeliveryAttempt> previous = job.attemptsForStatus();
        long delay = 0;
        if (!previous.isEmpty()) {
            Instant last = previous.get(previous.size() - 1).at();
            long due = last.toEpochMilli() + backoff(previous.size()).toMillis();
            delay = Math.max(0, due - clock.millis());
        }
        schedule(job.id(), delay);
    }

    private boolean eligible(JobSnapshot job) {
        return active && job.status().terminal() && job.hasWebhook() && !job.webhookDelivered()
                && job.attemptsForStatus().size() < config.maxAttempts()
                && owns.test(partitionOf.applyAsInt(job.id()));
    }

    private void schedule(String jobId, long delayMillis) {
        try {
            scheduler.schedule(() -> attempt(jobId), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            inFlight.remove(jobId);   // shutting down
        }
    }

    /** Full jitter: uniform in [0, min(max, initial × 2^(n−1))] before attempt n + 1. */
    Duration backoff(int attemptsSoFar) {
        long cap = config.initialBackoff().toMillis() << Math.min(attemptsSoFar - 1, 30);
        cap = Math.min(Math.max(cap, 0), config.maxBackoff().toMillis());
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
    }

    private void attempt(String jobId) {
        JobSnapshot job = store.find(jobId).orElse(null);
        if (job == null || !eligible(job)) {
            inFlight.remove(jobId);
            return;
        }
        int n = job.attemptsForStatus().size() + 1;
        String eventId = job.webhookEventId();
        String status = job.status().wireName();
        WebhookClient.Result refused = null;
        URI url = null;
        String secret = null;
        try {
            url = targets.check(job.request().webhook().url());
            secret = sealer.open(jobId, job.request().webhook().sealedSecret());
        } catch (WebhookTargets.Refused e) {
            refused = new WebhookClient.Result(null, "target refused: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            refused = new WebhookClient.Result(null, e.getMessage());
        }
        if (refused != null) {
            finish(job, n, eventId, status, refused);
            return;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(mapper.view(job));
        } catch (JsonProcessingException e) {
            finish(job, n, eventId, status, new WebhookClient.Result(null, "rendering the body failed: " + e));
            return;
        }
        long t = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "nextgpt-gateway");
        headers.put(EVENT_ID_HEADER, eventId);
        headers.put("X-NextGPT-Event", "job." + status);
        headers.put("X-NextGPT-Attempt", String.valueOf(n));
        headers.put(SIGNATURE_HEADER, WebhookSignature.header(secret, t, body));
        client.post(url, body, headers, config.timeout())
                .whenComplete((result, failure) -> finish(job, n, eventId, status,
                        failure != null ? new WebhookClient.Result(null, failure.toString()) : result));
    }

    private void finish(JobSnapshot job, int n, String eventId, String status, WebhookClient.Result result) {
        try {
            String error = result.delivered() ? null : truncate(result.error() == null ? "failed" : result.error());
            WebhookAttempt attempt = new WebhookAttempt(eventId, status, n, result.delivered(), result.status(), error);
            Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            JobEvent event = JobEvent.webhookAttempt(job.id(), job.tenant(), attempt, at);
            store.apply(event, at);
            try {
                topics.record(event);
            } catch (RuntimeException e) {
                LOG.warnf("job %s: recording webhook attempt %d failed: %s", job.id(), n, e.getMessage());
            }
            if (result.delivered()) {
                metrics.webhookAttempt("delivered");
                LOG.infof("job %s: webhook %s delivered (attempt %d, HTTP %d)", job.id(), eventId, n, result.status());
                inFlight.remove(job.id());
            } else if (n >= config.maxAttempts()) {
                metrics.webhookAttempt("exhausted");
                LOG.warnf("job %s: webhook %s not delivered after %d attempts: %s", job.id(), eventId, n, error);
                inFlight.remove(job.id());
            } else {
                metrics.webhookAttempt("failed");
                Duration wait = backoff(n);
                LOG.infof("job %s: webhook attempt %d failed (%s); next in %d ms", job.id(), n, error, wait.toMillis());
                schedule(job.id(), wait.toMillis());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s: webhook bookkeeping failed", job.id());
            inFlight.remove(job.id());
        }
    }

    private static String truncate(String s) {
        return s.length() <= 1000 ? s : s.substring(0, 997) + "...";
    }
}
