package dev.nextgpt.contracts.messages;

/** Text generation settings; a null field means the bundle's default. */
public record GenerationParams(Integer maxNewTokens, Double temperature, Double topP, Integer topK, Long seed) {
  public static final GenerationParams DEFAULTS = new GenerationParams(null, null, null, null, null);

  public GenerationParams {
    Fields.range(maxNewTokens, 1, 4096, "GenerationParams.maxNewTokens");
    Fields.range(temperature, 0.0, 5.0, true, "GenerationParams.temperature");
    Fields.range(topP, 0.0, 1.0, false, "GenerationParams.topP");
    Fields.range(topK, 0, 1000, "GenerationParams.topK");
  }
}
