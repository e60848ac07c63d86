package dev.nextgpt.gateway;

import dev.nextgpt.contracts.Modality;
import java.time.Instant;

/** A stored output of a job, as its decoder reported it ({@code OutputStored}). */
public record Artifact(Modality modality, int index, String objectKey, String contentType, long size, String sha256,
        Instant storedAt) {
}
