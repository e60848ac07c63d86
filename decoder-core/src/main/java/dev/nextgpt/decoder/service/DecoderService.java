package dev.nextgpt.decoder.service;

import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.decoder.BundleLocation;
import dev.nextgpt.decoder.DecoderHandler;
import dev.nextgpt.decoder.DecoderMetrics;
import dev.nextgpt.decoder.DecoderSettings;
import dev.nextgpt.decoder.DecoderStage;
import dev.nextgpt.decoder.DecoderTier;
import dev.nextgpt.decoder.ObjectStoreArtifacts;
import dev.nextgpt.decoder.SignalsIntake;
import dev.nextgpt.decoder.SignalsParser;
import dev.nextgpt.objectstore.ObjectStore;
import dev.nextgpt.objectstore.ObjectStoreConfig;
import dev.nextgpt.objectstore.S3ClaimCheck;
import dev.nextgpt.worker.CancellationView;
import dev.nextgpt.worker.MicrometerStageMetrics;
import dev.nextgpt.worker.StageWorker;
import dev.nextgpt.worker.StageWorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running decoder service of one modality, without the framework: loads and warms the decoding tier (a bad
 * bundle fails the start), then reads the control topic into a {@link CancellationView} and starts the
 * {@link StageWorker} on the modality's signal topic with {@link SignalsParser} and {@link DecoderHandler}.
 * The Quarkus apps create it at start-up, ask it for health, and {@link #close()} it at shutdown.
 */
public final class DecoderService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecoderService.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final Modality modality;
    private final DecoderSettings settings;
    private final Duration shutdownTimeout;
    private final DecoderTier tier;
    private final ObjectStore store;
    private final CancellationView cancellation;
    private final DecoderStage stage;
    private final StageWorker<SignalsReady> worker;
    private final Admin admin;

    private DecoderService(Modality modality, DecoderConfig config, MeterRegistry registry, Clock clock) {
        this.modality = modality;
        this.settings = new DecoderSettings(modality, BundleLocation.resolve(config.bundle()), config.maxBatch(),
                config.maxWait(), config.defaultSteps(), config.progressInterval(), config.padBatches());
        this.shutdownTimeout = config.shutdownTimeout();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            this.tier = DecoderTier.load(settings.bundle(), modality, clock);
            opened.add(tier);
            tier.warmUp();

            DecoderConfig.ObjectStoreSettings s3 = config.objectStore();
            this.store = new ObjectStore(new ObjectStoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket(),
                    s3.region()));
            opened.add(store);
            String bootstrap = config.kafka().bootstrapServers();
            this.cancellation = CancellationView.start(bootstrap, Map.of());
            opened.add(cancellation);
            this.stage = new DecoderStage(tier.decoder(), settings, cancellation::isCancelled, new ObjectStoreArtifacts(store),
                    new DecoderMetrics(registry, modality));
            SignalsIntake intake = new SignalsIntake(tier.manifest(), settings);
            StageWorkerConfig workerConfig = StageWorkerConfig.builder(bootstrap, ConsumerGroup.decoder(modality),
                            Stage.decode(modality))
                    .maxBatch(settings.maxBatch())
                    .maxWait(settings.maxWait())
                    .progressInterval(settings.progressInterval())
                    .maxPollInterval(config.kafka().maxPollInterval())
                    .clock(clock)
                    .build();
            ConsumerGroup group = ConsumerGroup.decoder(modality);
            this.worker = new StageWorker<>(workerConfig, new SignalsParser(intake),
                    new DecoderHandler(intake, stage, new S3ClaimCheck(store)), cancellation,
                    new MicrometerStageMetrics(registry, group.serviceName()));
            opened.add(worker);
            MicrometerStageMetrics.bindKafkaClients(registry, worker);
            Properties admin = new Properties();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            admin.put(AdminClientConfig.CLIENT_ID_CONFIG, group.serviceName() + "-health");
            admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CHECK_TIMEOUT.toMillis());
            admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CHECK_TIMEOUT.toMillis());
            this.admin = Admin.create(admin);
        } catch (RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                closeQuietly(opened.get(i));
            }
            throw e;
        }
    }

    /**
     * Loads and warms the bundle (throws when it is refused), then starts consuming: the worker waits for the
     * cancellation view to catch up before its first poll.
     */
    public static DecoderService start(Modality modality, DecoderConfig config, MeterRegistry registry) {
        DecoderService service = new DecoderService(modality, config, registry, Clock.systemUTC());
        service.worker.start();
        LOG.info("{} decoder started: bundle {}, batches of up to {}{} within {} ms, {}", modality.wireName(),
                service.settings.bundle(), service.settings.maxBatch(), service.settings.padBatches() ? " (padded)" : "",
                service.settings.maxWait().toMillis(), service.store.config());
        return service;
    }

    public Modality modality() {
        return modality;
    }

    public DecoderSettings settings() {
        return settings;
    }

    public DecoderStage stage() {
        return stage;
    }

    public StageWorker<SignalsReady> worker() {
        return worker;
    }

    public CancellationView cancellation() {
        return cancellation;
    }

    /** Live while the worker loop and the cancellation view run (a dead loop needs a restart). */
    public List<HealthCheckResult> liveness() {
        List<HealthCheckResult> checks = new ArrayList<>();
        checks.add(worker.isRunning() ? HealthCheckResult.up("stage-worker", "consuming " + worker.config().topic())
                : HealthCheckResult.down("stage-worker", "stopped: " + worker.failure()));
        checks.add(cancellation.isRunning() ? HealthCheckResult.up("cancellation-view", "reading the control topic")
                : HealthCheckResult.down("cancellation-view", "stopped"));
        return checks;
    }

    /** Ready when the bundle is warm, Kafka answers, the bucket is reachable and the cancellation view caught up. */
    public List<HealthCheckResult> readiness() {
        List<HealthCheckResult> checks = new ArrayList<>();
        checks.add(tier.warm() ? HealthCheckResult.up("bundle", tier.manifest().name() + " " + modality.wireName() + " tier warmed")
                : HealthCheckResult.down("bundle", "not warmed up"));
        checks.add(kafka());
        checks.add(objectStore());
        checks.add(cancellation.isReady() && cancellation.isRunning()
                ? HealthCheckResult.up("cancellation-view", cancellation.size() + " cancelled job(s) known")
                : HealthCheckResult.down("cancellation-view", "catching up with the control topic"));
        checks.add(worker.isRunning() ? HealthCheckResult.up("stage-worker", "partitions " + worker.assignment().size())
                : HealthCheckResult.down("stage-worker", "stopped: " + worker.failure()));
        return checks;
    }

    private HealthCheckResult kafka() {
        try {
            String cluster = admin.describeCluster().clusterId().get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return HealthCheckResult.up("kafka", "cluster " + cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckResult.down("kafka", "interrupted");
        } catch (Exception e) {
            return HealthCheckResult.down("kafka", "unreachable: " + e);
        }
    }

    private HealthCheckResult objectStore() {
        try {
            store.ping();
            return HealthCheckResult.up("object-store", "bucket " + store.bucket());
        } catch (RuntimeException e) {
            return HealthCheckResult.down("object-store", e.getMessage());
        }
    }

    /**
     * Graceful shutdown: the batch in progress finishes, is produced and committed, within
     * {@code nextgpt.decoder.shutdown-timeout}; past it the batch stops within a step and is handed back uncommitted
     * (another instance decodes it again: same keys, same bytes).
     */
    @Override
    public void close() {
        // at least 1 ms: a zero join would wait for ever
        if (!worker.stop(shutdownTimeout.isZero() ? Duration.ofMillis(1) : shutdownTimeout)) {
            LOG.warn("the batch in progress did not finish within {} ms: handing it back", shutdownTimeout.toMillis());
            stage.handBack();
            worker.abort();
            worker.stop(Duration.ofSeconds(10));
        }
        closeQuietly(admin);
        closeQuietly(cancellation);
        closeQuietly(store);
        closeQuietly(tier);
        LOG.info("{} decoder stopped", modality.wireName());
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
