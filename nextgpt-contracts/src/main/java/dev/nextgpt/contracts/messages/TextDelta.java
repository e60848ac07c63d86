package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * LLM → gateway ({@code nextgpt.jobs.text}): the next piece of generated text. {@code sequence} counts from 0 per
 * job, so a consumer drops duplicates and notices gaps.
 */
@JsonTypeName("text.delta")
public record TextDelta(
    @JsonProperty(required = true) int schema,
    String jobId,
    String tenant,
    @JsonProperty(required = true) long sequence,
    String text) implements TextMessage {
  public TextDelta {
    Fields.schema(schema, "TextDelta");
    Fields.jobId(jobId, "TextDelta");
    Fields.tenant(tenant, "TextDelta");
    if (sequence < 0) {
      throw Fields.violation("TextDelta.sequence", "must be >= 0, was " + sequence);
    }
    Fields.text(text, "TextDelta.text", Fields.MAX_TEXT_CHARS);
  }
}
