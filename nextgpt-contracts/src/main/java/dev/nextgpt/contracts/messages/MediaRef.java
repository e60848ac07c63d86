package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.nextgpt.contracts.Identifiers;
import dev.nextgpt.contracts.Modality;

/** A media input the gateway stored in the object store: what it is, where, and its checksum. */
public record MediaRef(
    Modality modality,
    String objectKey,
    String contentType,
    @JsonProperty(required = true) long size,
    String sha256) {
  public MediaRef {
    Fields.required(modality, "MediaRef.modality");
    Identifiers.requireObjectKey(objectKey, "MediaRef.objectKey");
    Fields.contentType(contentType, "MediaRef.contentType");
    if (size < 1) {
      throw Fields.violation("MediaRef.size", "must be >= 1, was " + size);
    }
    Identifiers.requireSha256(sha256, "MediaRef.sha256");
  }
}
