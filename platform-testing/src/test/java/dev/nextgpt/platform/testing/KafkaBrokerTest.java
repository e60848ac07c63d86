package dev.nextgpt.platform.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerTest {
  private static KafkaBroker kafka;

  @BeforeAll
  static void setUp(KafkaBroker broker) {
    kafka = broker;
  }

  @Test
  void listensOnLoopbackOnly() {
    for (String server : kafka.bootstrapServers().split(",")) {
      String host = server.substring(0, server.lastIndexOf(':'));
      int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
      InetSocketAddress address = new InetSocketAddress(host, port);
      assertTrue(address.getAddress().isLoopbackAddress(), server);
    }
  }

  @Test
  void aRecordWithKeyAndHeadersComesBackAsItWasSent() throws Exception {
    kafka.createTopic("kafka-test.headers", 3, Map.of());
    byte[] traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8);
    RecordMetadata sent;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig())) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>("kafka-test.headers", "job-42",
          "{\"type\":\"job.requested\"}".getBytes(StandardCharsets.UTF_8));
      record.headers().add("nextgpt-job-id", "job-42".getBytes(StandardCharsets.UTF_8));
      record.headers().add("traceparent", traceparent);
      sent = producer.send(record).get(30, TimeUnit.SECONDS);
    }
    List<ConsumerRecord<String, byte[]>> received = consume("kafka-test.headers", 1);
    ConsumerRecord<String, byte[]> record = received.get(0);
    assertEquals("job-42", record.key());
    assertEquals(sent.partition(), record.partition());
    assertEquals("{\"type\":\"job.requested\"}", new String(record.value(), StandardCharsets.UTF_8));
    Header job = record.headers().lastHeader("nextgpt-job-id");
    assertNotNull(job);
    assertArrayEquals("job-42".getBytes(StandardCharsets.UTF_8), job.value());
    assertArrayEquals(traceparent, record.headers().lastHeader("traceparent").value());
  }

  @Test
  void recordsOfOneKeyKeepTheirOrderInOnePartition() throws Exception {
    kafka.createTopic("kafka-test.order", 4, Map.of());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig())) {
      for (int i = 0; i < 20; i++) {
        producer.send(new ProducerRecord<>("kafka-test.order", "job-" + (i % 2), new byte[] {(byte) i}));
      }
      producer.flush();
    }
    List<ConsumerRecord<String, byte[]>> records = consume("kafka-test.order", 20);
    for (String key : List.of("job-0", "job-1")) {
      List<ConsumerRecord<String, byte[]>> ofKey = records.stream().filter(r -> r.key().equals(key)).toList();
      assertEquals(10, ofKey.size());
      assertEquals(1, ofKey.stream().map(ConsumerRecord::partition).distinct().count(), key + " in one partition");
      for (int i = 1; i < ofKey.size(); i++) {
        assertTrue(ofKey.get(i - 1).value()[0] < ofKey.get(i).value()[0], key + " in order");
      }
    }
  }

  @Test
  void topicsAreCreatedWithTheirPartitionsAndConfigs() throws Exception {
    kafka.createTopic("kafka-test.control", 3, Map.of("cleanup.policy", "compact"));
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      var description = admin.describeTopics(Set.of("kafka-test.control")).allTopicNames().get(30, TimeUnit.SECONDS)
          .get("kafka-test.control");
      assertEquals(3, description.partitions().size());
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "kafka-test.control");
      Config config = admin.describeConfigs(Set.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      assertEquals("compact", config.get("cleanup.policy").value());
    }
    var e = assertThrows(RuntimeException.class, () -> kafka.createTopic("kafka-test.control", 1, Map.of()));
    assertTrue(e.toString().contains("TopicExistsException"), e.toString());
  }

  @Test
  void theBrokersClassesStayOutOfTheTestClassPath() throws Exception {
    // The broker's loader sees its own kafka-clients; the test's loader must not see Kafka's server classes
    // through platform-testing (they are only on this module's own test class path as `provided`).
    ClassLoader brokerLoader = readNode().getClass().getClassLoader();
    assertTrue(brokerLoader.getParent() == ClassLoader.getPlatformClassLoader());
    assertTrue(brokerLoader != KafkaBrokerTest.class.getClassLoader());
    Class<?> brokerClients = brokerLoader.loadClass("org.apache.kafka.clients.producer.KafkaProducer");
    assertTrue(brokerClients != KafkaProducer.class, "two copies of kafka-clients, one per loader");
  }

  private static Object readNode() throws Exception {
    var field = KafkaBroker.class.getDeclaredField("node");
    field.setAccessible(true);
    return field.get(kafka);
  }

  private static Properties producerConfig() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return props;
  }

  private static List<ConsumerRecord<String, byte[]>> consume(String topic, int count) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-test-" + topic);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertEquals(count, records.size(), "records consumed from " + topic);
    return records;
  }
}
