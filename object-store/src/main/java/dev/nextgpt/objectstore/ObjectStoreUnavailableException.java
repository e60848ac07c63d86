package dev.nextgpt.objectstore;

/** The store could not be reached or answered with a server error: worth retrying later, not the caller's fault. */
public class ObjectStoreUnavailableException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    public ObjectStoreUnavailableException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
