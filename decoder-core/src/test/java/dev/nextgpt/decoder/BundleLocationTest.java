package dev.nextgpt.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nextgpt.decoder.testing.SampleSignals;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleLocationTest {
    @Test
    void configuredPathThenEnvironmentThenTheCheckoutsNanoBundle(@TempDir Path tmp) {
        Path nano = SampleSignals.nanoBundle();
        assertEquals(tmp.resolve("b"), BundleLocation.resolve(Optional.of(tmp.resolve("b").toString()), Optional.of("/env"), tmp));
        assertEquals(Path.of("/env"), BundleLocation.resolve(Optional.of(" "), Optional.of("/env"), tmp));
        assertEquals(nano, BundleLocation.resolve(Optional.empty(), Optional.empty(), nano.getParent().getParent().resolve("decoder-core")));
        assertThrows(IllegalStateException.class, () -> BundleLocation.resolve(Optional.empty(), Optional.empty(), tmp));
    }
}
