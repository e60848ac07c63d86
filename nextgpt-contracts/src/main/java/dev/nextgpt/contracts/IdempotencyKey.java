package dev.nextgpt.contracts;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * What makes a piece of work unique: (job, stage, output index). A consumer that sees a key it has already
 * completed skips the work, so a redelivered record never yields a second artifact or a second event id.
 * Stages with one output per job use index 0.
 */
public record IdempotencyKey(String jobId, Stage stage, int outputIndex) {
  /** Output indexes are small: a job asks for a handful of outputs per modality. */
  public static final int MAX_OUTPUT_INDEX = 255;

  public IdempotencyKey {
    Identifiers.requireJobId(jobId, "idempotency key jobId");
    if (stage == null) {
      throw new ContractViolation("idempotency key stage: is required");
    }
    if (outputIndex < 0 || outputIndex > MAX_OUTPUT_INDEX) {
      throw new ContractViolation("idempotency key outputIndex: must be 0.." + MAX_OUTPUT_INDEX + ", was " + outputIndex);
    }
  }

  /** Parses the canonical form {@code <jobId>:<stage>:<index>}. */
  public static IdempotencyKey parse(String text) {
    if (text == null) {
      throw new ContractViolation("idempotency key: is missing");
    }
    String[] parts = text.split(":", -1);
    if (parts.length != 3 || !parts[2].matches("0|[1-9][0-9]{0,2}")) {
      throw new ContractViolation("idempotency key: '" + Identifiers.abbreviate(text)
          + "' is not '<jobId>:<stage>:<index>'");
    }
    return new IdempotencyKey(parts[0], Stage.fromWire(parts[1]), Integer.parseInt(parts[2]));
  }

  /** A UUID that is the same for every delivery of the same work: use it as event id (webhooks, dedup tables). */
  public UUID stableUuid() {
    return UUID.nameUUIDFromBytes(("nextgpt:" + this).getBytes(StandardCharsets.UTF_8));
  }

  /** The canonical form {@code <jobId>:<stage>:<index>}; ':' never occurs in a job id, so it parses back. */
  @Override
  public String toString() {
    return jobId + ":" + stage.wireName() + ":" + outputIndex;
  }
}
