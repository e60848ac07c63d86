package dev.nextgpt.runtime.testing;

import dev.nextgpt.runtime.bundle.BundleLoader;
import dev.nextgpt.runtime.bundle.ModelBundle;

/** The committed nano bundle with every component, loaded once per test JVM (loading checks every contract). */
public final class NanoBundle {
    private static ModelBundle bundle;

    private NanoBundle() {}

    public static synchronized ModelBundle get() {
        if (bundle == null) {
            bundle = BundleLoader.loadAll(RepoPaths.nanoBundle());
        }
        return bundle;
    }
}
