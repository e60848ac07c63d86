package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.Headers;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The one JSON codec of the message contract, with the rules every consumer applies:
 *
 * <ul>
 *   <li>{@code schema} must be {@value #SCHEMA}; {@code type} must name the expected message;
 *   <li>values are checked by the records' constructors (ids, ranges, cross-field rules), numbers are not read from
 *       strings, duplicate keys and trailing content are refused;
 *   <li>unknown fields are ignored, so a field added within a schema version does not break older readers.
 * </ul>
 *
 * A refused payload throws {@link ContractViolation} naming the message type and the JSON path.
 */
public final class Messages {
  /** The schema version this build writes and reads. */
  public static final int SCHEMA = 1;
  /** Conversations longer than this are refused. */
  public static final int MAX_TURNS = 64;
  /** Payloads larger than this are refused before parsing (inline tensors are base64, up to 8 MiB raw). */
  public static final int MAX_MESSAGE_BYTES = 16 << 20;

  private static final ObjectMapper MAPPER = newMapper();

  private Messages() {}

  private static ObjectMapper newMapper() {
    JsonFactory factory = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(32).maxStringLength(MAX_MESSAGE_BYTES).maxNumberLength(32).build())
        .build();
    return JsonMapper.builder(factory)
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
  }

  /** A copy of the contract's mapper (for tools and tests that need JSON trees). */
  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }

  /** The wire name of a message type, e.g. {@code job.requested}. */
  public static String typeName(Class<? extends Message> type) {
    JsonTypeName name = type.getAnnotation(JsonTypeName.class);
    return name != null ? name.value() : type.getSimpleName();
  }

  /** Serializes a message to UTF-8 JSON. */
  public static byte[] encode(Message message) {
    try {
      return MAPPER.writerFor(Message.class).writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a valid message always serializes: " + message, e);
    }
  }

  /** Parses and validates a message of the given type ({@link Message} or {@link TextMessage} for unions). */
  public static <T extends Message> T decode(byte[] json, Class<T> type) {
    String what = type.isInterface() ? type.getSimpleName() : typeName(type);
    if (json == null) {
      throw new ContractViolation(what + ": payload is missing (a tombstone?)");
    }
    if (json.length > MAX_MESSAGE_BYTES) {
      throw new ContractViolation(what + ": payload is " + json.length + " bytes, limit " + MAX_MESSAGE_BYTES);
    }
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) {
        throw new ContractViolation(what + ": payload is JSON null");
      }
      return value;
    } catch (JsonMappingException e) {
      ContractViolation rule = findViolation(e);
      String path = path(e);
      String where = what + (path.isEmpty() ? "" : " at " + path);
      throw new ContractViolation(where + ": " + (rule != null ? rule.getMessage() : e.getOriginalMessage()), e);
    } catch (JsonProcessingException e) {
      throw new ContractViolation(what + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("reading a byte array cannot fail", e);
    }
  }

  /** The headers a producer sets for {@code message}: job id, tenant, schema version, type, content type. */
  public static Map<String, byte[]> headers(Message message) {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    headers.put(Headers.JOB_ID, Headers.value(message.jobId()));
    headers.put(Headers.TENANT, Headers.value(message.tenant()));
    headers.put(Headers.SCHEMA_VERSION, Headers.value(Integer.toString(message.schema())));
    headers.put(Headers.MESSAGE_TYPE, Headers.value(typeName(message.getClass())));
    headers.put(Headers.CONTENT_TYPE, Headers.value(Headers.JSON));
    return headers;
  }

  /**
   * Refuses a record whose key or headers disagree with its payload. {@code header} looks a header's value up by
   * name (with Kafka: {@code name -> record.headers().lastHeader(name) == null ? null : ….value()}).
   */
  public static void checkRecord(String key, Function<String, byte[]> header, Message message) {
    String type = typeName(message.getClass());
    if (!message.jobId().equals(key)) {
      throw new ContractViolation(type + ": record key '" + key + "' is not the job id '" + message.jobId() + "'");
    }
    if (!message.jobId().equals(Headers.jobId(header.apply(Headers.JOB_ID)))) {
      throw new ContractViolation(type + ": header " + Headers.JOB_ID + " is not the job id '" + message.jobId() + "'");
    }
    if (!message.tenant().equals(Headers.tenant(header.apply(Headers.TENANT)))) {
      throw new ContractViolation(type + ": header " + Headers.TENANT + " is not the tenant '" + message.tenant() + "'");
    }
    int schema = Headers.schemaVersion(header.apply(Headers.SCHEMA_VERSION));
    if (schema != message.schema()) {
      throw new ContractViolation(type + ": header " + Headers.SCHEMA_VERSION + " " + schema + " but payload schema "
          + message.schema());
    }
    String headerType = Headers.text(Headers.MESSAGE_TYPE, header.apply(Headers.MESSAGE_TYPE));
    if (!headerType.equals(type)) {
      throw new ContractViolation(type + ": header " + Headers.MESSAGE_TYPE + " says '" + headerType + "'");
    }
  }

  private static ContractViolation findViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ContractViolation v) {
        return v;
      }
    }
    return null;
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
