package dev.nextgpt.objectstore;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.Identifiers;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The platform's bucket in an S3-compatible store (MinIO in production, s3proxy locally), through the MinIO Java
 * SDK. Every write records the object's SHA-256 as user metadata ({@value #SHA256_METADATA}), so readers can check
 * what they read. Thread-safe; one instance per process.
 *
 * <p>Failures are precise: {@link ObjectNotFoundException} (no such key), {@link ObjectIntegrityException} (size or
 * checksum mismatch), {@link ObjectStoreUnavailableException} (unreachable, server error: retry later), and
 * {@link ObjectStoreException} for the rest (refused credentials, missing bucket), each naming the key.
 */
public final class ObjectStore implements AutoCloseable {
    /** User-metadata name of the SHA-256 (sent as {@code x-amz-meta-sha256}). */
    public static final String SHA256_METADATA = "sha256";
    /** Longest presigned URL lifetime S3 signature V4 allows. */
    public static final Duration MAX_PRESIGN = Duration.ofDays(7);
    /** Part size of streamed uploads (multipart above it). */
    public static final long PART_SIZE = 16L << 20;

    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NotFound", "NoSuchObject");

    private final ObjectStoreConfig config;
    private final MinioClient client;

    public ObjectStore(ObjectStoreConfig config) {
        this.config = config;
        this.client = MinioClient.builder().endpoint(config.endpoint()).region(config.region())
                .credentials(config.accessKey(), config.secretKey()).build();
    }

    public ObjectStoreConfig config() {
        return config;
    }

    public String bucket() {
        return config.bucket();
    }

