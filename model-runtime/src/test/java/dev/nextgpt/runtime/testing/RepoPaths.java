package dev.nextgpt.runtime.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's committed model bundles and reference tensors from a test. */
public final class RepoPaths {
    private RepoPaths() {}

    /** The repository root: {@code nextgpt.repo.root} (set by Surefire) or the first parent holding {@code models/}. */
    public static Path root() {
        String prop = System.getProperty("nextgpt.repo.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "models"))) {
            return Path.of(prop).toAbsolutePath();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("models"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (no models/ folder above " + Path.of("").toAbsolutePath() + ")");
        }
        return p;
    }

    /** {@code models/nano}. */
    public static Path nanoBundle() {
        return root().resolve("models/nano");
    }

    /** A file of {@code models/reference/nano}, written by the Python tooling for parity tests. */
    public static Path reference(String file) {
        return root().resolve("models/reference/nano").resolve(file);
    }
}
