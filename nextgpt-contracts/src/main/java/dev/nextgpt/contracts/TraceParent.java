package dev.nextgpt.contracts;

import java.util.regex.Pattern;

/** A W3C {@code traceparent} header value: version 00, 16-byte trace id, 8-byte parent span id, flags. */
public record TraceParent(String traceId, String spanId, int flags) {
  private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

  public TraceParent {
    if (traceId == null || !traceId.matches("[0-9a-f]{32}") || traceId.matches("0+")) {
      throw new ContractViolation("traceparent: trace id must be 32 lower-case hex digits, not all zero");
    }
    if (spanId == null || !spanId.matches("[0-9a-f]{16}") || spanId.matches("0+")) {
      throw new ContractViolation("traceparent: span id must be 16 lower-case hex digits, not all zero");
    }
    if (flags < 0 || flags > 0xff) {
      throw new ContractViolation("traceparent: flags must fit one byte, was " + flags);
    }
  }

  /** Parses {@code 00-<trace id>-<span id>-<flags>}. */
  public static TraceParent parse(String value) {
    if (value == null) {
      throw new ContractViolation("traceparent: is missing");
    }
    var m = FORMAT.matcher(value);
    if (!m.matches()) {
      throw new ContractViolation("traceparent: '" + Identifiers.abbreviate(value)
          + "' is not '00-<32 hex>-<16 hex>-<2 hex>'");
    }
    return new TraceParent(m.group(1), m.group(2), Integer.parseInt(m.group(3), 16));
  }

  /** Whether the sampled flag is set. */
  public boolean sampled() {
    return (flags & 1) == 1;
  }

  @Override
  public String toString() {
    return String.format("00-%s-%s-%02x", traceId, spanId, flags);
  }
}
