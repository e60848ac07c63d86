package dev.nextgpt.encoder.config;

import dev.nextgpt.objectstore.ObjectStoreConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The object store ({@code nextgpt.s3.*}, environment {@code NEXTGPT_S3_ENDPOINT} … as {@code scripts/infra.sh env}
 * prints them); the defaults are the local infrastructure's.
 */
@ConfigMapping(prefix = "nextgpt.s3")
public interface StorageConfig {
    @WithDefault("http://127.0.0.1:9000")
    String endpoint();

    @WithDefault("nextgpt")
    String accessKey();

    @WithDefault("nextgpt-local-secret")
    String secretKey();

    @WithDefault("nextgpt")
    String bucket();

    @WithDefault("us-east-1")
    String region();

    default ObjectStoreConfig toObjectStoreConfig() {
        return new ObjectStoreConfig(endpoint(), accessKey(), secretKey(), bucket(), region());
    }
}
