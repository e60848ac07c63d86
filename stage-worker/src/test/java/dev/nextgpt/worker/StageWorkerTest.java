package dev.nextgpt.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Headers;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.TraceParent;
import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.platform.testing.KafkaBroker;
import dev.nextgpt.platform.testing.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class StageWorkerTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private TestKafka kafka(KafkaBroker broker, TestInfo info) {
        return new TestKafka(broker, info.getTestMethod().orElseThrow().getName().toLowerCase());
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    /** A handler that records batches and publishes one progress event per item to the outputs topic. */
    private static BatchHandler<JobRequested> recording(TestKafka kafka, List<List<String>> batches) {
        return (batch, ctx) -> {
            batches.add(batch.stream().map(Delivery::jobId).toList());
            List<Outcome> out = new ArrayList<>();
            for (Delivery<JobRequested> d : batch) {
                ctx.publisher().send(d, kafka.outputs, JobEvent.progress(d.jobId(), d.tenant(), Stage.ENCODE, null, 1.0,
                        Instant.now()));
                out.add(Outcome.DONE);
            }
            return out;
        };
    }

    private static void await(Set<String> seen, int count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.size() < count && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(count, seen.size(), "handled " + seen);
    }

    @Test
    void validRecordsAreBatchedUpToTheSizeAndWithinTheWindow(KafkaBroker broker, TestInfo info) throws Exception {
        TestKafka kafka = kafka(broker, info);
        for (int i = 0; i < 5; i++) {
            kafka.send(kafka.requested, TestKafka.job("a" + i));
        }
        CancellationView view = closing(kafka.view());
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        StageWorker<JobRequested> worker = closing(new StageWorker<>(kafka.config(4, Duration.ofMillis(1500)).build(),
                RecordParser.jobRequested(), recording(kafka, batches), view, StageMetrics.NONE).start());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (batches.stream().mapToInt(List::size).sum() < 5 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        batches.forEach(seen::addAll);
        assertEquals(5, seen.size(), batches.toString());
        assertEquals(4, batches.get(0).size(), "a full batch first: " + batches);
        assertTrue(batches.stream().allMatch(b -> b.size() <= 4), batches.toString());

        // records arriving within the window join one batch
        int before = batches.size();
        for (int i = 0; i < 3; i++) {
            kafka.send(kafka.requested, TestKafka.job("b" + i));
            Thread.sleep(150);
        }
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (batches.stream().mapToInt(List::size).sum() < 8 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(List.of(List.of("b0", "b1", "b2")), batches.subList(before, batches.size()).stream()
                .map(b -> b.stream().sorted().toList()).toList());
        assertEquals(8, kafka.readAtLeast(kafka.outputs, 8).size());
        assertTrue(worker.isRunning());
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheWorkerGoesOn(KafkaBroker broker, TestInfo info) throws Exception {
        TestKafka kafka = kafka(broker, info);
        kafka.sendRaw(new ProducerRecord<>(kafka.requested, "job-poison", "not json".getBytes(StandardCharsets.UTF_8)));
        // valid payload, but the key is another job's
        JobRequested mismatched = TestKafka.job("job-mismatch");
        ProducerRecord<String, byte[]> wrongKey = new ProducerRecord<>(kafka.requested, "job-other",
                Messages.encode(mismatched));
        Messages.headers(mismatched).forEach((k, v) -> wrongKey.headers().add(k, v));
        kafka.sendRaw(wrongKey);
        kafka.send(kafka.requested, TestKafka.job("job-good"));

        CancellationView view = closing(kafka.view());
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        closing(new StageWorker<>(kafka.config(8, Duration.ofMillis(200)).build(), RecordParser.jobRequested(),
                recording(kafka, batches), view, StageMetrics.NONE).start());

        List<ConsumerRecord<String, byte[]>> dead = kafka.readAtLeast(kafka.deadLetter, 2);
        assertEquals(2, dead.size());
        ConsumerRecord<String, byte[]> poison = dead.stream().filter(r -> "job-poison".equals(r.key())).findFirst()
                .orElseThrow();
        assertEquals("not json", new String(poison.value(), StandardCharsets.UTF_8));
        assertEquals("dev.nextgpt.contracts.ContractViolation", TestKafka.header(poison, DeadLetters.ERROR_CLASS));
        assertTrue(TestKafka.header(poison, DeadLetters.ERROR_MESSAGE).contains("not valid JSON"),
                TestKafka.header(poison, DeadLetters.ERROR_MESSAGE));
        assertEquals(kafka.requested, TestKafka.header(poison, DeadLetters.SOURCE_TOPIC));
        assertTrue(TestKafka.header(poison, DeadLetters.SOURCE_PARTITION).matches("[01]"));
        assertTrue(TestKafka.header(poison, DeadLetters.SOURCE_OFFSET).matches("\\d+"));
        assertEquals(kafka.group, TestKafka.header(poison, DeadLetters.GROUP));
        ConsumerRecord<String, byte[]> other = dead.stream().filter(r -> "job-other".equals(r.key())).findFirst()
                .orElseThrow();
        assertTrue(TestKafka.header(other, DeadLetters.ERROR_MESSAGE).contains("is not the job id"),
                TestKafka.header(other, DeadLetters.ERROR_MESSAGE));
        assertEquals("job-mismatch", TestKafka.header(other, Headers.JOB_ID), "the original headers are kept");

        assertEquals("job-good", kafka.readAtLeast(kafka.outputs, 1).get(0).key());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (kafka.committed() < 3 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(3, kafka.committed(), "dead letters and the good record are committed");
    }

    @Test
    void aCrashBeforeTheCommitRedeliversTheBatchAndAStopCommitsIt(KafkaBroker broker, TestInfo info) throws Exception {
        TestKafka kafka = kafka(broker, info);
        kafka.send(kafka.requested, TestKafka.job("c1"));
        kafka.send(kafka.requested, TestKafka.job("c2"));
        CancellationView view = closing(kafka.view());

        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<String>> first = new CopyOnWriteArrayList<>();
        BatchHandler<JobRequested> recording = recording(kafka, first);
        StageWorker<JobRequested> crashing = new StageWorker<>(kafka.config(2, Duration.ofMillis(2000)).build(),
                RecordParser.jobRequested(), (batch, ctx) -> {
                    List<Outcome> out = recording.handle(batch, ctx);
                    inHandler.countDown();
                    release.await();
                    return out;
                }, view, StageMetrics.NONE).start();
        assertTrue(inHandler.await(30, TimeUnit.SECONDS));
        crashing.abort(); // the process "dies" in the middle of the batch
        release.countDown();
        assertTrue(crashing.stop(Duration.ofSeconds(20)));
        assertEquals(0, kafka.committed());

        List<List<String>> second = new CopyOnWriteArrayList<>();
        StageWorker<JobRequested> survivor = new StageWorker<>(kafka.config(2, Duration.ofMillis(200)).build(),
                RecordParser.jobRequested(), recording(kafka, second), view, StageMetrics.NONE).start();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.size() < 2 && System.nanoTime() < end) {
            second.forEach(seen::addAll);
            Thread.sleep(20);
        }
        assertEquals(Set.of("c1", "c2"), seen, "both records are delivered again");
        assertTrue(survivor.stop(Duration.ofSeconds(20)), "a graceful stop finishes and commits");
        assertEquals(2, kafka.committed());

        List<List<String>> third = new CopyOnWriteArrayList<>();
        closing(new StageWorker<>(kafka.config(2, Duration.ofMillis(100)).build(), RecordParser.jobRequested(),
                recording(kafka, third), view, StageMetrics.NONE).start());
        kafka.send(kafka.requested, TestKafka.job("c3"));
        end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (third.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertEquals(List.of(List.of("c3")), third, "committed records are not delivered again");
    }

    @Test
    void aFailingItemFailsItsJobOnlyAndTheBatchIsCommitted(KafkaBroker broker, TestInfo info) throws Exception {
        TestKafka kafka = kafka(broker, info);
        for (String id : List.of("f-ok1", "f-stage", "f-boom", "f-ok2")) {
            kafka.send(kafka.requested, TestKafka.job(id));
        }
        CancellationView view = closing(kafka.view());
        Set<String> done = ConcurrentHashMap.newKeySet();
        closing(new StageWorker<>(kafka.config(4, Duration.ofMillis(1000)).build(), RecordParser.jobRequested(),
                (batch, ctx) -> {
                    for (Delivery<JobRequested> d : batch) {
                        if (d.jobId().equals("f-stage")) {
                            throw new StageFailure("f-stage", "media part turns[0].content[1] is not an image");
                        }
                        if (d.jobId().equals("f-boom")) {
                            throw new IllegalStateException("boom");
                        }
                    }
                    batch.forEach(d -> done.add(d.jobId()));
                    return Collections.nCopies(batch.size(), Outcome.DONE);
                }, view, StageMetrics.NONE).start());
        List<JobEvent> events = kafka.events(2);
        assertEquals(2, events.size(), events.toString());
        JobEvent stage = events.stream().filter(e -> e.jobId().equals("f-stage")).findFirst().orElseThrow();
        assertEquals(JobEvent.Kind.FAILED, stage.kind());
        assertEquals(Stage.ENCODE, stage.stage());
        assertEquals("media part turns[0].content[1] is not an image", stage.reason());
        JobEvent boom = events.stream().filter(e -> e.jobId().equals("f-boom")).findFirst().orElseThrow();
        assertEquals("IllegalStateException: boom", boom.reason());
        await(done, 2);
        assertEquals(Set.of("f-ok1", "f-ok2"), done);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (kafka.committed() < 4 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(4, kafka.committed());
    }

    @Test
    void aJobPastItsDeadlineFailsWithoutBeingProcessed(KafkaBroker broker, TestInfo info) throws Exception {
        TestKafka kafka = kafka(broker, info);
        Instant now = Instant.now();
        kafka.send(kafka.requested, TestKafka.job("late", now.minusSeconds(60), now.minusSeconds(1)), 
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        kafka.send(kafka.requested, TestKafka.job("on-time"));
        CancellationView view = closing(kafka.view());
        Set<String> handled = ConcurrentHashMap.newKeySet();
        closing(new StageWorker<>(kafka.config(4, Duration.ofMillis(300)).build(), RecordParser.jobRequested(),
                BatchHandler.eachItem((d, ctx) -> {
                    handled.add(d.jobId());
                    return Outcome.DONE;
                }), view, StageMetrics.NONE).start());
        List<ConsumerRecord<String, byte[]>> records = kafka.readAtLeast(kafka.events, 1);
        JobEvent failed = Messages.decode(records.get(0).value(), JobEvent.class);
        assertEquals("late", failed.jobId());
        assertEquals(JobEvent.Kind.FAILED, failed.kind());
        assertEquals(Stage.ENCODE, failed.stage());
        assertEquals("deadline exceeded", failed.reason());
        TraceParent trace = TraceParent.parse(TestKafka.header(records.get(0), Headers.TRACEPARENT));
        assertEquals("0af7651916cd43dd8448eb211c80319c", trace.traceId(), "the failure is in the job's trace");
        await(handled, 1);
        assertEquals(Set.of("on-time"), handled);
    }

    @Test
    void cancelledJobsAreSkipped(KafkaBroker broker, TestInfo info) throws Exception {
        TestKafka kafka = kafka(broker, info);
        kafka.send(kafka.control, ControlCommand.cancel("x-cancelled", "tenant-1", "user asked", Instant.now()));
        kafka.send(kafka.requested, TestKafka.job("x-cancelled"));
        kafka.send(kafka.requested, TestKafka.job("x-kept"));
        CancellationView view = closing(kafka.view());
        assertTrue(view.isCancelled("x-cancelled"));
        Set<String> handled = ConcurrentHashMap.newKeySet();
        closing(new StageWorker<>(kafka.config(4, Duration.ofMillis(300)).build(), RecordParser.jobRequested(),
                BatchHandler.eachItem((d, ctx) -> {
                    handled.add(d.jobId());
                    return Outcome.DONE;
                }), view, StageMetrics.NONE).start());
        await(handled, 1);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (kafka.committed() < 2 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(2, kafka.committed());
        assertEquals(Set.of("x-kept"), handled);
    }

    @Test
    void outputsCarryTheJobHeadersAndContinueTheTrace(KafkaBroker broker, TestInfo info) throws Exception {
        TestKafka kafka = kafka(broker, info);
        String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        kafka.send(kafka.requested, TestKafka.job("traced"), incoming);
        kafka.send(kafka.requested, TestKafka.job("untraced"));
        CancellationView view = closing(kafka.view());
        closing(new StageWorker<>(kafka.config(2, Duration.ofMillis(300)).build(), RecordParser.jobRequested(),
                recording(kafka, new CopyOnWriteArrayList<>()), view, StageMetrics.NONE).start());
        List<ConsumerRecord<String, byte[]>> out = kafka.readAtLeast(kafka.outputs, 2);
        ConsumerRecord<String, byte[]> traced = out.stream().filter(r -> r.key().equals("traced")).findFirst()
                .orElseThrow();
        TraceParent child = TraceParent.parse(TestKafka.header(traced, Headers.TRACEPARENT));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", child.traceId());
        assertNotEquals("00f067aa0ba902b7", child.spanId());
        assertEquals("traced", TestKafka.header(traced, Headers.JOB_ID));
        assertEquals("tenant-1", TestKafka.header(traced, Headers.TENANT));
        assertEquals("job.event", TestKafka.header(traced, Headers.MESSAGE_TYPE));
        assertEquals("1", TestKafka.header(traced, Headers.SCHEMA_VERSION));
        assertEquals(Headers.JSON, TestKafka.header(traced, Headers.CONTENT_TYPE));
        ConsumerRecord<String, byte[]> untraced = out.stream().filter(r -> r.key().equals("untraced")).findFirst()
                .orElseThrow();
        assertFalse(TraceParent.parse(TestKafka.header(untraced, Headers.TRACEPARENT)).traceId().isEmpty());
    }

    @Test
    void aTransientFailureConsumesTheBatchAgainWithoutFailingTheJob(KafkaBroker broker, TestInfo info) throws Exception {
        TestKafka kafka = kafka(broker, info);
        kafka.send(kafka.requested, TestKafka.job("retry-me"));
        CancellationView view = closing(kafka.view());
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        StageWorker<JobRequested> worker = closing(new StageWorker<>(kafka.config(1, Duration.ZERO).build(),
                RecordParser.jobRequested(), BatchHandler.eachItem((d, ctx) -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new TransientFailure("object store unreachable", null);
                    }
                    handled.add(d.jobId());
                    return Outcome.DONE;
                }), view, new MicrometerStageMetrics(registry, "test")));
        MicrometerStageMetrics.bindKafkaClients(registry, worker);
        worker.start();
        await(handled, 1);
        assertEquals(2, attempts.get());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (kafka.committed() < 1 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(1, kafka.committed());
        assertTrue(kafka.read(kafka.events, Duration.ofMillis(500), l -> false).isEmpty(), "no failure event");
        assertEquals(1.0, registry.get("nextgpt.stage.retries").counter().count());
        assertEquals(1.0, registry.get("nextgpt.stage.jobs").tag("outcome", "completed").counter().count());
        assertTrue(registry.getMeters().stream().anyMatch(m -> m.getId().getName().startsWith("kafka.consumer")),
                "Kafka client metrics are bound");
    }

    @Test
    void anImmutableOutcomeListIsAcceptedAndStopWithZeroTimeoutReturns(KafkaBroker broker, TestInfo info) throws Exception {
        TestKafka kafka = kafka(broker, info);
        kafka.send(kafka.requested, TestKafka.job("immutable-1"));
        CancellationView view = closing(kafka.view());
        Set<String> done = ConcurrentHashMap.newKeySet();
        StageWorker<JobRequested> worker = new StageWorker<>(kafka.config(1, Duration.ofMillis(50)).build(),
                RecordParser.jobRequested(), (batch, ctx) -> {
                    done.add(batch.get(0).jobId());
                    return List.of(Outcome.DONE); // List.of(..).contains(null) throws: the worker must not ask it
                }, view, StageMetrics.NONE).start();
        closing(worker);
        await(done, 1);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (kafka.committed() < 1 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(1, kafka.committed(), "the item was done, not failed, so its offset is committed");
        long t = System.nanoTime();
        worker.stop(Duration.ZERO);
        assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(5), "stop(ZERO) must not wait forever");
    }
}
