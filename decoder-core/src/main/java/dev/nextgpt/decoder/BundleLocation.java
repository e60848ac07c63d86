package dev.nextgpt.decoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the model bundle is: the configured path ({@code nextgpt.decoder.bundle}, else the platform's
 * {@code nextgpt.bundle.path}), else environment {@code NEXTGPT_BUNDLE}, else {@code models/nano} of the checkout.
 */
public final class BundleLocation {
    /** Environment variable naming the bundle folder. */
    public static final String ENV = "NEXTGPT_BUNDLE";

    private BundleLocation() {}

    /** Resolves the bundle folder; the checkout is found by walking up from the working directory. */
    public static Path resolve(Optional<String> configured) {
        return resolve(configured, Optional.ofNullable(System.getenv(ENV)), Path.of("").toAbsolutePath());
    }

    static Path resolve(Optional<String> configured, Optional<String> env, Path workingDir) {
        Optional<String> explicit = configured.filter(s -> !s.isBlank()).or(() -> env.filter(s -> !s.isBlank()));
        if (explicit.isPresent()) {
            return Path.of(explicit.get()).toAbsolutePath().normalize();
        }
        for (Path p = workingDir; p != null; p = p.getParent()) {
            Path nano = p.resolve("models/nano");
            if (Files.isRegularFile(nano.resolve("bundle.json"))) {
                return nano;
            }
        }
        throw new IllegalStateException("no model bundle configured (nextgpt.decoder.bundle, nextgpt.bundle.path or " + ENV
                + ") and no models/nano above " + workingDir);
    }
}
