package dev.nextgpt.llm.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the LLM service ({@code nextgpt.llm.*}); every key has a default. */
@ConfigMapping(prefix = "nextgpt.llm")
public interface LlmConfig {
    /** Most jobs generated together in one batch (one prefill, one forward per step for all). */
    @WithDefault("4")
    int maxBatch();

    /** How long a batch stays open for more jobs after its first one. */
    @WithDefault("20ms")
    Duration maxWait();

    /** Text deltas of a job are coalesced: one {@code TextDelta} at most this often… */
    @WithDefault("50ms")
    Duration deltaInterval();

    /** …or when this many tokens have accumulated, whichever comes first. */
    @WithDefault("16")
    int deltaMaxTokens();

    /** Float type of the signal tensors on the wire: {@code f16} (the contract's) or {@code f32}. */
    @WithDefault("f16")
    WireDtype signalDtype();

    /** Signal blobs larger than this (bytes) go by claim check to the object store. */
    @WithDefault("262144")
    int claimCheckThresholdBytes();

    /** Run a short generation with a forced group at start (first calls are slow). */
    @WithDefault("true")
    boolean warmUp();

    /** How long shutdown waits for the current batch to finish and commit. */
    @WithDefault("60s")
    Duration shutdownTimeout();

    /** Float types the signal tensors can travel as. */
    enum WireDtype {
        F16, F32
    }
}
