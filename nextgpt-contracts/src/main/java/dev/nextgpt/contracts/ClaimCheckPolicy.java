package dev.nextgpt.contracts;

/**
 * When a payload goes by claim check: above {@code inlineLimitBytes} raw bytes. The default keeps a record, with
 * base64 (4/3) and JSON around it, well under Kafka's default 1 MiB {@code max.message.bytes}.
 */
public record ClaimCheckPolicy(int inlineLimitBytes) {
  public static final int DEFAULT_INLINE_LIMIT_BYTES = 256 * 1024;
  public static final ClaimCheckPolicy DEFAULT = new ClaimCheckPolicy(DEFAULT_INLINE_LIMIT_BYTES);
  /** Every payload by claim check (tests of the claim-check path, deployments with tiny record limits). */
  public static final ClaimCheckPolicy ALWAYS = new ClaimCheckPolicy(0);

  public ClaimCheckPolicy {
    if (inlineLimitBytes < 0) {
      throw new ContractViolation("claim-check inline limit must be >= 0, was " + inlineLimitBytes);
    }
  }

  /** Whether a payload of {@code size} bytes goes to the object store. */
  public boolean claimCheck(long size) {
    return size > inlineLimitBytes;
  }
}
