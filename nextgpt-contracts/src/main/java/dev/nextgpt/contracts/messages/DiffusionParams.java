package dev.nextgpt.contracts.messages;

/**
 * Diffusion settings of an output; a null field means the bundle's default for that modality. The bundle also
 * bounds {@code steps} ({@code limits.max_steps}) and names the schedulers it has ({@code ddim}, {@code dpmpp_2m}).
 *
 * @param width output width in pixels (image, video), null: the bundle's
 * @param height output height in pixels (image, video), null: the bundle's
 * @param frames video frames, null: the bundle's
 * @param seconds audio length, null: the bundle's
 */
public record DiffusionParams(Integer steps, Double guidanceScale, String scheduler, Long seed,
    Integer width, Integer height, Integer frames, Double seconds) {
  public static final DiffusionParams DEFAULTS = new DiffusionParams(null, null, null, null);

  public DiffusionParams {
    Fields.range(steps, 1, 1000, "DiffusionParams.steps");
    Fields.range(guidanceScale, 0.0, 50.0, true, "DiffusionParams.guidanceScale");
    if (scheduler != null && !scheduler.matches("[a-z0-9_]{1,32}")) {
      throw Fields.violation("DiffusionParams.scheduler", "'" + scheduler + "' is not a scheduler name");
    }
    Fields.range(width, 1, 8192, "DiffusionParams.width");
    Fields.range(height, 1, 8192, "DiffusionParams.height");
    Fields.range(frames, 1, 4096, "DiffusionParams.frames");
    Fields.range(seconds, 0.0, 3600.0, false, "DiffusionParams.seconds");
  }

  /** Settings without output dimensions (the bundle's sizes). */
  public DiffusionParams(Integer steps, Double guidanceScale, String scheduler, Long seed) {
    this(steps, guidanceScale, scheduler, seed, null, null, null, null);
  }
}
