package dev.nextgpt.contracts.messages;

import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.Identifiers;
import dev.nextgpt.contracts.Modality;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The validation rules the message records apply in their constructors; messages read "Record.field: problem". */
final class Fields {
  static final int MAX_TEXT_CHARS = 32_768;
  static final int MAX_REASON_CHARS = 2_000;
  static final int MAX_LIST = 64;

  private Fields() {}

  static ContractViolation violation(String where, String problem) {
    return new ContractViolation(where + ": " + problem);
  }

  static void schema(int schema, String record) {
    if (schema != Messages.SCHEMA) {
      throw violation(record + ".schema", "unsupported version " + schema + " (this build reads " + Messages.SCHEMA + ")");
    }
  }

  static <T> T required(T value, String where) {
    if (value == null) {
      throw violation(where, "is required");
    }
    return value;
  }

  static String text(String value, String where, int maxChars) {
    required(value, where);
    if (value.isEmpty()) {
      throw violation(where, "must not be empty");
    }
    if (value.length() > maxChars) {
      throw violation(where, "is " + value.length() + " characters, limit " + maxChars);
    }
    return value;
  }

  static String optionalText(String value, String where, int maxChars) {
    return value == null ? null : text(value, where, maxChars);
  }

  static String jobId(String value, String record) {
    return Identifiers.requireJobId(value, record + ".jobId");
  }

  static String tenant(String value, String record) {
    return Identifiers.requireTenant(value, record + ".tenant");
  }

  static int range(int value, int min, int max, String where) {
    if (value < min || value > max) {
      throw violation(where, "must be " + min + ".." + max + ", was " + value);
    }
    return value;
  }

  static Integer range(Integer value, int min, int max, String where) {
    return value == null ? null : range(value.intValue(), min, max, where);
  }

  static Double range(Double value, double min, double max, boolean minInclusive, String where) {
    if (value == null) {
      return null;
    }
    double v = value;
    if (Double.isNaN(v) || v > max || v < min || (!minInclusive && v == min)) {
      throw violation(where, "must be in " + (minInclusive ? "[" : "(") + min + ", " + max + "], was " + v);
    }
    return value;
  }

  /** An immutable copy; null means empty. Refuses null elements and lists beyond {@code max}. */
  static <T> List<T> list(List<T> value, String where, int max) {
    if (value == null) {
      return List.of();
    }
    if (value.size() > max) {
      throw violation(where, "has " + value.size() + " entries, limit " + max);
    }
    for (int i = 0; i < value.size(); i++) {
      if (value.get(i) == null) {
        throw violation(where + "[" + i + "]", "must not be null");
      }
    }
    return List.copyOf(value);
  }

  static <T> List<T> distinct(List<T> value, String where, int max) {
    List<T> copy = list(value, where, max);
    Set<T> seen = new HashSet<>();
    for (T t : copy) {
      if (!seen.add(t)) {
        throw violation(where, "lists " + t + " twice");
      }
    }
    return copy;
  }

  static <T> List<T> nonEmpty(List<T> value, String where, int max) {
    List<T> copy = list(value, where, max);
    if (copy.isEmpty()) {
      throw violation(where, "must not be empty");
    }
    return copy;
  }

  /** An immutable copy ordered by modality; null means empty. Refuses null values. */
  static <T> Map<Modality, T> byModality(Map<Modality, T> value, String where) {
    if (value == null) {
      return Map.of();
    }
    Map<Modality, T> copy = new EnumMap<>(Modality.class);
    for (var e : value.entrySet()) {
      if (e.getKey() == null) {
        throw violation(where, "has a null modality");
      }
      copy.put(e.getKey(), required(e.getValue(), where + "." + e.getKey().wireName()));
    }
    return Collections.unmodifiableMap(copy);
  }

  static String contentType(String value, String where) {
    required(value, where);
    if (!value.matches("[a-z0-9][a-z0-9.+-]{0,63}/[a-z0-9][a-z0-9.+-]{0,127}")) {
      throw violation(where, "'" + value + "' is not a media type like image/png");
    }
    return value;
  }
}