    /** Creates the bucket unless it exists. */
    public void ensureBucket() {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket()).region(config.region()).build());
            }
        } catch (MinioException | RuntimeException e) {
            if (e instanceof ErrorResponseException r && "BucketAlreadyOwnedByYou".equals(r.errorResponse().code())) {
                return;
            }
            throw translate("create bucket", null, e);
        }
    }

    /**
     * Checks that the store answers and the bucket exists (readiness): throws {@link ObjectStoreUnavailableException}
     * when it cannot be reached, {@link ObjectStoreException} when it answers but the bucket is missing or the
     * credentials are refused.
     */
    public void ping() {
        boolean exists;
        try {
            exists = client.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build());
        } catch (MinioException | RuntimeException e) {
            throw translate("ping", null, e);
        }
        if (!exists) {
            throw new ObjectStoreException(null, "bucket '" + bucket() + "' does not exist at " + config.endpoint());
        }
    }

    /** Stores {@code bytes} under {@code key} with their SHA-256 as metadata; replaces an existing object. */
    public ObjectInfo put(String key, byte[] bytes, String contentType) {
        requireKey(key);
        String sha256 = ClaimCheck.sha256Hex(bytes);
        try {
            var response = client.putObject(PutObjectArgs.builder().bucket(bucket()).object(key)
                    .data(bytes, bytes.length).contentType(contentType)
                    .userMetadata(Map.of(SHA256_METADATA, sha256)).build());
            return new ObjectInfo(key, bytes.length, contentType, sha256, stripQuotes(response.etag()));
        } catch (MinioException | RuntimeException e) {
            throw translate("put", key, e);
        }
    }

    /**
     * Streams {@code size} bytes to {@code key} (multipart above {@value #PART_SIZE} bytes). {@code sha256} is the
     * checksum the caller computed (recorded as metadata), or null when unknown.
     */
    public ObjectInfo put(String key, InputStream in, long size, String contentType, String sha256) {
        requireKey(key);
        if (sha256 != null) {
            Identifiers.requireSha256(sha256, "sha256 of " + key);
        }
        try {
            var args = PutObjectArgs.builder().bucket(bucket()).object(key).stream(in, size, PART_SIZE)
                    .contentType(contentType);
            if (sha256 != null) {
                args.userMetadata(Map.of(SHA256_METADATA, sha256));
            }
            var response = client.putObject(args.build());
            return new ObjectInfo(key, size, contentType, sha256, stripQuotes(response.etag()));
        } catch (MinioException | RuntimeException e) {
            throw translate("put", key, e);
        }
    }

    /** Reads a whole object. */
    public byte[] get(String key) {
        try (InputStream in = open(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ObjectStoreUnavailableException(key, "get '" + key + "': reading the body failed: " + e, e);
        }
    }

    /**
     * Reads a whole object and checks it against the size and SHA-256 the caller expects (a media reference, a claim
     * check); refuses with {@link ObjectIntegrityException} before reading more than {@code size} bytes.
     */
    public byte[] getVerified(String key, long size, String sha256) {
        Identifiers.requireSha256(sha256, "expected sha256 of " + key);
        byte[] bytes;
        try (InputStream in = open(key)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, size + 1));
        } catch (IOException e) {
            throw new ObjectStoreUnavailableException(key, "get '" + key + "': reading the body failed: " + e, e);
        }
        if (bytes.length != size) {
            throw new ObjectIntegrityException(key, "object '" + key + "' has " + (bytes.length > size ? "more than " + size
                    : Integer.toString(bytes.length)) + " bytes, expected " + size);
        }
        String actual = ClaimCheck.sha256Hex(bytes);
        if (!MessageDigest.isEqual(actual.getBytes(), sha256.getBytes())) {
            throw new ObjectIntegrityException(key, "object '" + key + "' has SHA-256 " + actual + ", expected " + sha256);
        }
        return bytes;
    }

    /** Opens an object for streaming; the caller closes the stream. */
    public InputStream open(String key) {
        requireKey(key);
        try {
            return client.getObject(GetObjectArgs.builder().bucket(bucket()).object(key).build());
        } catch (MinioException | RuntimeException e) {
            throw translate("get", key, e);
        }
    }

    /** Reads {@code length} bytes from {@code offset} (fewer at the end of the object). */
    public byte[] getRange(String key, long offset, long length) {
        requireKey(key);
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException("range of '" + key + "': offset must be >= 0 and length >= 1, was "
                    + offset + "+" + length);
        }
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket()).object(key)
                .offset(offset).length(length).build())) {
            return in.readAllBytes();
        } catch (MinioException | RuntimeException e) {
            throw translate("get range", key, e);
        } catch (IOException e) {
            throw new ObjectStoreUnavailableException(key, "get range '" + key + "': reading the body failed: " + e, e);
        }
    }

    /** What the store knows about an object, or empty when there is none. */
    public Optional<ObjectInfo> stat(String key) {
        requireKey(key);
        try {
            StatObjectResponse s = client.statObject(StatObjectArgs.builder().bucket(bucket()).object(key).build());
            String sha256 = s.userMetadata() == null ? null : s.userMetadata().getFirst(SHA256_METADATA);
            return Optional.of(new ObjectInfo(key, s.size(), s.contentType(), sha256, stripQuotes(s.etag())));
        } catch (MinioException | RuntimeException e) {
            ObjectStoreException t = translate("stat", key, e);
            if (t instanceof ObjectNotFoundException) {
                return Optional.empty();
            }
            throw t;
        }
    }

    /** A URL that lets anyone GET the object until {@code expiry} passes (1 s .. 7 days). */
    public String presignGet(String key, Duration expiry) {
        requireKey(key);
        if (expiry.isNegative() || expiry.getSeconds() < 1 || expiry.compareTo(MAX_PRESIGN) > 0) {
            throw new IllegalArgumentException("presigned URL expiry must be 1 s .. 7 days, was " + expiry);
        }
        try {
            return client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Http.Method.GET)
                    .bucket(bucket()).object(key).expiry((int) expiry.getSeconds(), TimeUnit.SECONDS).build());
        } catch (MinioException | RuntimeException e) {
            throw translate("presign", key, e);
        }
    }

    /** Every object whose key starts with {@code prefix}, in key order. */
    public List<ObjectSummary> list(String prefix) {
        List<ObjectSummary> out = new ArrayList<>();
        try {
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(bucket()).prefix(prefix)
                    .recursive(true).build())) {
                Item item = r.get();
                if (!item.isDir()) {
                    out.add(new ObjectSummary(item.objectName(), item.size(), stripQuotes(item.etag())));
                }
            }
        } catch (MinioException | RuntimeException e) {
            throw translate("list", prefix, e);
        }
        return out;
    }

    /** Deletes an object; deleting a missing object is not an error (S3 semantics). */
    public void delete(String key) {
        requireKey(key);
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket()).object(key).build());
        } catch (MinioException | RuntimeException e) {
            ObjectStoreException t = translate("delete", key, e);
            if (!(t instanceof ObjectNotFoundException)) {
                throw t;
            }
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // nothing to do: the HTTP client's pools are released either way
        }
    }

    private static void requireKey(String key) {
        Identifiers.requireObjectKey(key, "object key");
    }

    private static String stripQuotes(String etag) {
        return etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
    }

    private ObjectStoreException translate(String operation, String key, Exception e) {
        if (e instanceof ObjectStoreException o) {
            return o;
        }
        if (e instanceof IllegalArgumentException a && !(e.getCause() instanceof IOException)) {
            return new ObjectStoreException(key, operation + (key == null ? "" : " '" + key + "'") + ": " + a.getMessage(), a);
        }
        String what = operation + (key == null ? "" : " '" + key + "'") + " at " + config.endpoint() + "/" + bucket();
        if (e instanceof ErrorResponseException r) {
            String code = r.errorResponse() == null ? null : r.errorResponse().code();
            int status = r.response() == null ? 0 : r.response().code();
            if (code != null && NOT_FOUND.contains(code) || (code == null && status == 404 && key != null)) {
                return new ObjectNotFoundException(key, bucket());
            }
            if ("NoSuchBucket".equals(code)) {
                return new ObjectStoreException(key, what + ": bucket '" + bucket() + "' does not exist", e);
            }
            String message = r.errorResponse() == null ? null : r.errorResponse().message();
            String detail = what + ": " + code + (message == null ? "" : " (" + message + ")") + ", HTTP " + status;
            return status >= 500 ? new ObjectStoreUnavailableException(key, detail, e)
                    : new ObjectStoreException(key, detail, e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return new ObjectStoreUnavailableException(key, what + ": store unreachable: " + t, e);
            }
        }
        return new ObjectStoreException(key, what + ": " + e, e);
    }
}
