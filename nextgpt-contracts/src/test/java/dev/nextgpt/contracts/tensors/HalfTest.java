package dev.nextgpt.contracts.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfTest {
  @Test
  void everyHalfValueWidensExactlyAndNarrowsBackToItself() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = Half.toFloat((short) bits);
      if (Float.isNaN(f)) {
        assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(f))), "NaN stays NaN: " + Integer.toHexString(bits));
        continue;
      }
      assertEquals(bits, Half.fromFloat(f) & 0xffff, "round trip of 0x" + Integer.toHexString(bits));
    }
  }

  @Test
  void midpointsRoundToEvenAndNeighboursToTheNearest() {
    // positive finite halves, consecutive pairs: the float halfway between them goes to the even one
    for (int bits = 0; bits < 0x7bff; bits++) {
      float lo = Half.toFloat((short) bits);
      float hi = Half.toFloat((short) (bits + 1));
      float mid = (float) (((double) lo + hi) / 2); // exact: halves have 11 significant bits
      int even = (bits & 1) == 0 ? bits : bits + 1;
      assertEquals(even, Half.fromFloat(mid) & 0xffff, "tie between 0x" + Integer.toHexString(bits));
      assertEquals(bits, Half.fromFloat(Math.nextDown(mid)) & 0xffff);
      assertEquals(bits + 1, Half.fromFloat(Math.nextUp(mid)) & 0xffff);
      assertEquals(bits | 0x8000, Half.fromFloat(-Math.nextDown(mid)) & 0xffff);
    }
  }

  @Test
  void overflowUnderflowAndSpecialValues() {
    assertEquals(65504f, Half.round(65504f));
    assertEquals(65504f, Half.round(65519.99f));
    assertEquals(Float.POSITIVE_INFINITY, Half.round(65520f));
    assertEquals(Float.NEGATIVE_INFINITY, Half.round(-1e10f));
    assertEquals(0x1p-24f, Half.round(0x1p-24f));
    assertEquals(0f, Half.round(0x1p-25f)); // tie with zero: to even
    assertEquals(0x1p-24f, Half.round(Math.nextUp(0x1p-25f)));
    assertEquals(0x8000, Half.fromFloat(-0f) & 0xffff);
    assertEquals(0x8000, Half.fromFloat(-1e-30f) & 0xffff);
    assertTrue(Float.isNaN(Half.round(Float.NaN)));
    assertTrue(Float.isNaN(Half.round(Float.intBitsToFloat(0x7f800001)))); // NaN whose payload is all low bits
    assertEquals(0x3c00, Half.fromFloat(1f) & 0xffff);
    assertEquals(0x0400, Half.fromFloat(0x1p-14f) & 0xffff); // smallest normal
    assertEquals(0x0400, Half.fromFloat(0x1.ffcp-15f) & 0xffff); // largest subnormal + half ulp rounds up into normals
  }
}
