package dev.nextgpt.encoder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The model bundle ({@code nextgpt.bundle.path}, environment {@code NEXTGPT_BUNDLE}). */
@ConfigMapping(prefix = "nextgpt.bundle")
public interface BundleConfig {
    /** The bundle folder; relative paths are resolved against the working directory (the checkout root). */
    @WithDefault("models/nano")
    String path();
}
