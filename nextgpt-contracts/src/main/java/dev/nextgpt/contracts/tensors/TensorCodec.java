package dev.nextgpt.contracts.tensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.contracts.ContractViolation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the little-endian data. Only F32 and F16 are accepted. Every rule of the format
 * is checked, and {@link Limits} bound what a hostile payload can make the reader allocate; a refused payload throws
 * {@link ContractViolation} with a message that names the tensor and the rule.
 */
public final class TensorCodec {
  /** The header key that holds string metadata instead of a tensor. */
  public static final String METADATA_KEY = "__metadata__";

  /** Dtypes of the safetensors format that this codec knows but does not accept (for a clearer refusal). */
  private static final Set<String> OTHER_SAFETENSORS_DTYPES = Set.of("BOOL", "U8", "I8", "I16", "U16", "BF16", "I32",
      "U32", "F64", "I64", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64");
  private static final Set<String> TENSOR_FIELDS = Set.of("dtype", "shape", "data_offsets");

  /**
   * Bounds on what a payload may declare.
   *
   * @param maxHeaderBytes the JSON header's length limit
   * @param maxTensors how many tensors one payload may hold
   * @param maxRank how many dims one tensor may have
   * @param maxElements how many elements all tensors together may have
   * @param maxMetadataEntries how many {@code __metadata__} entries one payload may hold
   */
  public record Limits(int maxHeaderBytes, int maxTensors, int maxRank, long maxElements, int maxMetadataEntries) {
    public Limits {
      if (maxHeaderBytes < 2 || maxTensors < 1 || maxRank < 0 || maxElements < 0 || maxMetadataEntries < 0) {
        throw new IllegalArgumentException("invalid tensor codec limits");
      }
    }
  }

  /**
   * Defaults sized for the contract's payloads (a few [N, 4096] fp16 tensors per message) with room to spare:
   * 1 MiB header, 256 tensors, rank 8, 256 M elements, 64 metadata entries.
   */
  public static final Limits DEFAULT_LIMITS = new Limits(1 << 20, 256, 8, 256L << 20, 64);

  private final Limits limits;
  private final ObjectMapper json;

  public TensorCodec() {
    this(DEFAULT_LIMITS);
  }

  public TensorCodec(Limits limits) {
    this.limits = limits;
    JsonFactory factory = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(4).maxNumberLength(20).maxStringLength(limits.maxHeaderBytes()).build())
        .build();
    this.json = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  public Limits limits() {
    return limits;
  }

  /** Encodes tensors (in order) and metadata as one safetensors blob. */
  public byte[] encode(NamedTensors tensors) {
    checkCounts(tensors.tensors().size(), tensors.metadata().size());
    long elements = 0;
    for (FloatTensor t : tensors.tensors()) {
      if (t.rank() > limits.maxRank()) {
        throw new ContractViolation("tensor '" + t.name() + "': rank " + t.rank() + " exceeds limit " + limits.maxRank());
      }
      elements += t.values().length;
    }
    if (elements > limits.maxElements()) {
      throw new ContractViolation("tensors have " + elements + " elements, limit " + limits.maxElements());
    }
    byte[] header = header(tensors);
    int padded = (header.length + 7) & ~7; // 8-byte alignment of the data, as the reference writer does
    if (padded > limits.maxHeaderBytes()) {
      throw new ContractViolation("header is " + padded + " bytes, limit " + limits.maxHeaderBytes());
    }
    long dataBytes = tensors.tensors().stream().mapToLong(FloatTensor::byteSize).sum();
    long total = 8L + padded + dataBytes;
    if (total > Integer.MAX_VALUE - 16) {
      throw new ContractViolation("payload of " + total + " bytes does not fit one array");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded);
    out.put(header);
    for (int i = header.length; i < padded; i++) {
      out.put((byte) ' ');
    }
    for (FloatTensor t : tensors.tensors()) {
      float[] v = t.values();
      if (t.dtype() == DType.F32) {
        for (float f : v) {
          out.putFloat(f);
        }
      } else {
        for (float f : v) {
          out.putShort(Half.fromFloat(f));
        }
      }
    }
    return out.array();
  }

  private byte[] header(NamedTensors tensors) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = json.getFactory().createGenerator(bytes)) {
      g.writeStartObject();
      if (!tensors.metadata().isEmpty()) {
        g.writeObjectFieldStart(METADATA_KEY);
        for (Map.Entry<String, String> e : tensors.metadata().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      long offset = 0;
      for (FloatTensor t : tensors.tensors()) {
        g.writeObjectFieldStart(t.name());
        g.writeStringField("dtype", t.dtype().safetensorsName());
        g.writeArrayFieldStart("shape");
        for (long d : t.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(offset);
        offset += t.byteSize();
        g.writeNumber(offset);
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /** Decodes a safetensors blob, refusing anything that breaks the format or the limits. */
  public NamedTensors decode(byte[] blob) {
    if (blob == null) {
      throw new ContractViolation("safetensors: payload is missing");
    }
    if (blob.length < 8) {
      throw new ContractViolation("safetensors: truncated: " + blob.length
          + " bytes, the 8-byte header length is missing");
    }
    ByteBuffer in = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = in.getLong(0);
    if (headerLength < 0 || headerLength > limits.maxHeaderBytes()) {
      throw new ContractViolation("safetensors: header length " + Long.toUnsignedString(headerLength)
          + " exceeds limit " + limits.maxHeaderBytes());
    }
    if (headerLength > blob.length - 8L) {
      throw new ContractViolation("safetensors: truncated: header length " + headerLength + " but only "
          + (blob.length - 8) + " bytes follow");
    }
    if (headerLength < 2 || blob[8] != '{') {
      throw new ContractViolation("safetensors: header must be a JSON object starting with '{'");
    }
    int dataStart = 8 + (int) headerLength;
    long dataLength = blob.length - (long) dataStart;
    JsonNode root = parseHeader(blob, (int) headerLength);

    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    long totalElements = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals(METADATA_KEY)) {
        readMetadata(field.getValue(), metadata);
        continue;
      }
      checkCounts(entries.size() + 1, 0);
      Entry entry = readEntry(field.getKey(), field.getValue(), dataLength);
      totalElements += entry.elements;
      if (totalElements > limits.maxElements()) {
        throw new ContractViolation("safetensors: tensors declare more than " + limits.maxElements() + " elements");
      }
      entries.add(entry);
    }
    checkCoverage(entries, dataLength);

    List<FloatTensor> tensors = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      float[] values = new float[(int) e.elements];
      int pos = dataStart + (int) e.begin;
      if (e.dtype == DType.F32) {
        for (int i = 0; i < values.length; i++, pos += 4) {
          values[i] = in.getFloat(pos);
        }
      } else {
        for (int i = 0; i < values.length; i++, pos += 2) {
          values[i] = Half.toFloat(in.getShort(pos));
        }
      }
      tensors.add(new FloatTensor(e.name, e.dtype, e.shape, values));
    }
    return new NamedTensors(tensors, metadata);
  }

  private JsonNode parseHeader(byte[] blob, int length) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(blob, 8, length)).toString();
    } catch (CharacterCodingException e) {
      throw new ContractViolation("safetensors: header is not valid UTF-8", e);
    }
    try (JsonParser parser = json.getFactory().createParser(text)) {
      JsonNode root = json.readTree(parser);
      if (root == null || !root.isObject()) {
        throw new ContractViolation("safetensors: header must be a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new ContractViolation("safetensors: header is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
  }

  private void readMetadata(JsonNode node, Map<String, String> metadata) {
    if (!node.isObject()) {
      throw new ContractViolation("safetensors: " + METADATA_KEY + " must be an object of strings");
    }
    if (node.size() > limits.maxMetadataEntries()) {
      throw new ContractViolation("safetensors: " + node.size() + " metadata entries, limit "
          + limits.maxMetadataEntries());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new ContractViolation("safetensors: metadata '" + e.getKey() + "' must be a string");
      }
      metadata.put(e.getKey(), e.getValue().textValue());
    }
  }

  private Entry readEntry(String name, JsonNode node, long dataLength) {
    String where = "safetensors: tensor '" + abbreviate(name) + "': ";
    if (name.isEmpty() || name.length() > FloatTensor.MAX_NAME_LENGTH) {
      throw new ContractViolation("safetensors: tensor name must be 1.." + FloatTensor.MAX_NAME_LENGTH + " characters");
    }
    if (!node.isObject()) {
      throw new ContractViolation(where + "entry must be an object with dtype, shape and data_offsets");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!TENSOR_FIELDS.contains(f)) {
        throw new ContractViolation(where + "unknown field '" + abbreviate(f) + "'");
      }
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new ContractViolation(where + "dtype is missing or not a string");
    }
    DType dtype = dtype(where, dtypeNode.textValue());

    JsonNode shapeNode = node.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new ContractViolation(where + "shape is missing or not an array");
    }
    if (shapeNode.size() > limits.maxRank()) {
      throw new ContractViolation(where + "rank " + shapeNode.size() + " exceeds limit " + limits.maxRank());
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = nonNegativeLong(where + "shape[" + i + "]", shapeNode.get(i));
    }
    long elements = FloatTensor.elementCount(name, shape);

