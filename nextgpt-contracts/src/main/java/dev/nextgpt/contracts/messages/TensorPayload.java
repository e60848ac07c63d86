package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.ClaimCheckPolicy;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.Identifiers;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A safetensors blob inside a message: either inline (base64 in the JSON) or by claim check (a key in the object
 * store). Size and SHA-256 are always given, so a receiver verifies what it reads from either place.
 */
public record TensorPayload(
    String format,
    byte[] inline,
    String claimCheck,
    @JsonProperty(required = true) long size,
    String sha256) {
  public static final String SAFETENSORS = "safetensors";
  /** Inline payloads beyond this are refused even if a sender's policy allowed them (records have limits). */
  public static final int MAX_INLINE_BYTES = 8 << 20;

  public TensorPayload {
    if (!SAFETENSORS.equals(format)) {
      throw Fields.violation("TensorPayload.format", "must be '" + SAFETENSORS + "', was '" + format + "'");
    }
    if ((inline == null) == (claimCheck == null)) {
      throw Fields.violation("TensorPayload", "exactly one of inline and claimCheck must be set");
    }
    Identifiers.requireSha256(sha256, "TensorPayload.sha256");
    if (size < 0) {
      throw Fields.violation("TensorPayload.size", "must be >= 0, was " + size);
    }
    if (inline != null) {
      if (inline.length > MAX_INLINE_BYTES) {
        throw Fields.violation("TensorPayload.inline", inline.length + " bytes, limit " + MAX_INLINE_BYTES
            + " (use a claim check)");
      }
      verify(inline, size, sha256, "TensorPayload.inline");
      inline = inline.clone();
    } else {
      Identifiers.requireObjectKey(claimCheck, "TensorPayload.claimCheck");
    }
  }

  /** An inline payload. */
  public static TensorPayload inline(byte[] safetensors) {
    return new TensorPayload(SAFETENSORS, safetensors, null, safetensors.length, ClaimCheck.sha256Hex(safetensors));
  }

  /** Inline, or stored under {@code prefix} when the policy says the blob is too large for a record. */
  public static TensorPayload of(byte[] safetensors, ClaimCheck store, String prefix, ClaimCheckPolicy policy) {
    if (!policy.claimCheck(safetensors.length)) {
      return inline(safetensors);
    }
    String key = store.put(prefix, safetensors);
    return new TensorPayload(SAFETENSORS, null, key, safetensors.length, ClaimCheck.sha256Hex(safetensors));
  }

  /** Whether the bytes are in the object store. */
  public boolean claimChecked() {
    return claimCheck != null;
  }

  /** The blob's bytes, read from the store when claim-checked, verified against size and SHA-256. */
  public byte[] resolve(ClaimCheck store) {
    if (inline != null) {
      return inline.clone();
    }
    byte[] bytes = store.get(claimCheck);
    verify(bytes, size, sha256, "TensorPayload.claimCheck '" + claimCheck + "'");
    return bytes;
  }

  @Override
  public byte[] inline() {
    return inline == null ? null : inline.clone();
  }

  private static void verify(byte[] bytes, long size, String sha256, String where) {
    if (bytes.length != size) {
      throw new ContractViolation(where + ": " + bytes.length + " bytes but size says " + size);
    }
    String actual = ClaimCheck.sha256Hex(bytes);
    if (!MessageDigest.isEqual(actual.getBytes(), sha256.getBytes())) {
      throw new ContractViolation(where + ": SHA-256 " + actual + " does not match " + sha256);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorPayload p && size == p.size && sha256.equals(p.sha256)
        && java.util.Objects.equals(claimCheck, p.claimCheck) && Arrays.equals(inline, p.inline);
  }

  @Override
  public int hashCode() {
    return sha256.hashCode();
  }

  @Override
  public String toString() {
    return "TensorPayload[" + (inline != null ? "inline" : "claimCheck=" + claimCheck) + ", size=" + size
        + ", sha256=" + sha256.substring(0, 12) + "…]";
  }
}
