package dev.nextgpt.contracts.messages;

/**
 * Diffusion settings of an output; a null field means the bundle's default for that modality. The bundle also
 * bounds {@code steps} ({@code limits.max_steps}) and names the schedulers it has ({@code ddim}, {@code dpmpp_2m}).
 */
public record DiffusionParams(Integer steps, Double guidanceScale, String scheduler, Long seed) {
  public static final DiffusionParams DEFAULTS = new DiffusionParams(null, null, null, null);

  public DiffusionParams {
    Fields.range(steps, 1, 1000, "DiffusionParams.steps");
    Fields.range(guidanceScale, 0.0, 50.0, true, "DiffusionParams.guidanceScale");
    if (scheduler != null && !scheduler.matches("[a-z0-9_]{1,32}")) {
      throw Fields.violation("DiffusionParams.scheduler", "'" + scheduler + "' is not a scheduler name");
    }
  }
}
