package dev.nextgpt.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A step of a job that produces something; the unit of progress events and of idempotency. */
public enum Stage {
  /** Gateway: accepting the job (validation, uploads, deadline before any work). */
  SUBMIT("submit"),
  /** Encoder service: media decoding, encoders, input projection. */
  ENCODE("encode"),
  /** LLM service: prompt, generation, signal-token extraction. */
  GENERATE("generate"),
  DECODE_IMAGE("decode-image"),
  DECODE_VIDEO("decode-video"),
  DECODE_AUDIO("decode-audio"),
  /** Gateway: a webhook delivery. */
  WEBHOOK("webhook");

  private final String wireName;

  Stage(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** The decoding stage of a modality. */
  public static Stage decode(Modality modality) {
    return switch (modality) {
      case IMAGE -> DECODE_IMAGE;
      case VIDEO -> DECODE_VIDEO;
      case AUDIO -> DECODE_AUDIO;
    };
  }

  @JsonCreator
  public static Stage fromWire(String name) {
    if (name != null) {
      for (Stage s : values()) {
        if (s.wireName.equals(name)) {
          return s;
        }
      }
    }
    throw new ContractViolation("unknown stage '" + name + "'");
  }
}
