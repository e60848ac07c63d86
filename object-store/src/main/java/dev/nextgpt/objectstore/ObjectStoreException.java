package dev.nextgpt.objectstore;

/** An object store operation failed; the message names the operation, the key and the store's answer. */
public class ObjectStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ObjectStoreException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    public ObjectStoreException(String key, String message) {
        this(key, message, null);
    }

    /** The object key concerned, or null for bucket-level operations. */
    public String key() {
        return key;
    }
}
