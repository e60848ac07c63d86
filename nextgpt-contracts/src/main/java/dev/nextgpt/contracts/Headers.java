package dev.nextgpt.contracts;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one registry of Kafka header names. Header values are UTF-8 strings. The job id header repeats the record key
 * so that tools which only see headers (tracing, dead-letter inspection) still know the job.
 */
public final class Headers {
  /** The job id; equal to the record key and to {@code jobId} in the payload. */
  public static final String JOB_ID = "nextgpt-job-id";
  /** The tenant that owns the job; equal to {@code tenant} in the payload. */
  public static final String TENANT = "nextgpt-tenant";
  /** W3C trace context, as OpenTelemetry's Kafka propagation writes it. */
  public static final String TRACEPARENT = "traceparent";
  /** W3C trace state (optional). */
  public static final String TRACESTATE = "tracestate";
  /** The payload's schema version, e.g. {@code 1}; equal to {@code schema} in the payload. */
  public static final String SCHEMA_VERSION = "nextgpt-schema";
  /** The payload's message type, e.g. {@code job.requested}; equal to {@code type} in the payload. */
  public static final String MESSAGE_TYPE = "nextgpt-type";
  /** The payload's media type; {@link #JSON} for every message of the contract. */
  public static final String CONTENT_TYPE = "content-type";
  /** Set when a payload was moved to the object store: the claim-check key (see {@link ClaimCheck}). */
  public static final String CLAIM_CHECK = "nextgpt-claim-check";

  /** Dead letters: the class of the error that made the consumer give up on the record. */
  public static final String DLQ_ERROR_CLASS = "nextgpt-dlq-error-class";
  /** Dead letters: the error's message (cut to {@link #MAX_VALUE_BYTES}). */
  public static final String DLQ_ERROR_MESSAGE = "nextgpt-dlq-error-message";
  /** Dead letters: where the record was read. */
  public static final String DLQ_SOURCE_TOPIC = "nextgpt-dlq-source-topic";
  public static final String DLQ_SOURCE_PARTITION = "nextgpt-dlq-source-partition";
  public static final String DLQ_SOURCE_OFFSET = "nextgpt-dlq-source-offset";
  /** Dead letters: the consumer group (service) that gave up on it. */
  public static final String DLQ_GROUP = "nextgpt-dlq-group";

  /** Media type of message payloads. */
  public static final String JSON = "application/json";
  /** Media type of safetensors blobs (inline tensor payloads and claim-checked objects). */
  public static final String SAFETENSORS = "application/vnd.safetensors";

  /** Header values longer than this are refused (a header is metadata, never a payload). */
  public static final int MAX_VALUE_BYTES = 1024;

  private Headers() {}

  /** Encodes a header value. */
  public static byte[] value(String text) {
    if (text == null) {
      throw new ContractViolation("header value must not be null");
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_VALUE_BYTES) {
      throw new ContractViolation("header value is " + bytes.length + " bytes, limit " + MAX_VALUE_BYTES);
    }
    return bytes;
  }

  /** Decodes a header value strictly: missing, oversized or malformed UTF-8 values are refused. */
  public static String text(String name, byte[] value) {
    if (value == null) {
      throw new ContractViolation("header " + name + ": is missing");
    }
    if (value.length > MAX_VALUE_BYTES) {
      throw new ContractViolation("header " + name + ": value is " + value.length + " bytes, limit " + MAX_VALUE_BYTES);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      throw new ContractViolation("header " + name + ": value is not valid UTF-8", e);
    }
  }

  /** Decodes and validates the {@link #JOB_ID} header. */
  public static String jobId(byte[] value) {
    return Identifiers.requireJobId(text(JOB_ID, value), "header " + JOB_ID);
  }

  /** Decodes and validates the {@link #TENANT} header. */
  public static String tenant(byte[] value) {
    return Identifiers.requireTenant(text(TENANT, value), "header " + TENANT);
  }

  /** Decodes and validates the {@link #SCHEMA_VERSION} header. */
  public static int schemaVersion(byte[] value) {
    String text = text(SCHEMA_VERSION, value);
    if (!text.matches("[1-9][0-9]{0,8}")) {
      throw new ContractViolation("header " + SCHEMA_VERSION + ": '" + Identifiers.abbreviate(text)
          + "' is not a positive integer");
    }
    return Integer.parseInt(text);
  }

  /** Decodes and validates the {@link #TRACEPARENT} header. */
  public static TraceParent traceParent(byte[] value) {
    return TraceParent.parse(text(TRACEPARENT, value));
  }
}
