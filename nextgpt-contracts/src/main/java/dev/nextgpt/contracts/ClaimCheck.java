package dev.nextgpt.contracts;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Claim check: a payload too large for a Kafka record goes to the object store and the record carries its key.
 * Keys are content-addressed inside a prefix, so storing the same bytes twice (a redelivery) yields the same key
 * and never a second object.
 */
public interface ClaimCheck {
  /** Stores {@code bytes} and returns the key, {@code <prefix>/<sha256 of bytes>}. Idempotent. */
  String put(String prefix, byte[] bytes);

  /** Reads the bytes stored under {@code key}; throws {@link ContractViolation} when there are none. */
  byte[] get(String key);

  /** The content-addressed key of {@code bytes} under {@code prefix}. */
  static String keyFor(String prefix, byte[] bytes) {
    Identifiers.requireObjectKey(prefix, "claim-check prefix");
    return prefix + "/" + sha256Hex(bytes);
  }

  /** The prefix for one piece of work of a tenant's job: {@code claims/<tenant>/<job>/<stage>-<index>}. */
  static String prefixFor(String tenant, IdempotencyKey work) {
    Identifiers.requireTenant(tenant, "claim-check tenant");
    return "claims/" + tenant + "/" + work.jobId() + "/" + work.stage().wireName() + "-" + work.outputIndex();
  }

  /** Lower-case hex SHA-256. */
  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
