package dev.nextgpt.contracts.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nextgpt.contracts.ContractViolation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorCodecTest {
  private final TensorCodec codec = new TensorCodec();

  @Test
  void f32AndF16TensorsRoundTripWithMetadata() {
    float[] hidden = {0.1f, -2.5f, 3.14159f, 1e-3f, 70000f, -0f};
    NamedTensors in = new NamedTensors(List.of(
        FloatTensor.f16("signal_hidden", new long[] {2, 3}, hidden),
        FloatTensor.f32("scale", new long[] {}, new float[] {0.18215f}),
        FloatTensor.f32("empty", new long[] {0, 4}, new float[0])), Map.of("modality", "image"));
    byte[] blob = codec.encode(in);
    long headerLength = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, headerLength % 8, "data starts 8-byte aligned");
    assertEquals(8 + headerLength + 6 * 2 + 4, blob.length);

    NamedTensors out = codec.decode(blob);
    assertEquals(Map.of("modality", "image"), out.metadata());
    assertEquals(List.of("signal_hidden", "scale", "empty"), out.tensors().stream().map(FloatTensor::name).toList());
    FloatTensor h = out.require("signal_hidden");
    assertEquals(DType.F16, h.dtype());
    assertArrayEquals(new long[] {2, 3}, h.shape());
    for (int i = 0; i < hidden.length; i++) {
      assertEquals(Half.round(hidden[i]), h.values()[i], "element " + i);
    }
    assertEquals(Float.POSITIVE_INFINITY, h.values()[4]);
    assertArrayEquals(new float[] {0.18215f}, out.require("scale").values());
    assertEquals(0, out.require("empty").values().length);
    assertArrayEquals(blob, codec.encode(out), "re-encoding what was decoded gives the same bytes");
  }

  @Test
  void readsABlobWrittenByAnIndependentWriterWithNumpyRounding() throws IOException {
    byte[] blob = resource("golden/golden.safetensors");
    JsonNode expected = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
        .readTree(resource("golden/golden.json"));
    NamedTensors tensors = codec.decode(blob);
    assertEquals(Map.of("producer", "make_golden.py"), tensors.metadata());

    FloatTensor hidden = tensors.require("signal_hidden").requireShape(4, 6);
    JsonNode bits = expected.get("signal_hidden").get("bits");
    JsonNode source = expected.get("signal_hidden").get("source");
    for (int i = 0; i < hidden.values().length; i++) {
      assertEquals(bits.get(i).intValue(), Half.fromFloat(hidden.values()[i]) & 0xffff, "decoded element " + i);
      assertEquals(bits.get(i).intValue(), Half.fromFloat((float) source.get(i).doubleValue()) & 0xffff,
          "numpy and Half round element " + i + " (" + source.get(i) + ") alike");
    }
    FloatTensor embeds = tensors.require("embeds").requireShape(3, 4);
    for (int i = 0; i < 12; i++) {
      assertEquals((float) expected.get("embeds").get("values").get(i).doubleValue(), embeds.values()[i]);
    }
  }

  @Test
  void truncatedPayloadsAreRefused() {
    refused(new byte[5], "safetensors: truncated: 5 bytes, the 8-byte header length is missing");
    byte[] blob = codec.encode(NamedTensors.of(FloatTensor.f32("x", new long[] {2}, new float[] {1, 2})));
    byte[] cut = java.util.Arrays.copyOf(blob, 20);
    refused(cut, "safetensors: truncated: header length");
    byte[] lessData = java.util.Arrays.copyOf(blob, blob.length - 1);
    refused(lessData, "safetensors: tensor 'x': data_offsets [0, 8] out of range: the data section is 7 bytes");
  }

  @Test
  void headerLengthsThatOverflowOrExceedTheLimitAreRefused() {
    refused(withLength(-1L, "{}"), "safetensors: header length 18446744073709551615 exceeds limit 1048576");
    refused(withLength(Long.MAX_VALUE, "{}"), "exceeds limit");
    refused(withLength((1L << 20) + 1, "{}"), "header length 1048577 exceeds limit 1048576");
    refused(withLength(1L << 19, "{}"), "safetensors: truncated: header length 524288 but only 2 bytes follow");
  }

  @Test
  void offsetsOutOfRangeOverlappingOrLeavingHolesAreRefused() {
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 4),
        "out of range: the data section is 4 bytes");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8), "begin after end");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "tensors 'a' and 'b' overlap");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
        "bytes [0, 4) of the data section belong to no tensor");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12),
        "the data section has 8 trailing bytes that belong to no tensor");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", 4),
        "data_offsets[1] must be a non-negative integer");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4),
        "data_offsets[0] must be a non-negative integer");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4),
        "data_offsets must be an array [begin, end]");
  }

  @Test
  void unknownOrUnacceptedDtypesAreRefused() {
    refused(blob("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
        "safetensors: tensor 'a': unknown dtype 'Q4'");
    refused(blob("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
        "safetensors: tensor 'a': dtype BF16 is not accepted (only F32 and F16)");
    refused(blob("{\"a\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype 'f32'");
    refused(blob("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "dtype is missing or not a string");
  }

  @Test
  void shapesThatDisagreeWithTheByteRangeAreRefused() {
    refused(blob("{\"a\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
        "safetensors: tensor 'a': shape [3] of F16 needs 6 bytes but data_offsets [0, 8] span 8");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "shape[0] must be a non-negative");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "shape[0] must be a non-negative");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", 4),
        "has more elements than fit one array");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4),
        "rank 9 exceeds limit 8");
  }

  @Test
  void malformedHeadersAreRefused() {
    refused(blob("[1,2]", 0), "header must be a JSON object starting with '{'");
    refused(blob("{\"a\":", 0), "header is not valid JSON");
    refused(blob("{} {}", 0), "header is not valid JSON");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "Duplicate field 'a'");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", 4),
        "tensor 'a': unknown field 'extra'");
    refused(blob("{\"a\":7}", 0), "tensor 'a': entry must be an object");
    refused(blob("{\"__metadata__\":{\"k\":1}}", 0), "metadata 'k' must be a string");
    refused(blob("{\"__metadata__\":[]}", 0), "__metadata__ must be an object of strings");
    refused(blob("{\"\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor name must be 1..256");
    byte[] badUtf8 = blob("{\"\u00e9\":1}", 0);
    badUtf8[10] = (byte) 0xff;
    refused(badUtf8, "header is not valid UTF-8");
    refused(blob("{\"a\":{\"dtype\":\"F32\",\"shape\":[[[[1]]]],\"data_offsets\":[0,4]}}", 4), "header is not valid JSON");
  }

  @Test
  void limitsOnTensorCountElementsAndMetadataHold() {
    TensorCodec strict = new TensorCodec(new TensorCodec.Limits(4096, 2, 4, 10, 1));
    StringBuilder three = new StringBuilder("{");
    for (int i = 0; i < 3; i++) {
      three.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[")
          .append(4 * i).append(',').append(4 * i + 4).append("]}");
    }
    refused(strict, blob(three.append('}').toString(), 12), "more than 2 tensors");
    refused(strict, blob("{\"a\":{\"dtype\":\"F16\",\"shape\":[11],\"data_offsets\":[0,22]}}", 22),
        "tensors declare more than 10 elements");
    refused(strict, blob("{\"__metadata__\":{\"a\":\"1\",\"b\":\"2\"}}", 0), "2 metadata entries, limit 1");
    var e = assertThrows(ContractViolation.class, () -> strict.encode(NamedTensors.of(
        FloatTensor.f32("big", new long[] {11}, new float[11]))));
    assertTrue(e.getMessage().contains("limit 10"), e.getMessage());
  }

  @Test
  void tensorsThatDisagreeWithTheirOwnShapeCannotBeBuilt() {
    var e = assertThrows(ContractViolation.class, () -> FloatTensor.f32("x", new long[] {2, 2}, new float[3]));
    assertEquals("tensor 'x': shape [2, 2] has 4 elements but 3 values were given", e.getMessage());
    assertThrows(ContractViolation.class, () -> FloatTensor.f32("__metadata__", new long[] {1}, new float[1]));
    assertThrows(ContractViolation.class, () -> NamedTensors.of(FloatTensor.f32("x", new long[] {1}, new float[1]),
        FloatTensor.f32("x", new long[] {1}, new float[1])));
    var shape = assertThrows(ContractViolation.class,
        () -> FloatTensor.f32("h", new long[] {4, 8}, new float[32]).requireShape(8, -1));
    assertEquals("tensor 'h': shape [4, 8] does not match [8, *]", shape.getMessage());
    var missing = assertThrows(ContractViolation.class, () -> NamedTensors.of().require("signal_hidden"));
    assertEquals("tensor 'signal_hidden' is missing (present: [])", missing.getMessage());
  }

  private void refused(byte[] blob, String expected) {
    refused(codec, blob, expected);
  }

  private static void refused(TensorCodec codec, byte[] blob, String expected) {
    var e = assertThrows(ContractViolation.class, () -> codec.decode(blob));
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }

  /** A blob with this header text and {@code dataBytes} zero bytes of data. */
  private static byte[] blob(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(h.length).put(h).array();
  }

  private static byte[] withLength(long declared, String header) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).put(h).array();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TensorCodecTest.class.getClassLoader().getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
