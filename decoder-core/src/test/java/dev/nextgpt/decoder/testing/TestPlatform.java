package dev.nextgpt.decoder.testing;

import dev.nextgpt.contracts.TopicSpec;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.platform.testing.KafkaBroker;
import dev.nextgpt.platform.testing.S3Server;
import java.util.Map;

/**
 * The in-JVM Kafka broker and S3 server of {@code platform-testing}, with every platform topic and the bucket, and
 * the settings a decoder app reads ({@code kafka.bootstrap.servers}, {@code nextgpt.s3.*}). The apps' Quarkus test
 * resources return {@link #start()}.
 */
public final class TestPlatform {
    public static final String BUCKET = "nextgpt";
    private static boolean created;

    private TestPlatform() {}

    public static synchronized Map<String, String> start() {
        KafkaBroker kafka = KafkaBroker.shared();
        S3Server s3 = S3Server.shared();
        if (!created) {
            for (TopicSpec topic : Topics.all()) {
                kafka.createTopic(topic.name(), topic.partitions(), topic.configs());
            }
            s3.createBucket(BUCKET);
            created = true;
        }
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "nextgpt.s3.endpoint", s3.endpoint().toString(),
                "nextgpt.s3.region", S3Server.REGION,
                "nextgpt.s3.bucket", BUCKET,
                "nextgpt.s3.access-key", s3.accessKey(),
                "nextgpt.s3.secret-key", s3.secretKey());
    }
}
