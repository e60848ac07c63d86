package dev.nextgpt.scratch;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.NamedTensors;
import dev.nextgpt.contracts.tensors.TensorCodec;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PlatformResource.class)
class ShouterTest {
  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;
  @ConfigProperty(name = "scratch.s3.endpoint")
  String s3Endpoint;
  @ConfigProperty(name = "scratch.s3.access-key")
  String s3AccessKey;
  @ConfigProperty(name = "scratch.s3.secret-key")
  String s3SecretKey;

  @Test
  void incomingWordsComeOutShoutedWithTraceContext() throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>("words", "job-1", "hello")).get();
    }
    Properties c = new Properties();
    c.put("bootstrap.servers", bootstrap);
    c.put("group.id", "test-reader");
    c.put("auto.offset.reset", "earliest");
    c.put("key.deserializer", StringDeserializer.class.getName());
    c.put("value.deserializer", StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of("words-upper"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    assertEquals(1, out.size());
    assertEquals("HELLO", out.get(0).value());
    assertNotNull(out.get(0).headers().lastHeader("traceparent"), "OpenTelemetry propagates trace context");
  }

  @Test
  void healthMetricsOpenApiAndRestAnswer() {
    given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
    given().get("/q/openapi").then().statusCode(200).body(containsString("/ping"));
    given().get("/ping").then().statusCode(200).body("requested", is("nextgpt.jobs.requested"));
  }

  @Test
  void contractsCodecsRunOnQuarkusJackson() {
    JobEvent event = JobEvent.progress("job-1", "t1", Stage.ENCODE, null, 0.5, Instant.parse("2026-01-01T00:00:00Z"));
    assertEquals(event, Messages.decode(Messages.encode(event), JobEvent.class));
    TensorCodec codec = new TensorCodec();
    FloatTensor tensor = FloatTensor.f16("x", new long[] {2}, new float[] {1f, 2f});
    assertEquals(tensor, codec.decode(codec.encode(NamedTensors.of(tensor))).require("x"));
  }

  @Test
  void minioSdkWorksNextToQuarkusAgainstTheInJvmS3() throws Exception {
    MinioClient minio = MinioClient.builder().endpoint(s3Endpoint).region("us-east-1")
        .credentials(s3AccessKey, s3SecretKey).build();
    byte[] bytes = "artifact".getBytes(StandardCharsets.UTF_8);
    minio.putObject(PutObjectArgs.builder().bucket("outputs").object("t/j/image-0.png").data(bytes, bytes.length).build());
    try (var in = minio.getObject(GetObjectArgs.builder().bucket("outputs").object("t/j/image-0.png").build())) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
  }
}
