package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.contracts.Stage;
import java.time.Instant;

/**
 * Any service → gateway ({@code nextgpt.jobs.events}): progress of a stage, or the job's failure or cancellation;
 * and gateway → gateway: each attempt to deliver the job's webhook ({@code webhook_attempt}, stage {@code webhook}),
 * so every gateway replica shows the attempts and a new owner of the job does not resend a delivered one.
 *
 * @param outputIndex which output of a decoding stage (null for stages with one output)
 * @param progress 0..1 for {@code progress} events, null otherwise
 * @param reason required for {@code failed}; optional otherwise
 * @param webhook the delivery attempt, for {@code webhook_attempt} events only
 */
@JsonTypeName("job.event")
public record JobEvent(
    @JsonProperty(required = true) int schema,
    String jobId,
    String tenant,
    Kind kind,
    Stage stage,
    Integer outputIndex,
    Double progress,
    String reason,
    Instant at,
    WebhookAttempt webhook) implements Message {
  /** What happened. */
  public enum Kind {
    PROGRESS, FAILED, CANCELLED,
    /** The gateway tried to deliver the job's webhook (see {@link WebhookAttempt}). */
    WEBHOOK_ATTEMPT;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static Kind fromWire(String name) {
      for (Kind k : values()) {
        if (k.wireName().equals(name)) {
          return k;
        }
      }
      throw new ContractViolation("unknown event kind '" + name
          + "' (expected progress, failed, cancelled or webhook_attempt)");
    }
  }

  public JobEvent {
    Fields.schema(schema, "JobEvent");
    Fields.jobId(jobId, "JobEvent");
    Fields.tenant(tenant, "JobEvent");
    Fields.required(kind, "JobEvent.kind");
    Fields.required(stage, "JobEvent.stage");
    Fields.range(outputIndex, 0, IdempotencyKey.MAX_OUTPUT_INDEX, "JobEvent.outputIndex");
    Fields.required(at, "JobEvent.at");
    Fields.optionalText(reason, "JobEvent.reason", Fields.MAX_REASON_CHARS);
    if (kind == Kind.PROGRESS) {
      Fields.required(progress, "JobEvent.progress");
      Fields.range(progress, 0.0, 1.0, true, "JobEvent.progress");
    } else if (progress != null) {
      throw Fields.violation("JobEvent.progress", "only progress events carry progress");
    }
    if (kind == Kind.FAILED) {
      Fields.required(reason, "JobEvent.reason");
    }
    if (kind == Kind.WEBHOOK_ATTEMPT) {
      Fields.required(webhook, "JobEvent.webhook");
      if (stage != Stage.WEBHOOK) {
        throw Fields.violation("JobEvent.stage", "a webhook attempt has stage webhook, was " + stage.wireName());
      }
    } else if (webhook != null) {
      throw Fields.violation("JobEvent.webhook", "only webhook_attempt events carry a webhook attempt");
    }
  }

  /** An event without a webhook attempt. */
  public JobEvent(int schema, String jobId, String tenant, Kind kind, Stage stage, Integer outputIndex,
      Double progress, String reason, Instant at) {
    this(schema, jobId, tenant, kind, stage, outputIndex, progress, reason, at, null);
  }

  public static JobEvent progress(String jobId, String tenant, Stage stage, Integer outputIndex, double progress,
      Instant at) {
    return new JobEvent(Messages.SCHEMA, jobId, tenant, Kind.PROGRESS, stage, outputIndex, progress, null, at);
  }

  public static JobEvent failed(String jobId, String tenant, Stage stage, Integer outputIndex, String reason,
      Instant at) {
    return new JobEvent(Messages.SCHEMA, jobId, tenant, Kind.FAILED, stage, outputIndex, null, reason, at);
  }

  public static JobEvent cancelled(String jobId, String tenant, Stage stage, String reason, Instant at) {
    return new JobEvent(Messages.SCHEMA, jobId, tenant, Kind.CANCELLED, stage, null, null, reason, at);
  }

  public static JobEvent webhookAttempt(String jobId, String tenant, WebhookAttempt attempt, Instant at) {
    return new JobEvent(Messages.SCHEMA, jobId, tenant, Kind.WEBHOOK_ATTEMPT, Stage.WEBHOOK, null, null, null, at,
        attempt);
  }
}
