package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.contracts.Identifiers;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;

/** Decoder → gateway ({@code nextgpt.jobs.outputs}): an artifact is in the object store. */
@JsonTypeName("output.stored")
public record OutputStored(
    @JsonProperty(required = true) int schema,
    String jobId,
    String tenant,
    Modality modality,
    @JsonProperty(required = true) int outputIndex,
    String objectKey,
    String contentType,
    @JsonProperty(required = true) long size,
    String sha256) implements Message {
  public OutputStored {
    Fields.schema(schema, "OutputStored");
    Fields.jobId(jobId, "OutputStored");
    Fields.tenant(tenant, "OutputStored");
    Fields.required(modality, "OutputStored.modality");
    Fields.range(outputIndex, 0, IdempotencyKey.MAX_OUTPUT_INDEX, "OutputStored.outputIndex");
    Identifiers.requireObjectKey(objectKey, "OutputStored.objectKey");
    Fields.contentType(contentType, "OutputStored.contentType");
    if (size < 1) {
      throw Fields.violation("OutputStored.size", "must be >= 1, was " + size);
    }
    Identifiers.requireSha256(sha256, "OutputStored.sha256");
  }

  /** The unit of idempotency of this output. */
  public IdempotencyKey idempotencyKey() {
    return new IdempotencyKey(jobId, Stage.decode(modality), outputIndex);
  }
}
