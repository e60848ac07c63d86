package dev.nextgpt.decoder.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.OutputStored;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.decoder.testing.SampleSignals;
import dev.nextgpt.decoder.testing.TestPlatform;
import dev.nextgpt.decoder.testing.TopicCollector;
import dev.nextgpt.objectstore.ObjectKeys;
import dev.nextgpt.objectstore.ObjectStore;
import dev.nextgpt.objectstore.ObjectStoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's lifecycle on the in-JVM broker and S3 server, without Quarkus: a stop that runs out of time hands the
 * batch back, a graceful stop finishes it, a crash mid-job is made good by the next instance, with one artifact each.
 */
class DecoderServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Map<String, String> platform;
    private static KafkaProducer<String, byte[]> producer;
    private static TopicCollector collector;
    private static ObjectStore store;

    @BeforeAll
    static void connect() {
        platform = TestPlatform.start();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.get("kafka.bootstrap.servers"));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
        collector = new TopicCollector(platform.get("kafka.bootstrap.servers"), List.of(Topics.JOBS_OUTPUTS, Topics.JOBS_EVENTS));
        store = new ObjectStore(new ObjectStoreConfig(platform.get("nextgpt.s3.endpoint"), platform.get("nextgpt.s3.access-key"),
                platform.get("nextgpt.s3.secret-key"), platform.get("nextgpt.s3.bucket"), platform.get("nextgpt.s3.region")));
    }

    @AfterAll
    static void disconnect() {
        producer.close();
        collector.close();
        store.close();
    }

    /** The service's configuration as the apps map it, pointed at the test platform. */
    private record Config(Duration shutdownTimeout) implements DecoderConfig {
        @Override
        public int maxBatch() {
            return 2;
        }

        @Override
        public Duration maxWait() {
            return Duration.ofMillis(20);
        }

        @Override
        public OptionalInt defaultSteps() {
            return OptionalInt.empty();
        }

        @Override
        public boolean padBatches() {
            return true;
        }

        @Override
        public Duration progressInterval() {
            return Duration.ZERO;
        }

        @Override
        public Optional<String> bundle() {
            return Optional.of(SampleSignals.nanoBundle().toString());
        }

        @Override
        public ObjectStoreSettings objectStore() {
            return new ObjectStoreSettings() {
                public String endpoint() {
                    return platform.get("nextgpt.s3.endpoint");
                }

                public String region() {
                    return platform.get("nextgpt.s3.region");
                }

                public String bucket() {
                    return platform.get("nextgpt.s3.bucket");
                }

                public String accessKey() {
                    return platform.get("nextgpt.s3.access-key");
                }

                public String secretKey() {
                    return platform.get("nextgpt.s3.secret-key");
                }
            };
        }

        @Override
        public KafkaSettings kafka() {
            return new KafkaSettings() {
                public String bootstrapServers() {
                    return platform.get("kafka.bootstrap.servers");
                }

                public Duration maxPollInterval() {
                    return Duration.ofMinutes(1);
                }
            };
        }
    }

    private static DecoderService startService(Duration shutdownTimeout) throws InterruptedException {
        DecoderService service = DecoderService.start(Modality.IMAGE, new Config(shutdownTimeout), new SimpleMeterRegistry());
        long end = System.nanoTime() + WAIT.toNanos();
        while (!(service.readiness().stream().allMatch(HealthCheckResult::up) && !service.worker().assignment().isEmpty())) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not ready: " + service.readiness());
            }
            Thread.sleep(50);
        }
        return service;
    }

    private static String send(String what, int steps) throws Exception {
        String job = "svc-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
        SignalsReady message = SampleSignals.signals(job, Modality.IMAGE, 0, SampleSignals.steps(steps, 3), null);
        RecordHeaders headers = new RecordHeaders();
        Messages.headers(message).forEach(headers::add);
        producer.send(new ProducerRecord<>(Topics.SIGNALS_IMAGE, null, job, Messages.encode(message), headers)).get();
        return job;
    }

    private static void awaitFirstProgress(String job) {
        collector.await(Topics.JOBS_EVENTS, job,
                r -> Messages.decode(r.value(), JobEvent.class).kind() == JobEvent.Kind.PROGRESS, WAIT);
    }

    private static List<OutputStored> outputs(String job) {
        return collector.records(Topics.JOBS_OUTPUTS, job).stream()
                .map(r -> Messages.decode(r.value(), OutputStored.class)).toList();
    }

    private static int objects(String job) {
        return store.list(ObjectKeys.jobPrefix(SampleSignals.TENANT, job)).size();
    }

    @Test
    void aStopThatRunsOutOfTimeHandsTheBatchBackAndTheNextInstanceStoresItOnce() throws Exception {
        DecoderService first = startService(Duration.ofMillis(1));
        String job = send("handback", 100);
        awaitFirstProgress(job);
        first.close();
        assertTrue(outputs(job).isEmpty(), "nothing announced by the instance that handed the batch back");
        assertEquals(0, objects(job), "nothing stored by the instance that handed the batch back");
        assertTrue(collector.records(Topics.JOBS_EVENTS, job).stream()
                .map(r -> Messages.decode(r.value(), JobEvent.class)).allMatch(e -> e.kind() == JobEvent.Kind.PROGRESS),
                "a hand-back is neither a failure nor a cancellation");

        try (DecoderService second = startService(Duration.ofSeconds(30))) {
            collector.await(Topics.JOBS_OUTPUTS, job, r -> true, WAIT);
            assertEquals(1, objects(job));
        }
    }

    @Test
    void aGracefulStopFinishesTheBatchInProgressAndCommitsIt() throws Exception {
        DecoderService first = startService(Duration.ofSeconds(30));
        String job = send("graceful", 60);
        awaitFirstProgress(job);
        first.close();
        assertEquals(1, outputs(job).size(), "the batch in progress was finished and announced");
        assertEquals(1, objects(job));

        try (DecoderService second = startService(Duration.ofSeconds(30))) {
            String next = send("after", 4);
            collector.await(Topics.JOBS_OUTPUTS, next, r -> true, WAIT);
            assertEquals(1, outputs(job).size(), "the finished batch was committed: not consumed again");
        }
    }

    @Test
    void aCrashMidJobIsMadeGoodByTheNextInstanceWithExactlyOneArtifact() throws Exception {
        DecoderService crashed = startService(Duration.ofSeconds(30));
        String job = send("crash", 60);
        awaitFirstProgress(job);
        crashed.worker().abort();           // like kill -9: whatever it did, nothing of the batch is committed
        crashed.close();

        try (DecoderService next = startService(Duration.ofSeconds(30))) {
            ConsumerRecord<String, byte[]> record = collector.await(Topics.JOBS_OUTPUTS, job, r -> true, WAIT);
            OutputStored announced = Messages.decode(record.value(), OutputStored.class);
            Thread.sleep(500);
            assertFalse(outputs(job).isEmpty());
            assertTrue(outputs(job).stream().allMatch(announced::equals), "every announcement is the same: " + outputs(job));
            assertEquals(1, objects(job), "exactly one artifact");
            assertEquals(announced.sha256(), store.stat(announced.objectKey()).orElseThrow().sha256());
        }
    }
}
