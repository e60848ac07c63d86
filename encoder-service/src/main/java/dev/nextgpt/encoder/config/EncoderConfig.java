package dev.nextgpt.encoder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the encoder service ({@code nextgpt.encoder.*}); every key has a default. */
@ConfigMapping(prefix = "nextgpt.encoder")
public interface EncoderConfig {
    /** Most jobs encoded together (their media run as one batch per modality). */
    @WithDefault("8")
    int maxBatch();

    /** How long a batch stays open for more jobs after its first one. */
    @WithDefault("20ms")
    Duration maxWait();

    /** Embeddings kept in the cache by (modality, content SHA-256), least recently used first out; 0 disables it. */
    @WithDefault("1024")
    int cacheSize();

    /** Float type of the embeddings on the wire: {@code f16} (the contract's) or {@code f32} (exact). */
    @WithDefault("f16")
    WireDtype embeddingDtype();

    /** Embedding blobs larger than this (bytes) go by claim check to the object store. */
    @WithDefault("262144")
    int claimCheckThresholdBytes();

    /** Most inline tensor bytes in one JobEncoded record; the media beyond go by claim check. */
    @WithDefault("524288")
    int recordInlineBudgetBytes();

    /** Run one image and one audio item through the whole tier at start (first calls are slow). */
    @WithDefault("true")
    boolean warmUp();

    /** How long shutdown waits for the current batch to finish and commit. */
    @WithDefault("30s")
    Duration shutdownTimeout();

    /** Float types the embeddings can travel as. */
    enum WireDtype {
        F16, F32
    }
}
