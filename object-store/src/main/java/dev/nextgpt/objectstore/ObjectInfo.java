package dev.nextgpt.objectstore;

/**
 * What the store knows about one object.
 *
 * @param key the object key
 * @param size its size in bytes
 * @param contentType the media type it was stored with
 * @param sha256 the lower-case hex SHA-256 recorded at upload (user metadata), or null if it was stored without
 * @param etag the store's entity tag (changes when the bytes change)
 */
public record ObjectInfo(String key, long size, String contentType, String sha256, String etag) {}
