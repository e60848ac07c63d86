package dev.nextgpt.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the launcher script says this checkout is. */
final class Launcher {
    private Launcher() {}

    /** {@code models/nano} of the checkout ({@code nextgpt.home}, set by ./nextgpt), else of the working directory. */
    static Path defaultBundle() {
        String home = System.getProperty("nextgpt.home", System.getenv("NEXTGPT_HOME"));
        Path root = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        Path bundle = root.resolve("models/nano");
        if (!Files.isDirectory(bundle)) {
            throw new CliErrors.BadInputException("no bundle at " + bundle + " (give --bundle DIR)");
        }
        return bundle;
    }
}
