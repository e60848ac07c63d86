package dev.nextgpt.runtime.decoding;

import java.util.Locale;

/** The diffusion samplers the decoders support, by their manifest / API name. */
public enum SchedulerKind {
    /** diffusers {@code DDIMScheduler}, eta 0, "leading" spacing. */
    DDIM("ddim"),
    /** diffusers {@code DPMSolverMultistepScheduler}: DPM-Solver++ (2M), midpoint, "linspace" spacing, final sigma 0. */
    DPMPP_2M("dpmpp_2m");

    private final String key;

    SchedulerKind(String key) {
        this.key = key;
    }

    /** The name used in {@code bundle.json} and the API: {@code ddim} or {@code dpmpp_2m}. */
    public String key() {
        return key;
    }

    /** Parses {@code ddim} or {@code dpmpp_2m} (case and surrounding blanks ignored). */
    public static SchedulerKind fromKey(String key) {
        if (key != null) {
            String k = key.trim().toLowerCase(Locale.ROOT);
            for (SchedulerKind kind : values()) {
                if (kind.key.equals(k)) {
                    return kind;
                }
            }
        }
        throw new IllegalArgumentException("unknown scheduler '" + key + "' (expected one of ddim, dpmpp_2m)");
    }

    @Override
    public String toString() {
        return key;
    }
}
