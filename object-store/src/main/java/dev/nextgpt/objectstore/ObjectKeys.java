package dev.nextgpt.objectstore;

import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.contracts.Identifiers;
import dev.nextgpt.contracts.Modality;

/**
 * The key layout of the platform's bucket (docs/services.md, "Object keys"). Every key starts with the tenant, so a
 * tenant can only reach its own objects; ids are validated with the contracts' {@link Identifiers}.
 *
 * <pre>
 * tenants/{tenant}/files/{sha256}                                   uploads (content-addressed; file id file-{sha256})
 * tenants/{tenant}/jobs/{job}/outputs/{modality}-{index}.{ext}      artifacts (png, wav, mp4)
 * claims/{tenant}/{job}/{stage}-{index}/{sha256}                    claim checks (ClaimCheck.prefixFor)
 * </pre>
 */
public final class ObjectKeys {
    /** Prefix of a file id: {@code file-<sha256>}. */
    public static final String FILE_ID_PREFIX = "file-";

    private ObjectKeys() {}

    /** Everything of a tenant: {@code tenants/{tenant}/}. */
    public static String tenantPrefix(String tenant) {
        return "tenants/" + Identifiers.requireTenant(tenant, "tenant") + "/";
    }

    /** An uploaded input, addressed by its content: {@code tenants/{tenant}/files/{sha256}}. */
    public static String upload(String tenant, String sha256) {
        return tenantPrefix(tenant) + "files/" + Identifiers.requireSha256(sha256, "upload sha256");
    }

    /** The public id of an upload: {@code file-{sha256}}. */
    public static String fileId(String sha256) {
        return FILE_ID_PREFIX + Identifiers.requireSha256(sha256, "upload sha256");
    }

    /** The SHA-256 inside a file id; refuses anything that is not {@code file-<64 hex>}. */
    public static String sha256OfFileId(String fileId) {
        if (fileId == null || !fileId.startsWith(FILE_ID_PREFIX)) {
            throw new ContractViolation("file id: '" + fileId + "' is not 'file-<sha256>'");
        }
        return Identifiers.requireSha256(fileId.substring(FILE_ID_PREFIX.length()), "file id");
    }

    /** The upload key a file id points at for a tenant. */
    public static String uploadOfFileId(String tenant, String fileId) {
        return upload(tenant, sha256OfFileId(fileId));
    }

    /** Everything of one job: {@code tenants/{tenant}/jobs/{job}/}. */
    public static String jobPrefix(String tenant, String jobId) {
        return tenantPrefix(tenant) + "jobs/" + Identifiers.requireJobId(jobId, "job id") + "/";
    }

    /** An artifact: {@code tenants/{tenant}/jobs/{job}/outputs/{modality}-{index}.{ext}}. */
    public static String output(String tenant, String jobId, Modality modality, int index) {
        if (modality == null) {
            throw new ContractViolation("output modality: is required");
        }
        if (index < 0 || index > IdempotencyKey.MAX_OUTPUT_INDEX) {
            throw new ContractViolation("output index: must be 0.." + IdempotencyKey.MAX_OUTPUT_INDEX + ", was " + index);
        }
        return jobPrefix(tenant, jobId) + "outputs/" + modality.wireName() + "-" + index + "." + extension(modality);
    }

    /** The file extension of a modality's artifacts: {@code png}, {@code wav}, {@code mp4}. */
    public static String extension(Modality modality) {
        return switch (modality) {
            case IMAGE -> "png";
            case AUDIO -> "wav";
            case VIDEO -> "mp4";
        };
    }

    /** The media type of a modality's artifacts: {@code image/png}, {@code audio/wav}, {@code video/mp4}. */
    public static String contentType(Modality modality) {
        return switch (modality) {
            case IMAGE -> "image/png";
            case AUDIO -> "audio/wav";
            case VIDEO -> "video/mp4";
        };
    }

    /** Whether {@code key} lies in the tenant's own space (uploads, outputs) or its claim checks. */
    public static boolean belongsTo(String key, String tenant) {
        Identifiers.requireTenant(tenant, "tenant");
        return key != null && (key.startsWith("tenants/" + tenant + "/") || key.startsWith("claims/" + tenant + "/"));
    }
}
