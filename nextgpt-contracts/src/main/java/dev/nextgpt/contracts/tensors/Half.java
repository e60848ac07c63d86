package dev.nextgpt.contracts.tensors;

/**
 * IEEE 754 binary16 conversions (Java 17 has none; {@code Float.floatToFloat16} came with Java 20).
 * Narrowing rounds to nearest, ties to even, like numpy and PyTorch; widening is exact.
 */
public final class Half {
  private Half() {}

  /** The nearest binary16 value of {@code value}, as its 16 bits. Overflow gives infinity, NaN stays NaN. */
  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      // infinity keeps a zero mantissa; NaN keeps its top payload bits and is forced quiet so it stays NaN
      return (short) (mantissa == 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13));
    }
    int e = exponent - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // below half the smallest subnormal: rounds to (signed) zero
      }
      int full = mantissa | 0x800000;
      int shift = 14 - e;
      int half = full >>> shift;
      int rest = full & ((1 << shift) - 1);
      int midpoint = 1 << (shift - 1);
      if (rest > midpoint || (rest == midpoint && (half & 1) == 1)) {
        half++; // may carry into the exponent: the smallest normal, which is right
      }
      return (short) (sign | half);
    }
    int half = sign | (e << 10) | (mantissa >>> 13);
    int rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++; // a carry out of the mantissa bumps the exponent; out of exponent 30 it gives infinity
    }
    return (short) half;
  }

  /** The exact float value of the binary16 {@code bits}. */
  public static float toFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }

  /** {@code value} rounded to binary16 precision and widened back: what a receiver of an F16 tensor sees. */
  public static float round(float value) {
    return toFloat(fromFloat(value));
  }
}
