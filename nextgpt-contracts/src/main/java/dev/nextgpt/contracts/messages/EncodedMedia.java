package dev.nextgpt.contracts.messages;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.nextgpt.contracts.Modality;

/**
 * The LLM embeddings of one media part: the input projection's output for {@code turns[turn].content[part]},
 * a safetensors blob with one tensor {@value #TENSOR} of shape [n, H] (n = the bundle's tokens_per_item), F16.
 */
public record EncodedMedia(
    @JsonProperty(required = true) int turn,
    @JsonProperty(required = true) int part,
    Modality modality,
    TensorPayload embeddings) {
  public static final String TENSOR = "llm_embeds";

  public EncodedMedia {
    Fields.range(turn, 0, Messages.MAX_TURNS - 1, "EncodedMedia.turn");
    Fields.range(part, 0, Turn.MAX_PARTS - 1, "EncodedMedia.part");
    Fields.required(modality, "EncodedMedia.modality");
    Fields.required(embeddings, "EncodedMedia.embeddings");
  }
}
