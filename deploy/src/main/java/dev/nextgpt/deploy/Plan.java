package dev.nextgpt.deploy;

import dev.nextgpt.contracts.TopicSpec;
import dev.nextgpt.deploy.Descriptor.Overlay;
import dev.nextgpt.deploy.Descriptor.ServiceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deployment as the renderers see it: the descriptor, the contracts, the Kafka version, and the values
 * derived from them (partitions per topic, bootstrap addresses, bundle locations, stop timeouts).
 */
public record Plan(Descriptor descriptor, ContractsView contracts, String kafkaVersion, String bundleFetchScript) {

  public static final int KAFKA_PORT = 9092;
  public static final int MINIO_PORT = 9000;
  public static final int MINIO_CONSOLE_PORT = 9001;
  public static final String CONFIG_MAP = "nextgpt-config";
  public static final String SECRET = "nextgpt-credentials";
  public static final String BUNDLE_FETCH_CONFIG_MAP = "nextgpt-bundle-fetch";
  public static final String BUNDLE_FETCH_SCRIPT = "bundle-fetch.sh";

  /** Reads deploy/services.yaml, infra/pom.xml's kafka.version and the bundle-fetch script under {@code root}. */
  public static Plan load(Path root, ContractsView contracts) throws IOException {
    Descriptor d = Descriptor.load(root.resolve(Descriptor.DEFAULT_LOCATION));
    for (ServiceSpec s : d.services()) {
      ContractsView.Group g = contracts.group(s.consumerGroup());
      if (!g.serviceName().equals(s.name())) {
        throw new IllegalArgumentException("services.yaml: " + s.name() + " names ConsumerGroup." + s.consumerGroup()
            + ", whose service is " + g.serviceName());
      }
    }
    String pom = Files.readString(root.resolve("infra/pom.xml"));
    Matcher m = Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>").matcher(pom);
    if (!m.find()) {
      throw new IllegalArgumentException("infra/pom.xml has no <kafka.version>");
    }
    String script = Files.readString(root.resolve("deploy/docker/" + BUNDLE_FETCH_SCRIPT));
    return new Plan(d, contracts, m.group(1).trim(), script);
  }

  public List<ServiceSpec> services() {
    return descriptor.services();
  }

  public ContractsView.Group group(ServiceSpec s) {
    return contracts.group(s.consumerGroup());
  }

  /** The services whose consumer group reads the topic. */
  public List<ServiceSpec> consumersOf(String topic) {
    return services().stream().filter(s -> group(s).consumes().contains(topic)).toList();
  }

  /** Partitions of a topic: the contract's default, raised to the largest replica count of its consumers. */
  public int partitions(TopicSpec t) {
    int p = t.partitions();
    for (ServiceSpec s : consumersOf(t.name())) {
      p = Math.max(p, s.scaling().max());
    }
    return p;
  }

  public String kafkaImage() {
    return descriptor.images().kafka() + ":" + kafkaVersion;
  }

  /** The Strimzi bootstrap service by its cluster-wide name (KEDA's operator runs in another namespace). */
  public String kubernetesBootstrap() {
    return descriptor.kafkaCluster() + "-kafka-bootstrap." + descriptor.namespace() + ".svc:" + KAFKA_PORT;
  }

  public String bundleName(Overlay o) {
    return descriptor.bundleNames().get(o);
  }

  public String bundlePath(Overlay o) {
    return descriptor.bundleMount() + "/" + bundleName(o);
  }

  /** Where bundle-fetch finds a bundle in the object store: {@code s3://<bucket>/bundles/<name>/}. */
  public String bundleUrl(Overlay o) {
    return "s3://" + descriptor.objectStore().bucket() + "/bundles/" + bundleName(o) + "/";
  }

  /** Quarkus' shutdown timeout: the grace period less a margin for the JVM to exit. */
  public static String shutdownTimeout(ServiceSpec s) {
    int grace = s.shutdownGraceSeconds();
    return Math.max(grace - Math.max(5, grace / 10), 1) + "s";
  }
}
