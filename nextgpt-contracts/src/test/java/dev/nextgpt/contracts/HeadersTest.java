package dev.nextgpt.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeadersTest {
  @Test
  void headerValuesAreUtf8() {
    assertEquals("job-1", Headers.jobId(Headers.value("job-1")));
    assertEquals("tenant_a", Headers.tenant(Headers.value("tenant_a")));
    assertEquals("é", Headers.text("x", Headers.value("é")));
    assertEquals(3, Headers.schemaVersion(Headers.value("3")));
  }

  @Test
  void malformedMissingOrOversizedHeaderValuesAreRefused() {
    var e = assertThrows(ContractViolation.class, () -> Headers.text(Headers.JOB_ID, new byte[] {(byte) 0xc3, 0x28}));
    assertEquals("header nextgpt-job-id: value is not valid UTF-8", e.getMessage());
    e = assertThrows(ContractViolation.class, () -> Headers.jobId(null));
    assertEquals("header nextgpt-job-id: is missing", e.getMessage());
    assertThrows(ContractViolation.class, () -> Headers.text("x", new byte[Headers.MAX_VALUE_BYTES + 1]));
    assertThrows(ContractViolation.class, () -> Headers.value("x".repeat(Headers.MAX_VALUE_BYTES + 1)));
    e = assertThrows(ContractViolation.class, () -> Headers.jobId(Headers.value("../etc")));
    assertTrue(e.getMessage().startsWith("header nextgpt-job-id: '../etc' is not a valid id"), e.getMessage());
    assertThrows(ContractViolation.class, () -> Headers.schemaVersion(Headers.value("01")));
    assertThrows(ContractViolation.class, () -> Headers.schemaVersion(Headers.value("-1")));
  }

  @Test
  void traceParentFollowsW3cTraceContext() {
    String value = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    TraceParent parent = Headers.traceParent(Headers.value(value));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", parent.traceId());
    assertEquals("00f067aa0ba902b7", parent.spanId());
    assertTrue(parent.sampled());
    assertEquals(value, parent.toString());
    assertFalse(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").sampled());
  }

  @Test
  void invalidTraceParentsAreRefused() {
    for (String bad : new String[] {"", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"}) {
      assertThrows(ContractViolation.class, () -> TraceParent.parse(bad), bad);
    }
  }
}
