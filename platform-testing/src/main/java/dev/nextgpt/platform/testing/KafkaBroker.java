package dev.nextgpt.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real Kafka broker (4.3.1, KRaft, one combined controller and broker node) inside the test JVM, listening on
 * 127.0.0.1 only, at free ports, running in its own class loader (see README). Start one per test class with
 * {@link #start()}, or share one per JVM with {@link #shared()}.
 */
public final class KafkaBroker implements AutoCloseable {
  private static KafkaBroker shared;

  private final IsolatedRuntime runtime;
  private final Object node;
  private final String bootstrapServers;
  private boolean closed;

  private KafkaBroker(IsolatedRuntime runtime, Object node) {
    this.runtime = runtime;
    this.node = node;
    this.bootstrapServers = (String) runtime.call(node, "bootstrapServers", new Class<?>[0]);
  }

  /** Starts a broker with test-friendly defaults (replication factor 1, no rebalance delay). */
  public static KafkaBroker start() {
    return start(Map.of());
  }

  /** Starts a broker; {@code config} adds or overrides broker properties. */
  public static KafkaBroker start(Map<String, String> config) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("offsets.topic.replication.factor", "1");
    all.put("share.coordinator.state.topic.num.partitions", "1");
    all.put("offsets.topic.num.partitions", "1");
    all.put("transaction.state.log.replication.factor", "1");
    all.put("transaction.state.log.min.isr", "1");
    all.put("share.coordinator.state.topic.replication.factor", "1");
    all.put("group.initial.rebalance.delay.ms", "0");
    all.put("num.network.threads", "1");
    all.put("num.io.threads", "2");
    all.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    all.putAll(config);
    String baseDirectory;
    try {
      baseDirectory = Files.createTempDirectory("nextgpt-kafka-").toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's log directory", e);
    }
    IsolatedRuntime runtime = IsolatedRuntime.open("kafka-runtime");
    Object node = runtime.create("KRaftNode", new Class<?>[] {String.class, Map.class}, baseDirectory, all);
    return new KafkaBroker(runtime, node);
  }

  /** One broker for the whole JVM, started on first use and stopped when the JVM exits. */
  public static synchronized KafkaBroker shared() {
    if (shared == null) {
      KafkaBroker broker = start();
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "nextgpt-kafka-broker-shutdown"));
      shared = broker;
    }
    return shared;
  }

  /** The {@code bootstrap.servers} value, e.g. {@code 127.0.0.1:40123}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Creates a topic with replication factor 1. */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    runtime.call(node, "createTopic", new Class<?>[] {String.class, int.class, Map.class}, name, partitions,
        Map.copyOf(configs));
  }

  /** Creates a topic with one partition and default configs. */
  public void createTopic(String name) {
    createTopic(name, 1, Map.of());
  }

  /** Stops the broker and deletes its data. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      runtime.call(node, "close", new Class<?>[0]);
    }
  }
}
