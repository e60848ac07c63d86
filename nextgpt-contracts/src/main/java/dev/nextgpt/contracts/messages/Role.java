package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.nextgpt.contracts.ContractViolation;

/** Who wrote a turn of the conversation. */
public enum Role {
  USER, ASSISTANT;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  @JsonCreator
  public static Role fromWire(String name) {
    for (Role r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    throw new ContractViolation("unknown role '" + name + "' (expected user or assistant)");
  }
}
