package dev.nextgpt.gateway.service;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.messages.MediaRef;
import dev.nextgpt.gateway.ApiException;
import dev.nextgpt.gateway.MediaFormat;
import dev.nextgpt.gateway.config.GatewayConfig;
import dev.nextgpt.objectstore.ObjectInfo;
import dev.nextgpt.objectstore.ObjectKeys;
import dev.nextgpt.objectstore.ObjectStore;
import dev.nextgpt.objectstore.ObjectStoreException;
import dev.nextgpt.objectstore.ObjectStoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Media inputs in the object store: checks the bytes (format from the magic numbers, structure, size limit of the
 * modality) and stores them content-addressed under {@code tenants/{tenant}/files/{sha256}}, so the same bytes are
 * one file and a tenant can only reference its own.
 */
@ApplicationScoped
public class MediaUploads {
    private static final int HEAD_BYTES = 64;

    private final ObjectStore store;
    private final GatewayConfig.Uploads limits;

    @Inject
    public MediaUploads(ObjectStore store, GatewayConfig config) {
        this.store = store;
        this.limits = config.uploads();
    }

    /** Checks and stores bytes; {@code expected} (nullable) is the modality the request declared for them. */
    public MediaRef store(String tenant, byte[] bytes, Modality expected, String field) {
        MediaFormat format = sniff(bytes, field);
        checkModality(format, expected, field);
        checkSize(format, bytes.length, field);
        return put(tenant, bytes, format);
    }

    /** A file of a multipart request: its size, and its bytes on demand (from disk or memory). */
    public interface Upload {
        long size() throws IOException;

        InputStream open() throws IOException;
    }

    /** Checks and stores an uploaded file, refusing one over its modality's limit before reading it whole. */
    public MediaRef store(String tenant, Upload upload, Modality expected, String field) {
        try {
            long size = upload.size();
            if (size == 0) {
                throw new ApiException(400, "invalid_media", field + ": is empty");
            }
            byte[] head;
            try (InputStream in = upload.open()) {
                head = in.readNBytes(HEAD_BYTES);
            }
            MediaFormat format;
            try {
                format = MediaSniffer.identify(head);
            } catch (MediaSniffer.Rejected e) {
                throw rejected(e, field);
            }
            checkModality(format, expected, field);
            checkSize(format, size, field);
            byte[] bytes;
            try (InputStream in = upload.open()) {
                bytes = in.readAllBytes();
            }
            return store(tenant, bytes, expected, field);
        } catch (IOException e) {
            throw new ApiException(400, "invalid_media", field + ": the upload could not be read: " + e.getMessage());
        }
    }

    /** The stored file {@code fileId} of {@code tenant}: 404 when the tenant has no such file. */
    public MediaRef resolve(String tenant, String fileId, Modality expected, String field) {
        String key = ObjectKeys.uploadOfFileId(tenant, fileId);
        ObjectInfo info = stat(key).orElseThrow(() -> ApiException.notFound("file_not_found",
                field + ": file '" + fileId + "' not found"));
        MediaFormat format = MediaFormat.ofContentType(info.contentType()).orElseThrow(() -> new ApiException(400,
                "invalid_media", field + ": file '" + fileId + "' has content type '" + info.contentType()
                        + "', not a media input"));
        checkModality(format, expected, field);
        String sha256 = ObjectKeys.sha256OfFileId(fileId);
        return new MediaRef(format.modality(), key, format.contentType(), info.size(), sha256);
    }

    /** What the store knows about a tenant's file, if it exists. */
    public Optional<ObjectInfo> stat(String key) {
        try {
            return store.stat(key);
        } catch (ObjectStoreUnavailableException e) {
            throw ApiException.unavailable("the object store is unavailable: " + e.getMessage());
        }
    }

    private MediaRef put(String tenant, byte[] bytes, MediaFormat format) {
        String sha256 = ClaimCheck.sha256Hex(bytes);
        String key = ObjectKeys.upload(tenant, sha256);
        try {
            Optional<ObjectInfo> existing = store.stat(key);
            if (existing.isEmpty() || existing.get().size() != bytes.length) {
                store.put(key, bytes, format.contentType());
            }
        } catch (ObjectStoreUnavailableException e) {
            throw ApiException.unavailable("the object store is unavailable: " + e.getMessage());
        } catch (ObjectStoreException e) {
            throw new ApiException(502, "object_store_error", "storing the upload failed: " + e.getMessage());
        }
        return new MediaRef(format.modality(), key, format.contentType(), bytes.length, sha256);
    }

    private static MediaFormat sniff(byte[] bytes, String field) {
        try {
            return MediaSniffer.sniff(bytes);
        } catch (MediaSniffer.Rejected e) {
            throw rejected(e, field);
        }
    }

    private static ApiException rejected(MediaSniffer.Rejected e, String field) {
        return e.unsupported()
                ? new ApiException(415, "unsupported_media_type", field + ": " + e.getMessage())
                : new ApiException(400, "invalid_media", field + ": " + e.getMessage());
    }

    private static void checkModality(MediaFormat format, Modality expected, String field) {
        if (expected != null && format.modality() != expected) {
            throw new ApiException(400, "invalid_media", field + ": the bytes are " + format.displayName() + " ("
                    + format.modality().wireName() + "), not " + article(expected) + " " + expected.wireName());
        }
    }

    private void checkSize(MediaFormat format, long size, String field) {
        long limit = limit(format.modality());
        if (size > limit) {
            throw new ApiException(413, "payload_too_large", field + ": " + size + " bytes of "
                    + format.modality().wireName() + " (" + format.displayName() + ") exceed the limit of " + limit
                    + " bytes (" + human(limit) + ")");
        }
    }

    /** The size limit of a modality's inputs. */
    public long limit(Modality modality) {
        return switch (modality) {
            case IMAGE -> limits.maxImageBytes();
            case AUDIO -> limits.maxAudioBytes();
            case VIDEO -> limits.maxVideoBytes();
        };
    }

    private static String article(Modality m) {
        return m == Modality.IMAGE || m == Modality.AUDIO ? "an" : "a";
    }

    static String human(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
