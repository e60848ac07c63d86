package dev.nextgpt.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
  @Test
  void idsAreShortAndSafeEverywhere() {
    assertEquals("a", Identifiers.requireJobId("a", "f"));
    assertEquals("0b9e2c1e-2d5f-4a53-9f0e-2f1b8d3c0d11", Identifiers.requireJobId("0b9e2c1e-2d5f-4a53-9f0e-2f1b8d3c0d11", "f"));
    for (String bad : new String[] {"", "-a", "a/b", "a:b", "a.b", "ä", "x".repeat(65)}) {
      assertThrows(ContractViolation.class, () -> Identifiers.requireJobId(bad, "f"), bad);
    }
    var e = assertThrows(ContractViolation.class, () -> Identifiers.requireTenant(null, "JobText.tenant"));
    assertEquals("JobText.tenant: is required", e.getMessage());
  }

  @Test
  void objectKeysCannotEscapeTheirPrefix() {
    assertEquals("tenants/t1/jobs/j1/image-0.png", Identifiers.requireObjectKey("tenants/t1/jobs/j1/image-0.png", "k"));
    for (String bad : new String[] {"", "/abs", "a/../b", "a/./b", "a//b", "a/", "sp ace", "back\\slash", "tab\t",
        "x".repeat(1025), "ünicode"}) {
      assertThrows(ContractViolation.class, () -> Identifiers.requireObjectKey(bad, "k"), bad);
    }
  }

  @Test
  void sha256IsLowerCaseHex() {
    String ok = "a".repeat(64);
    assertEquals(ok, Identifiers.requireSha256(ok, "s"));
    assertThrows(ContractViolation.class, () -> Identifiers.requireSha256("A".repeat(64), "s"));
    assertThrows(ContractViolation.class, () -> Identifiers.requireSha256("a".repeat(63), "s"));
  }
}
