package dev.nextgpt.objectstore;

import java.net.URI;

/**
 * Where the object store is and how to sign requests to it.
 *
 * @param endpoint the S3 endpoint, e.g. {@code http://127.0.0.1:9000} (path-style requests)
 * @param accessKey the access key id
 * @param secretKey the secret key
 * @param bucket the one bucket of the platform ({@code nextgpt} by default)
 * @param region the region requests are signed for ({@code us-east-1} for MinIO and s3proxy)
 */
public record ObjectStoreConfig(String endpoint, String accessKey, String secretKey, String bucket, String region) {
    public static final String DEFAULT_BUCKET = "nextgpt";
    public static final String DEFAULT_REGION = "us-east-1";

    public ObjectStoreConfig {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("object store endpoint is required");
        }
        URI uri = URI.create(endpoint);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("object store endpoint must be an http(s) URL with a host, was '"
                    + endpoint + "'");
        }
        if (accessKey == null || accessKey.isEmpty() || secretKey == null || secretKey.isEmpty()) {
            throw new IllegalArgumentException("object store access key and secret key are required");
        }
        bucket = bucket == null || bucket.isBlank() ? DEFAULT_BUCKET : bucket;
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("'" + bucket + "' is not an S3 bucket name (3-63 of [a-z0-9.-])");
        }
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "ObjectStoreConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", bucket=" + bucket
                + ", region=" + region + "]";
    }
}
