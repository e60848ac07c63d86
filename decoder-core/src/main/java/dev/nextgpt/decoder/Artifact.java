package dev.nextgpt.decoder;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.objectstore.ObjectKeys;

/** An encoded media file ready to store: its modality's format (PNG, WAV, MP4), bytes and SHA-256 (lower-case hex). */
public record Artifact(Modality modality, byte[] bytes, String sha256) {
    public static Artifact of(Modality modality, byte[] bytes) {
        return new Artifact(modality, bytes, ClaimCheck.sha256Hex(bytes));
    }

    /** {@code image/png}, {@code audio/wav} or {@code video/mp4}. */
    public String contentType() {
        return ObjectKeys.contentType(modality);
    }

    public long size() {
        return bytes.length;
    }
}
