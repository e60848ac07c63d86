package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.nextgpt.contracts.ContractViolation;
import java.time.Instant;

/**
 * Gateway → workers ({@code nextgpt.jobs.control}, compacted by job id): a command about a job. The latest command
 * per job is kept; a tombstone (null value) forgets the job once it is long finished.
 */
@JsonTypeName("control.command")
public record ControlCommand(
    @JsonProperty(required = true) int schema,
    String jobId,
    String tenant,
    Action action,
    String reason,
    Instant at) implements Message {
  /** The command. */
  public enum Action {
    /** Stop work on the job; emit a cancelled event; produce nothing more. */
    CANCEL;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    public static Action fromWire(String name) {
      for (Action a : values()) {
        if (a.wireName().equals(name)) {
          return a;
        }
      }
      throw new ContractViolation("unknown control action '" + name + "' (expected cancel)");
    }
  }

  public ControlCommand {
    Fields.schema(schema, "ControlCommand");
    Fields.jobId(jobId, "ControlCommand");
    Fields.tenant(tenant, "ControlCommand");
    Fields.required(action, "ControlCommand.action");
    Fields.optionalText(reason, "ControlCommand.reason", Fields.MAX_REASON_CHARS);
    Fields.required(at, "ControlCommand.at");
  }

  public static ControlCommand cancel(String jobId, String tenant, String reason, Instant at) {
    return new ControlCommand(Messages.SCHEMA, jobId, tenant, Action.CANCEL, reason, at);
  }
}
