package dev.nextgpt.objectstore;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.Headers;

/**
 * The contracts' {@link ClaimCheck} on the object store: payloads too large for a record are stored as safetensors
 * objects under their content-addressed key. Storing the same bytes again (a redelivery) finds the object and
 * writes nothing.
 */
public final class S3ClaimCheck implements ClaimCheck {
    private final ObjectStore store;

    public S3ClaimCheck(ObjectStore store) {
        this.store = store;
    }

    @Override
    public String put(String prefix, byte[] bytes) {
        String key = ClaimCheck.keyFor(prefix, bytes);
        String sha256 = key.substring(key.lastIndexOf('/') + 1);
        var existing = store.stat(key);
        if (existing.isPresent() && existing.get().size() == bytes.length
                && (existing.get().sha256() == null || existing.get().sha256().equals(sha256))) {
            return key;
        }
        store.put(key, bytes, Headers.SAFETENSORS);
        return key;
    }

    /** Reads a claim-checked payload; a missing object is a {@link ContractViolation}, as the interface says. */
    @Override
    public byte[] get(String key) {
        try {
            return store.get(key);
        } catch (ObjectNotFoundException e) {
            throw new ContractViolation("claim check: no object under key '" + key + "'", e);
        }
    }
}
