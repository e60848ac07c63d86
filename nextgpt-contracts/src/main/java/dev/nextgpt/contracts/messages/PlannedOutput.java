package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.contracts.Modality;

/** A media output the LLM emitted a signal group for; a decoder will store it as (modality, index). */
public record PlannedOutput(Modality modality, @JsonProperty(required = true) int outputIndex) {
  public PlannedOutput {
    Fields.required(modality, "PlannedOutput.modality");
    Fields.range(outputIndex, 0, IdempotencyKey.MAX_OUTPUT_INDEX, "PlannedOutput.outputIndex");
  }
}
