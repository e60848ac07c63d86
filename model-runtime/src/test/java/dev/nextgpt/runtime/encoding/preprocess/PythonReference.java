package dev.nextgpt.runtime.encoding.preprocess;

import static org.junit.jupiter.api.Assertions.fail;

import dev.nextgpt.runtime.media.MediaTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;

/** The reference Python (Debian's /usr/bin/python3 with torch + torchaudio); missing pieces fail, never skip. */
final class PythonReference {

    private PythonReference() {
    }

    static Path fbankScript() {
        Path script = MediaTestSupport.repoRoot().resolve("model-tooling/nextgpt_tooling/fbank_reference.py");
        if (!Files.isRegularFile(script)) {
            fail("the reference script " + script + " is missing");
        }
        return script;
    }

    static void run(String... args) {
        MediaTestSupport.runPython(args);
    }
}
