package dev.nextgpt.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.llm.config.BundleConfig;
import dev.nextgpt.llm.config.LlmConfig;
import dev.nextgpt.runtime.bundle.BundleLoader;
import dev.nextgpt.runtime.bundle.ComponentNames;
import dev.nextgpt.runtime.bundle.ModelBundle;
import dev.nextgpt.runtime.llm.Conversation;
import dev.nextgpt.runtime.llm.LlmTier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The reasoning tier of the bundle: only {@link ComponentNames#llmTier()} is loaded (and verified). Also holds the
 * signal tokens' input embeddings ({@code llm.embed} rows, [N, H] per modality), computed once, which every
 * {@code SignalsReady} carries next to the hidden states.
 */
@ApplicationScoped
public class LanguageModel {
    private static final Logger LOG = Logger.getLogger(LanguageModel.class);

    private final ModelBundle bundle;
    private final LlmTier tier;
    private final Map<Modality, float[]> signalEmbeddings = new EnumMap<>(Modality.class);
    private volatile boolean warm;

    public LanguageModel(BundleConfig bundleConfig, LlmConfig config) {
        Path dir = Path.of(bundleConfig.path()).toAbsolutePath().normalize();
        long start = System.nanoTime();
        this.bundle = BundleLoader.load(dir, ComponentNames.llmTier());
        this.tier = new LlmTier(bundle);
        for (Modality m : Modality.values()) {
            signalEmbeddings.put(m, embed(tier.signalTokens().group(m)));
        }
        LOG.infof("LLM tier of %s loaded in %d ms (hidden %d, context %d)", dir, (System.nanoTime() - start) / 1_000_000,
                tier.hiddenSize(), tier.maxPositions());
        if (config.warmUp()) {
            long w = System.nanoTime();
            tier.generate(Conversation.of("hello"), tier.defaultParams().withMaxNewTokens(4).withTemperature(0)
                    .withForcedModalities(Set.of(Modality.IMAGE)));
            LOG.infof("LLM tier warmed up in %d ms", (System.nanoTime() - w) / 1_000_000);
        }
        warm = true;
    }

    private float[] embed(int[] ids) {
        long[] longIds = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longIds[i] = ids[i];
        }
        try (NDManager scope = bundle.newScope()) {
            NDArray rows = bundle.component(ComponentNames.LLM_EMBED).forward(scope.create(longIds, new Shape(1, ids.length)));
            Shape expected = new Shape(1, ids.length, tier.hiddenSize());
            if (!rows.getShape().equals(expected)) {
                throw new IllegalStateException("llm.embed gave " + rows.getShape() + " for signal tokens, expected " + expected);
            }
            return rows.toFloatArray();
        }
    }

    public LlmTier tier() {
        return tier;
    }

    /** The input embeddings of a modality's signal tokens, [N, H] row-major. */
    public float[] signalEmbeddings(Modality modality) {
        return signalEmbeddings.get(modality).clone();
    }

    public boolean isReady() {
        return warm;
    }

    public Path dir() {
        return bundle.dir();
    }

    @PreDestroy
    void close() {
        bundle.close();
    }
}
