package dev.nextgpt.platform.testing.isolated;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One KRaft node, controller and broker combined, bound to 127.0.0.1 only: the same two steps as
 * {@code kafka-storage format} then {@code kafka-server-start}. Kafka's own KafkaClusterTestKit is not used because it
 * pre-binds its ports on the wildcard address. Loaded only inside the Kafka runtime's class loader;
 * {@code KafkaBroker} calls it reflectively with JDK types only.
 */
public final class KRaftNode implements AutoCloseable {
  private static final int NODE_ID = 1;
  private static final int ATTEMPTS = 3;

  private final Path directory;
  private final KafkaRaftServer server;
  private final Admin admin;
  private final String bootstrapServers;

  public KRaftNode(String baseDirectory, Map<String, String> overrides) throws Exception {
    directory = Path.of(baseDirectory);
    KafkaRaftServer started = null;
    String bootstrap = null;
    for (int attempt = 1; started == null; attempt++) {
      // ports are picked free, then bound by Kafka: another process may take one in between, so retry
      int brokerPort = freeLoopbackPort();
      int controllerPort = freeLoopbackPort();
      Path logDir = directory.resolve("kraft-" + attempt);
      Properties config = config(logDir, brokerPort, controllerPort, overrides);
      format(logDir, config);
      KafkaRaftServer candidate = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
      try {
        candidate.startup();
        started = candidate;
        bootstrap = "127.0.0.1:" + brokerPort;
      } catch (RuntimeException e) {
        candidate.shutdown();
        candidate.awaitShutdown();
        if (!(rootCause(e) instanceof BindException) || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
    server = started;
    bootstrapServers = bootstrap;
    Properties adminConfig = new Properties();
    adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    admin = Admin.create(adminConfig);
    awaitReady();
  }

  private static Properties config(Path logDir, int brokerPort, int controllerPort, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put("log.dirs", logDir.toString());
    p.putAll(overrides);
    return p;
  }

  private static void format(Path logDir, Properties config) throws Exception {
    Files.createDirectories(logDir);
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(logDir.toString()))
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName(config.getProperty("controller.listener.names"))
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("Kafka broker at " + bootstrapServers + " not ready within 60 s", last);
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    try {
      admin.close();
      server.shutdown();
      server.awaitShutdown();
    } finally {
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
