package dev.nextgpt.encoder.listener;

import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.encoder.config.EncoderConfig;
import dev.nextgpt.encoder.config.StorageConfig;
import dev.nextgpt.encoder.model.EncodingModel;
import dev.nextgpt.encoder.service.EmbeddingCache;
import dev.nextgpt.encoder.service.JobEncoder;
import dev.nextgpt.objectstore.ObjectStore;
import dev.nextgpt.objectstore.S3ClaimCheck;
import dev.nextgpt.worker.CancellationView;
import dev.nextgpt.worker.MicrometerStageMetrics;
import dev.nextgpt.worker.RecordParser;
import dev.nextgpt.worker.StageWorker;
import dev.nextgpt.worker.StageWorkerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the encode stage: at start-up (after the bundle is loaded and warmed) it opens this instance's cancellation
 * view and the stage worker on {@code nextgpt.jobs.requested}; at shutdown it lets the current batch finish and
 * commit.
 */
@ApplicationScoped
public class EncoderWorker {
    private static final Logger LOG = Logger.getLogger(EncoderWorker.class);

    private final EncodingModel model;
    private final EncoderConfig config;
    private final StorageConfig storage;
    private final MeterRegistry registry;
    private final String bootstrapServers;
    private ObjectStore store;
    private EmbeddingCache cache;
    private CancellationView cancellation;
    private StageWorker<JobRequested> worker;

    public EncoderWorker(EncodingModel model, EncoderConfig config, StorageConfig storage, MeterRegistry registry,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.model = model;
        this.config = config;
        this.storage = storage;
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
    }

    void onStart(@Observes StartupEvent event) {
        store = new ObjectStore(storage.toObjectStoreConfig());
        cache = new EmbeddingCache(config.cacheSize());
        Gauge.builder("nextgpt.encoder.cache.size", cache, EmbeddingCache::size).register(registry);
        cancellation = CancellationView.start(bootstrapServers, Map.of());
        StageWorkerConfig workerConfig = StageWorkerConfig.builder(bootstrapServers, ConsumerGroup.ENCODER, Stage.ENCODE)
                .maxBatch(config.maxBatch()).maxWait(config.maxWait()).build();
        JobEncoder handler = new JobEncoder(model, store, new S3ClaimCheck(store), cache, config, registry);
        worker = new StageWorker<>(workerConfig, RecordParser.jobRequested(), handler, cancellation,
                new MicrometerStageMetrics(registry, ConsumerGroup.ENCODER.serviceName()));
        MicrometerStageMetrics.bindKafkaClients(registry, worker);
        worker.start();
        LOG.infof("encoder-service started: bundle %s, batches of %d within %s, cache %d, embeddings %s",
                model.dir(), config.maxBatch(), config.maxWait(), config.cacheSize(), config.embeddingDtype());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (worker != null && !worker.stop(config.shutdownTimeout())) {
            LOG.warnf("the current batch did not finish within %s; its records will be delivered again",
                    config.shutdownTimeout());
        }
        if (cancellation != null) {
            cancellation.close();
        }
        if (store != null) {
            store.close();
        }
    }

    public StageWorker<JobRequested> worker() {
        return worker;
    }

    public CancellationView cancellation() {
        return cancellation;
    }

    public ObjectStore store() {
        return store;
    }

    public EmbeddingCache cache() {
        return cache;
    }
}
