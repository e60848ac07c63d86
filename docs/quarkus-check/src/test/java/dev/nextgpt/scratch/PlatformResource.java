package dev.nextgpt.scratch;

import dev.nextgpt.platform.testing.KafkaBroker;
import dev.nextgpt.platform.testing.S3Server;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts the in-JVM Kafka broker and S3 server before Quarkus boots and hands their addresses to its config. */
public class PlatformResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    KafkaBroker kafka = KafkaBroker.shared();
    kafka.createTopic("words", 2, Map.of());
    kafka.createTopic("words-upper", 2, Map.of());
    S3Server s3 = S3Server.shared();
    s3.createBucket("outputs");
    return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
        "scratch.s3.endpoint", s3.endpoint().toString(),
        "scratch.s3.access-key", s3.accessKey(),
        "scratch.s3.secret-key", s3.secretKey());
  }

  @Override
  public void stop() {
    // shared per JVM: stopped by the JVM shutdown hook
  }
}
