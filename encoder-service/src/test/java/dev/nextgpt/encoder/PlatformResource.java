package dev.nextgpt.encoder;

import dev.nextgpt.contracts.Topics;
import dev.nextgpt.platform.testing.KafkaBroker;
import dev.nextgpt.platform.testing.S3Server;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/** The in-JVM Kafka broker (every platform topic) and S3 server (bucket {@code nextgpt}), and the nano bundle. */
public class PlatformResource implements QuarkusTestResourceLifecycleManager {
    private static boolean topicsCreated;

    @Override
    public Map<String, String> start() {
        KafkaBroker kafka = KafkaBroker.shared();
        synchronized (PlatformResource.class) {
            if (!topicsCreated) {
                Topics.all().forEach(t -> kafka.createTopic(t.name(), t.partitions(), t.configs()));
                topicsCreated = true;
            }
        }
        S3Server s3 = S3Server.shared();
        s3.createBucket("nextgpt");
        Path bundle = Path.of(System.getProperty("nextgpt.repo.root", "..")).resolve("models/nano").toAbsolutePath();
        return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                "nextgpt.s3.endpoint", s3.endpoint().toString(),
                "nextgpt.s3.access-key", s3.accessKey(),
                "nextgpt.s3.secret-key", s3.secretKey(),
                "nextgpt.bundle.path", bundle.toString());
    }

    @Override
    public void stop() {
        // shared per JVM: stopped by the JVM shutdown hooks
    }
}
