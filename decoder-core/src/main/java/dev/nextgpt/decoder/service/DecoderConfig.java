package dev.nextgpt.decoder.service;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The configuration of a decoder service, {@code nextgpt.decoder.*}. Each app maps it with
 * {@code @ConfigMapping(prefix = "nextgpt.decoder") interface …Config extends DecoderConfig {}}; the modality is not
 * configurable: it is fixed by the app. Object store and Kafka default to the platform-wide settings
 * ({@code nextgpt.s3.*}, {@code kafka.bootstrap.servers}; environment {@code NEXTGPT_S3_*}, {@code KAFKA_BOOTSTRAP_SERVERS}).
 */
public interface DecoderConfig {
    /** Most requests in one denoiser batch (also the most records the worker takes per poll). */
    @WithName("max-batch")
    @WithDefault("4")
    int maxBatch();

    /** How long a batch stays open after its first request, waiting for compatible ones. */
    @WithName("max-wait")
    @WithDefault("50ms")
    Duration maxWait();

    /** Steps for requests that name none, instead of the bundle's default (still within the bundle's limit). */
    @WithName("default-steps")
    OptionalInt defaultSteps();

    /**
     * Fill every denoiser batch up to {@code max-batch} with filler requests, so that an output's bytes never depend on
     * which requests shared its batch (libtorch rounds differently per batch size, enough to flip a pixel or a PCM16
     * sample). Costs compute when batches are small; {@code false} decodes lone requests alone.
     */
    @WithName("pad-batches")
    @WithDefault("true")
    boolean padBatches();

    /** Least time between two progress events of one output (the first step and 1.0 always go out). */
    @WithName("progress-interval")
    @WithDefault("250ms")
    Duration progressInterval();

    /**
     * The model bundle folder; default: the platform's {@code nextgpt.bundle.path} (environment
     * {@code NEXTGPT_BUNDLE_PATH}), else environment {@code NEXTGPT_BUNDLE}, else {@code models/nano} of the checkout.
     */
    @WithDefault("${nextgpt.bundle.path:}")
    Optional<String> bundle();

    /** How long shutdown waits for the batch in progress before handing it back (uncommitted) to the group. */
    @WithName("shutdown-timeout")
    @WithDefault("30s")
    Duration shutdownTimeout();

    /** The object store artifacts go to. */
    @WithName("object-store")
    ObjectStoreSettings objectStore();

    /** The Kafka cluster. */
    KafkaSettings kafka();

    /** S3-compatible object store (MinIO SDK). */
    interface ObjectStoreSettings {
        @WithDefault("${nextgpt.s3.endpoint:http://127.0.0.1:9000}")
        String endpoint();

        @WithDefault("${nextgpt.s3.region:us-east-1}")
        String region();

        @WithDefault("${nextgpt.s3.bucket:nextgpt}")
        String bucket();

        @WithName("access-key")
        @WithDefault("${nextgpt.s3.access-key:nextgpt}")
        String accessKey();

        @WithName("secret-key")
        @WithDefault("${nextgpt.s3.secret-key:nextgpt-local-secret}")
        String secretKey();
    }

    /** Kafka client settings. */
    interface KafkaSettings {
        @WithName("bootstrap-servers")
        @WithDefault("${kafka.bootstrap.servers:127.0.0.1:9092}")
        String bootstrapServers();

        /** Kafka {@code max.poll.interval.ms}: the longest one batch may take before the group evicts this instance. */
        @WithName("max-poll-interval")
        @WithDefault("5m")
        Duration maxPollInterval();
    }
}
