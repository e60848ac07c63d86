package dev.nextgpt.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the gateway can be told, under {@code nextgpt.gateway}. Defaults match what the nano bundle
 * ({@code models/nano/bundle.json}) can produce; a deployment on the real bundle widens the output bounds.
 */
@ConfigMapping(prefix = "nextgpt.gateway")
public interface GatewayConfig {

    /** API keys and the tenant each one acts for: {@code nextgpt.gateway.api-keys."<key>"=<tenant>}. */
    Map<String, String> apiKeys();

    /**
     * The key of the local tenant ({@link #localTenant()}), from {@code NEXTGPT_API_KEY}; the dev and test profiles
     * have a fixed default, production none.
     */
    Optional<String> localApiKey();

    /** The tenant {@link #localApiKey()} acts for. */
    @WithDefault("local")
    String localTenant();

    /** Limits of a job request. */
    Limits limits();

    /** Size limits of media inputs (uploads and inline base64), per modality. */
    Uploads uploads();

    /** Bounds of the generation and diffusion parameters a request may set. */
    Params params();

    /** Artifacts in job answers. */
    Artifacts artifacts();

    /** Webhook targets, delivery and retries. */
    Webhooks webhooks();

    /** Listing jobs. */
    Listing listing();

    /** Server-sent events. */
    Events events();

    interface Limits {
        /** Turns of a conversation (the contracts allow 64). */
        @WithDefault("64")
        int maxTurns();

        /** Content parts of one turn (the contracts allow 32). */
        @WithDefault("32")
        int maxPartsPerTurn();

        /** Characters of one text part (the contracts allow 32768). */
        @WithDefault("32768")
        int maxTextChars();

        /** Media parts in the whole conversation. */
        @WithDefault("8")
        int maxMediaParts();

        /** Longest {@code deadline_seconds}. */
        @WithDefault("86400")
        int maxDeadlineSeconds();

        /** Longest {@code Idempotency-Key}. */
        @WithDefault("255")
        int maxIdempotencyKeyLength();
    }

    interface Uploads {
        /** Largest image input in bytes. */
        @WithDefault("10485760")
        long maxImageBytes();

        /** Largest audio input in bytes. */
        @WithDefault("26214400")
        long maxAudioBytes();

        /** Largest video input in bytes. */
        @WithDefault("52428800")
        long maxVideoBytes();
    }

    interface Params {
        /** Largest {@code max_tokens} (the nano LLM has 512 positions). */
        @WithDefault("512")
        int maxNewTokens();

        /** Largest {@code temperature}. */
        @WithDefault("2.0")
        double maxTemperature();

        /** Largest {@code top_k} (0 = off). */
        @WithDefault("1000")
        int maxTopK();

        /** Largest diffusion {@code steps} (the bundle's {@code limits.max_steps}). */
        @WithDefault("100")
        int maxSteps();

        /** Largest classifier-free {@code guidance}. */
        @WithDefault("20.0")
        double maxGuidance();

        /** Schedulers the decoders have ({@code ddim}, {@code dpmpp_2m}). */
        @WithDefault("ddim,dpmpp_2m")
        List<String> schedulers();

        /** Image sizes ({@code WIDTHxHEIGHT}) the image decoder produces (nano: 32x32). */
        @WithDefault("32x32")
        List<String> imageSizes();

        /** Video frame sizes the video decoder produces (nano: 32x32). */
        @WithDefault("32x32")
        List<String> videoSizes();

        /** Fewest video frames (nano: 8). */
        @WithDefault("8")
        int minVideoFrames();

        /** Most video frames (nano: 8). */
        @WithDefault("8")
        int maxVideoFrames();

        /** Shortest audio in seconds (nano: 1.0). */
        @WithDefault("1.0")
        double minAudioSeconds();

        /** Longest audio in seconds (nano: 1.0). */
        @WithDefault("1.0")
        double maxAudioSeconds();
    }

    interface Artifacts {
        /** How long a presigned artifact URL works (1 s .. 7 days). */
        @WithDefault("PT1H")
        Duration urlExpiry();
    }

    interface Webhooks {
        /** Whether webhook URLs may resolve to loopback addresses (true in dev/test, false in prod). */
        @WithDefault("false")
        boolean allowLoopback();

        /** Whether webhook URLs may resolve to private (RFC 1918, fc00::/7) addresses. */
        @WithDefault("false")
        boolean allowPrivate();

        /** Attempts per terminal state, the first included. */
        @WithDefault("8")
        int maxAttempts();

        /** Backoff cap before attempt 2; doubled for each later attempt, with full jitter. */
        @WithDefault("PT2S")
        Duration initialBackoff();

        /** Largest backoff cap. */
        @WithDefault("PT10M")
        Duration maxBackoff();

        /** Time limit of one attempt (connect + answer). */
        @WithDefault("PT10S")
        Duration timeout();

        /**
         * Base64 of the 32-byte AES key that seals webhook secrets in {@code nextgpt.jobs.requested} (every replica needs
         * the same). When absent it is derived from the configured API keys, and a warning says so.
         */
        Optional<String> sealingKey();
    }

    interface Listing {
        /** Jobs per page when {@code limit} is not given. */
        @WithDefault("20")
        int defaultLimit();

        /** Largest {@code limit}. */
        @WithDefault("100")
        int maxLimit();
    }

    interface Events {
        /** Interval of SSE keep-alive comments. */
        @WithDefault("PT15S")
        Duration keepAlive();
    }
}