    JsonNode offsets = node.get("data_offsets");
    if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
      throw new ContractViolation(where + "data_offsets must be an array [begin, end]");
    }
    long begin = nonNegativeLong(where + "data_offsets[0]", offsets.get(0));
    long end = nonNegativeLong(where + "data_offsets[1]", offsets.get(1));
    if (begin > end) {
      throw new ContractViolation(where + "data_offsets [" + begin + ", " + end + "] begin after end");
    }
    if (end > dataLength) {
      throw new ContractViolation(where + "data_offsets [" + begin + ", " + end + "] out of range: the data section is "
          + dataLength + " bytes");
    }
    long expected = elements * dtype.bytes();
    if (end - begin != expected) {
      throw new ContractViolation(where + "shape " + Arrays.toString(shape) + " of " + dtype + " needs " + expected
          + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
    }
    return new Entry(name, dtype, shape, elements, begin, end);
  }

  private static DType dtype(String where, String name) {
    for (DType d : DType.values()) {
      if (d.safetensorsName().equals(name)) {
        return d;
      }
    }
    if (OTHER_SAFETENSORS_DTYPES.contains(name)) {
      throw new ContractViolation(where + "dtype " + name + " is not accepted (only F32 and F16)");
    }
    throw new ContractViolation(where + "unknown dtype '" + abbreviate(name) + "'");
  }

  private static long nonNegativeLong(String where, JsonNode n) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
      throw new ContractViolation(where + " must be a non-negative integer, was " + n);
    }
    return n.longValue();
  }

  /** Tensors must tile the data section exactly: no overlap, no hole, nothing after the last one. */
  private static void checkCoverage(List<Entry> entries, long dataLength) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
    long covered = 0;
    Entry previous = null;
    for (Entry e : sorted) {
      if (e.begin < covered) {
        throw new ContractViolation("safetensors: tensors '" + abbreviate(previous.name) + "' and '"
            + abbreviate(e.name) + "' overlap");
      }
      if (e.begin > covered) {
        throw new ContractViolation("safetensors: bytes [" + covered + ", " + e.begin + ") of the data section"
            + " belong to no tensor");
      }
      covered = e.end;
      previous = e;
    }
    if (covered != dataLength) {
      throw new ContractViolation("safetensors: the data section has " + (dataLength - covered)
          + " trailing bytes that belong to no tensor");
    }
  }

  private void checkCounts(int tensors, int metadataEntries) {
    if (tensors > limits.maxTensors()) {
      throw new ContractViolation("safetensors: more than " + limits.maxTensors() + " tensors");
    }
    if (metadataEntries > limits.maxMetadataEntries()) {
      throw new ContractViolation("safetensors: " + metadataEntries + " metadata entries, limit "
          + limits.maxMetadataEntries());
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private record Entry(String name, DType dtype, long[] shape, long elements, long begin, long end) {}
}
