package dev.nextgpt.gateway;

import dev.nextgpt.contracts.Stage;
import java.time.Instant;

/** How far one stage (and output, for decoders) of a job is: 0..1. */
public record StageProgress(Stage stage, Integer outputIndex, double progress, Instant at) {
}
