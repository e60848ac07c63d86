package dev.nextgpt.contracts;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ClaimCheck} held in memory: for one-process runs and tests. The object-store one lives in the services. */
public final class InMemoryClaimCheck implements ClaimCheck {
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

  @Override
  public String put(String prefix, byte[] bytes) {
    String key = ClaimCheck.keyFor(prefix, bytes);
    objects.putIfAbsent(key, bytes.clone());
    return key;
  }

  @Override
  public byte[] get(String key) {
    byte[] bytes = objects.get(key);
    if (bytes == null) {
      throw new ContractViolation("claim check: no object under key '" + key + "'");
    }
    return bytes.clone();
  }

  /** How many objects are stored (a redelivery must not add one). */
  public int size() {
    return objects.size();
  }
}
