package dev.nextgpt.contracts;

import java.util.regex.Pattern;

/**
 * Rules for the identifiers that travel in keys, headers and object-store keys. They are restricted to characters
 * that are safe in all three places, so no consumer has to escape them.
 */
public final class Identifiers {
  /** Job ids and tenant ids: ASCII letters, digits, '-' and '_', starting with a letter or digit, at most 64 chars. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  /** Lower-case hex SHA-256. */
  public static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  /** Object keys: printable ASCII without backslash, no leading '/', no '.' or '..' segment, at most 1024 chars. */
  public static final int MAX_OBJECT_KEY_LENGTH = 1024;

  private Identifiers() {}

  public static String requireJobId(String value, String field) {
    return requireId(value, field);
  }

  public static String requireTenant(String value, String field) {
    return requireId(value, field);
  }

  private static String requireId(String value, String field) {
    if (value == null) {
      throw new ContractViolation(field + ": is required");
    }
    if (!ID.matcher(value).matches()) {
      throw new ContractViolation(field + ": '" + abbreviate(value)
          + "' is not a valid id (1-64 of [A-Za-z0-9_-], starting with a letter or digit)");
    }
    return value;
  }

  public static String requireSha256(String value, String field) {
    if (value == null) {
      throw new ContractViolation(field + ": is required");
    }
    if (!SHA256.matcher(value).matches()) {
      throw new ContractViolation(field + ": '" + abbreviate(value) + "' is not a lower-case hex SHA-256");
    }
    return value;
  }

  public static String requireObjectKey(String value, String field) {
    if (value == null) {
      throw new ContractViolation(field + ": is required");
    }
    if (value.isEmpty() || value.length() > MAX_OBJECT_KEY_LENGTH) {
      throw new ContractViolation(field + ": object key length must be 1.." + MAX_OBJECT_KEY_LENGTH
          + ", was " + value.length());
    }
    if (value.startsWith("/")) {
      throw new ContractViolation(field + ": object key must not start with '/': '" + abbreviate(value) + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '\\') {
        throw new ContractViolation(field + ": object key has a forbidden character at index " + i
            + " (allowed: printable ASCII except space and '\\')");
      }
    }
    for (String segment : value.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new ContractViolation(field + ": object key has an empty, '.' or '..' segment: '"
            + abbreviate(value) + "'");
      }
    }
    return value;
  }

  static String abbreviate(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }
}
