package dev.nextgpt.objectstore;

/** One entry of a listing: key, size and entity tag (listings carry no content type or checksum). */
public record ObjectSummary(String key, long size, String etag) {}
