package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Set;

/**
 * One attempt of the gateway to deliver a job's webhook, carried by a {@code webhook_attempt} {@link JobEvent}.
 *
 * @param eventId the webhook's {@code X-NextGPT-Event-Id}: the same for every attempt of one terminal state
 * @param jobStatus the terminal status the webhook reports: {@code succeeded}, {@code failed} or {@code cancelled}
 * @param attempt 1 for the first attempt
 * @param delivered whether the target answered 2xx
 * @param httpStatus the target's HTTP status (null: no answer)
 * @param error why the attempt failed (null when delivered)
 */
public record WebhookAttempt(
    String eventId,
    String jobStatus,
    @JsonProperty(required = true) int attempt,
    @JsonProperty(required = true) boolean delivered,
    Integer httpStatus,
    String error) {
  public static final int MAX_ATTEMPTS = 100;
  public static final Set<String> TERMINAL_STATUSES = Set.of("succeeded", "failed", "cancelled");

  public WebhookAttempt {
    Fields.required(eventId, "WebhookAttempt.eventId");
    if (!eventId.matches("evt-[0-9a-f-]{8,64}")) {
      throw Fields.violation("WebhookAttempt.eventId", "'" + eventId + "' is not 'evt-' and 8..64 hex digits or '-'");
    }
    Fields.required(jobStatus, "WebhookAttempt.jobStatus");
    if (!TERMINAL_STATUSES.contains(jobStatus)) {
      throw Fields.violation("WebhookAttempt.jobStatus", "'" + jobStatus + "' is not succeeded, failed or cancelled");
    }
    Fields.range(attempt, 1, MAX_ATTEMPTS, "WebhookAttempt.attempt");
    Fields.range(httpStatus, 100, 599, "WebhookAttempt.httpStatus");
    Fields.optionalText(error, "WebhookAttempt.error", Fields.MAX_REASON_CHARS);
    if (delivered && error != null) {
      throw Fields.violation("WebhookAttempt.error", "a delivered attempt has no error");
    }
  }
}
