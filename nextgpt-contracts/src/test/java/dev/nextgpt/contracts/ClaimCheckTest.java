package dev.nextgpt.contracts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.messages.TensorPayload;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimCheckTest {
  private static final IdempotencyKey WORK = new IdempotencyKey("job-1", Stage.GENERATE, 0);

  @Test
  void keysAreContentAddressedUnderTheTenantsJobPrefix() {
    String prefix = ClaimCheck.prefixFor("tenant-a", WORK);
    assertEquals("claims/tenant-a/job-1/generate-0", prefix);
    byte[] bytes = {1, 2, 3};
    assertEquals(prefix + "/039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81",
        ClaimCheck.keyFor(prefix, bytes));
  }

  @Test
  void storingTheSameBytesTwiceKeepsOneObject() {
    InMemoryClaimCheck store = new InMemoryClaimCheck();
    String prefix = ClaimCheck.prefixFor("t", WORK);
    String first = store.put(prefix, new byte[] {9, 9});
    String second = store.put(prefix, new byte[] {9, 9});
    assertEquals(first, second);
    assertEquals(1, store.size());
    assertArrayEquals(new byte[] {9, 9}, store.get(first));
    var e = assertThrows(ContractViolation.class, () -> store.get(prefix + "/missing"));
    assertTrue(e.getMessage().contains("no object under key"), e.getMessage());
  }

  @Test
  void thresholdDecidesInlineOrClaimCheck() {
    ClaimCheckPolicy policy = new ClaimCheckPolicy(4);
    assertFalse(policy.claimCheck(4));
    assertTrue(policy.claimCheck(5));
    assertTrue(ClaimCheckPolicy.ALWAYS.claimCheck(1));
    assertFalse(ClaimCheckPolicy.DEFAULT.claimCheck(256 * 1024));
    assertTrue(ClaimCheckPolicy.DEFAULT.claimCheck(256 * 1024 + 1));
    assertThrows(ContractViolation.class, () -> new ClaimCheckPolicy(-1));

    InMemoryClaimCheck store = new InMemoryClaimCheck();
    String prefix = ClaimCheck.prefixFor("t", WORK);
    TensorPayload small = TensorPayload.of(new byte[4], store, prefix, policy);
    assertFalse(small.claimChecked());
    assertEquals(0, store.size());
    TensorPayload large = TensorPayload.of(new byte[5], store, prefix, policy);
    assertTrue(large.claimChecked());
    assertNull(large.inline());
    assertEquals(1, store.size());
    assertArrayEquals(new byte[5], large.resolve(store));
  }

  @Test
  void aClaimCheckedPayloadWhoseStoredBytesChangedIsRefused() {
    Map<String, byte[]> objects = new HashMap<>();
    ClaimCheck store = new ClaimCheck() {
      @Override
      public String put(String prefix, byte[] bytes) {
        String key = ClaimCheck.keyFor(prefix, bytes);
        objects.put(key, bytes.clone());
        return key;
      }

      @Override
      public byte[] get(String key) {
        return objects.get(key).clone();
      }
    };
    TensorPayload payload = TensorPayload.of(new byte[] {1, 2, 3}, store, "claims/t/j/generate-0", ClaimCheckPolicy.ALWAYS);
    objects.put(payload.claimCheck(), new byte[] {1, 2, 4});
    var e = assertThrows(ContractViolation.class, () -> payload.resolve(store));
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    objects.put(payload.claimCheck(), new byte[] {1, 2});
    e = assertThrows(ContractViolation.class, () -> payload.resolve(store));
    assertTrue(e.getMessage().endsWith("2 bytes but size says 3"), e.getMessage());
  }
}
