package dev.nextgpt.contracts.tensors;

import dev.nextgpt.contracts.ContractViolation;
import java.util.Arrays;

/**
 * A named dense tensor of floats, row-major, with the element type it is stored as on the wire. Values of an
 * {@link DType#F16} tensor are rounded to binary16 when encoded.
 */
public record FloatTensor(String name, DType dtype, long[] shape, float[] values) {
  public static final int MAX_NAME_LENGTH = 256;

  public FloatTensor {
    if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      throw new ContractViolation("tensor name must be 1.." + MAX_NAME_LENGTH + " characters");
    }
    if (name.equals(TensorCodec.METADATA_KEY)) {
      throw new ContractViolation("tensor name '" + TensorCodec.METADATA_KEY + "' is reserved");
    }
    if (dtype == null) {
      throw new ContractViolation("tensor '" + name + "': dtype is required");
    }
    if (shape == null || values == null) {
      throw new ContractViolation("tensor '" + name + "': shape and values are required");
    }
    long count = elementCount(name, shape);
    if (count != values.length) {
      throw new ContractViolation("tensor '" + name + "': shape " + Arrays.toString(shape) + " has " + count
          + " elements but " + values.length + " values were given");
    }
    shape = shape.clone();
  }

  public static FloatTensor f32(String name, long[] shape, float[] values) {
    return new FloatTensor(name, DType.F32, shape, values);
  }

  public static FloatTensor f16(String name, long[] shape, float[] values) {
    return new FloatTensor(name, DType.F16, shape, values);
  }

  /** The number of elements of {@code shape}; refuses negative dims and products beyond a Java array. */
  static long elementCount(String name, long[] shape) {
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = shape[i];
      if (d < 0) {
        throw new ContractViolation("tensor '" + name + "': dim " + i + " is negative (" + d + ")");
      }
      if (d != 0 && count > Integer.MAX_VALUE / d) {
        throw new ContractViolation("tensor '" + name + "': shape " + Arrays.toString(shape)
            + " has more elements than fit one array");
      }
      count *= d;
    }
    return count;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The size of dim {@code i}. */
  public long dim(int i) {
    return shape[i];
  }

  public int rank() {
    return shape.length;
  }

  /** Bytes of the data on the wire. */
  public long byteSize() {
    return (long) values.length * dtype.bytes();
  }

  /** Refuses this tensor unless it has exactly {@code expected} shape (use -1 for a dim that may be any size). */
  public FloatTensor requireShape(long... expected) {
    boolean ok = expected.length == shape.length;
    for (int i = 0; ok && i < expected.length; i++) {
      ok = expected[i] < 0 || expected[i] == shape[i];
    }
    if (!ok) {
      throw new ContractViolation("tensor '" + name + "': shape " + Arrays.toString(shape) + " does not match "
          + Arrays.toString(expected).replace("-1", "*"));
    }
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
        && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + dtype.hashCode()) + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "FloatTensor[" + name + " " + dtype + " " + Arrays.toString(shape) + "]";
  }
}
