package dev.nextgpt.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The object store, under {@code nextgpt.s3} (shared by every service; {@code scripts/infra.sh env} prints it). */
@ConfigMapping(prefix = "nextgpt.s3")
public interface S3Config {
    /** S3 endpoint, e.g. {@code http://127.0.0.1:9000} ({@code NEXTGPT_S3_ENDPOINT}). */
    String endpoint();

    /** Region ({@code NEXTGPT_S3_REGION}). */
    @WithDefault("us-east-1")
    String region();

    /** The platform's bucket ({@code NEXTGPT_S3_BUCKET}). */
    @WithDefault("nextgpt")
    String bucket();

    /** Access key ({@code NEXTGPT_S3_ACCESS_KEY}). */
    String accessKey();

    /** Secret key ({@code NEXTGPT_S3_SECRET_KEY}). */
    String secretKey();
}
