package dev.nextgpt.gateway;

import dev.nextgpt.contracts.TopicSpec;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.platform.testing.KafkaBroker;
import dev.nextgpt.platform.testing.S3Server;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The in-JVM Kafka broker (every platform topic from the contracts' registry) and S3 server, started before Quarkus
 * boots; their addresses go into the gateway's configuration.
 */
public class PlatformResource implements QuarkusTestResourceLifecycleManager {
    public static final String BUCKET = "nextgpt";

    @Override
    public Map<String, String> start() {
        KafkaBroker kafka = KafkaBroker.shared();
        for (TopicSpec topic : Topics.all()) {
            try {
                kafka.createTopic(topic.name(), topic.partitions(), topic.configs());
            } catch (RuntimeException e) {
                // created by an earlier test class in this JVM
            }
        }
        S3Server s3 = S3Server.shared();
        try {
            s3.createBucket(BUCKET);
        } catch (RuntimeException e) {
            // exists
        }
        return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                "nextgpt.s3.endpoint", s3.endpoint().toString(),
                "nextgpt.s3.access-key", s3.accessKey(),
                "nextgpt.s3.secret-key", s3.secretKey(),
                "nextgpt.s3.bucket", BUCKET);
    }

    @Override
    public void stop() {
        // shared per JVM: stopped by the JVM's shutdown hook
    }
}
