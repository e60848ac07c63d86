package dev.nextgpt.runtime.bundle;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Process-wide DJL/PyTorch settings, applied once before the engine starts: offline (the native libtorch comes from
 * the Maven jar, never a download), and no TorchScript profiling executor, whose re-specialisation on every new input
 * shape would make variable batch sizes and sequence lengths pay a warm-up again and again.
 */
public final class TorchRuntime {
    public static final String ENGINE = "PyTorch";
    private static volatile boolean initialised;

    private TorchRuntime() {}

    /** Applies the settings (unless the caller set them as system properties) and starts the engine. */
    public static synchronized Engine engine() {
        if (!initialised) {
            setDefault("ai.djl.offline", "true");
            setDefault("ai.djl.pytorch.graph_optimizer", "false");
            setDefault("ai.djl.disable_close_resource_on_finalize", "true");
            initialised = true;
        }
        return Engine.getEngine(ENGINE);
    }

    /** The device components run on: {@code nextgpt.device} ({@code cpu}, {@code gpu}, {@code gpu1}…) or the engine's default. */
    public static Device device() {
        String requested = System.getProperty("nextgpt.device", System.getenv("NEXTGPT_DEVICE"));
        Engine engine = engine();
        if (requested == null || requested.isBlank()) {
            return engine.defaultDevice();
        }
        return Device.fromName(requested.trim(), engine);
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
