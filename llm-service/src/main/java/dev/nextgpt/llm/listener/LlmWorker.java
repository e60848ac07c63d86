package dev.nextgpt.llm.listener;

import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.messages.JobEncoded;
import dev.nextgpt.llm.config.LlmConfig;
import dev.nextgpt.llm.config.StorageConfig;
import dev.nextgpt.llm.model.LanguageModel;
import dev.nextgpt.llm.service.JobGenerator;
import dev.nextgpt.objectstore.ObjectStore;
import dev.nextgpt.objectstore.S3ClaimCheck;
import dev.nextgpt.worker.CancellationView;
import dev.nextgpt.worker.MicrometerStageMetrics;
import dev.nextgpt.worker.RecordParser;
import dev.nextgpt.worker.StageWorker;
import dev.nextgpt.worker.StageWorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the generate stage: at start-up (after the bundle is loaded and warmed) it opens this instance's
 * cancellation view and the stage worker on {@code nextgpt.jobs.encoded}; at shutdown it lets the current batch
 * finish and commit.
 */
@ApplicationScoped
public class LlmWorker {
    private static final Logger LOG = Logger.getLogger(LlmWorker.class);

    private final LanguageModel model;
    private final LlmConfig config;
    private final StorageConfig storage;
    private final MeterRegistry registry;
    private final String bootstrapServers;
    private ObjectStore store;
    private CancellationView cancellation;
    private StageWorker<JobEncoded> worker;

    public LlmWorker(LanguageModel model, LlmConfig config, StorageConfig storage, MeterRegistry registry,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.model = model;
        this.config = config;
        this.storage = storage;
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
    }

    void onStart(@Observes StartupEvent event) {
        store = new ObjectStore(storage.toObjectStoreConfig());
        cancellation = CancellationView.start(bootstrapServers, Map.of());
        StageWorkerConfig workerConfig = StageWorkerConfig.builder(bootstrapServers, ConsumerGroup.LLM, Stage.GENERATE)
                .maxBatch(config.maxBatch()).maxWait(config.maxWait()).build();
        worker = new StageWorker<>(workerConfig, RecordParser.jobEncoded(),
                new JobGenerator(model, new S3ClaimCheck(store), config), cancellation,
                new MicrometerStageMetrics(registry, ConsumerGroup.LLM.serviceName()));
        MicrometerStageMetrics.bindKafkaClients(registry, worker);
        worker.start();
        LOG.infof("llm-service started: bundle %s, batches of %d within %s, deltas every %s or %d tokens, signals %s",
                model.dir(), config.maxBatch(), config.maxWait(), config.deltaInterval(), config.deltaMaxTokens(),
                config.signalDtype());
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

    public StageWorker<JobEncoded> worker() {
        return worker;
    }

    public CancellationView cancellation() {
        return cancellation;
    }

    public ObjectStore store() {
        return store;
    }
}
