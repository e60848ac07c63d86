package dev.nextgpt.objectstore;

/** No object under the key (S3 {@code NoSuchKey}). */
public class ObjectNotFoundException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String key, String bucket) {
        super(key, "no object '" + key + "' in bucket '" + bucket + "'");
    }
}
