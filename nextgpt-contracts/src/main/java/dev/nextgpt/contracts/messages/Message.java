package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message of the job pipeline. Every message names its {@code type} and {@code schema} version in the JSON and in
 * the headers, and carries the job id (also the record key) and the tenant.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(JobRequested.class), @JsonSubTypes.Type(JobEncoded.class),
    @JsonSubTypes.Type(SignalsReady.class), @JsonSubTypes.Type(TextDelta.class), @JsonSubTypes.Type(JobText.class),
    @JsonSubTypes.Type(OutputStored.class), @JsonSubTypes.Type(JobEvent.class),
    @JsonSubTypes.Type(ControlCommand.class)})
public sealed interface Message
    permits JobRequested, JobEncoded, SignalsReady, TextMessage, OutputStored, JobEvent, ControlCommand {
  int schema();

  String jobId();

  String tenant();
}
