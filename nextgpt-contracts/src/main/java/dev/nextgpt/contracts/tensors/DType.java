package dev.nextgpt.contracts.tensors;

/** The element types this codec stores; both decode to Java floats. */
public enum DType {
  /** IEEE 754 binary32. */
  F32(4),
  /** IEEE 754 binary16: how hidden states travel (half the bytes, enough precision for conditioning). */
  F16(2);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** The safetensors name: {@code F32}, {@code F16}. */
  public String safetensorsName() {
    return name();
  }
}
