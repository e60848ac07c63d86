package dev.nextgpt.gateway;

import dev.nextgpt.contracts.Stage;

/** Why a job failed: the stage that reported it and its reason. */
public record JobFailure(Stage stage, Integer outputIndex, String reason) {
}
