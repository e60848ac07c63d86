package dev.nextgpt.gateway;

import dev.nextgpt.contracts.messages.WebhookAttempt;
import java.time.Instant;

/** One recorded webhook delivery attempt and when it happened. */
public record DeliveryAttempt(WebhookAttempt attempt, Instant at) {
}
