package dev.nextgpt.decoder.audio;

import dev.nextgpt.decoder.testing.TestPlatform;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** The in-JVM Kafka broker and S3 server (shared by the JVM), handed to the app's config before it boots. */
public class PlatformResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        return TestPlatform.start();
    }

    @Override
    public void stop() {
        // shared per JVM, stopped by a shutdown hook
    }
}
