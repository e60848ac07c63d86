package dev.nextgpt.objectstore;

/** The bytes read or written do not match the size or SHA-256 they were expected to have. */
public class ObjectIntegrityException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    public ObjectIntegrityException(String key, String message) {
        super(key, message);
    }
}
