package dev.nextgpt.decoder;

import dev.nextgpt.contracts.ClaimCheck;

/** An encoded media file ready to store: bytes, format and their SHA-256 (lower-case hex). */
public record Artifact(ArtifactFormat format, byte[] bytes, String sha256) {
    public static Artifact of(ArtifactFormat format, byte[] bytes) {
        return new Artifact(format, bytes, ClaimCheck.sha256Hex(bytes));
    }

    public String contentType() {
        return format.contentType();
    }

    public long size() {
        return bytes.length;
    }
}
