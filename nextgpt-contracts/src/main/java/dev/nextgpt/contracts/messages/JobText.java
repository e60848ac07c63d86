package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.nextgpt.contracts.ContractViolation;
import java.util.List;

/**
 * LLM → gateway ({@code nextgpt.jobs.text}): the final text (signal tokens removed) and every media output the
 * decoders will deliver; the job is complete when each planned output has an {@link OutputStored}.
 */
@JsonTypeName("job.text")
public record JobText(
    @JsonProperty(required = true) int schema,
    String jobId,
    String tenant,
    String text,
    List<PlannedOutput> outputs,
    FinishReason finishReason) implements TextMessage {
  /** Why generation stopped. */
  public enum FinishReason {
    /** A stop string or the end-of-sequence token. */
    STOP,
    /** max_new_tokens reached. */
    LENGTH;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static FinishReason fromWire(String name) {
      for (FinishReason r : values()) {
        if (r.wireName().equals(name)) {
          return r;
        }
      }
      throw new ContractViolation("unknown finish reason '" + name + "' (expected stop or length)");
    }
  }

  public JobText {
    Fields.schema(schema, "JobText");
    Fields.jobId(jobId, "JobText");
    Fields.tenant(tenant, "JobText");
    // the final text may be empty when the answer is media only
    Fields.required(text, "JobText.text");
    if (text.length() > Fields.MAX_TEXT_CHARS) {
      throw Fields.violation("JobText.text", "is " + text.length() + " characters, limit " + Fields.MAX_TEXT_CHARS);
    }
    outputs = Fields.distinct(outputs, "JobText.outputs", Fields.MAX_LIST);
    Fields.required(finishReason, "JobText.finishReason");
  }
}
