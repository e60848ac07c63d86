package dev.nextgpt.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A media modality that NExT-GPT reads (encoder side) and writes (decoder side); text is always there. */
public enum Modality {
  IMAGE("image", 4),
  AUDIO("audio", 8),
  VIDEO("video", 24);

  private final String wireName;
  private final int signalTokenCount;

  Modality(String wireName, int signalTokenCount) {
    this.wireName = wireName;
    this.signalTokenCount = signalTokenCount;
  }

  /** The name used in JSON, topic names and object keys: {@code image}, {@code audio}, {@code video}. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** How many signal tokens the LLM emits for one output of this modality: [IMG0..3], [AUD0..7], [VID0..23]. */
  public int signalTokenCount() {
    return signalTokenCount;
  }

  /** Parses a wire name strictly (lower case, no aliases). */
  @JsonCreator
  public static Modality fromWire(String name) {
    if (name != null) {
      for (Modality m : values()) {
        if (m.wireName.equals(name)) {
          return m;
        }
      }
    }
    throw new ContractViolation("unknown modality '" + name + "' (expected image, audio or video)");
  }
}
