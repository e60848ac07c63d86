package dev.nextgpt.decoder.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Headers;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.TraceParent;
import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.contracts.messages.DiffusionParams;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.OutputStored;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.decoder.DecoderMetrics;
import dev.nextgpt.decoder.service.DecoderService;
import dev.nextgpt.decoder.service.HealthCheckResult;
import dev.nextgpt.objectstore.ObjectInfo;
import dev.nextgpt.objectstore.ObjectKeys;
import dev.nextgpt.objectstore.ObjectStore;
import dev.nextgpt.objectstore.ObjectStoreConfig;
import dev.nextgpt.worker.DeadLetters;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every decoder app must do, through the real broker and S3 server of {@code platform-testing}: each app's
 * {@code @QuarkusTest} extends this class and names its modality, its running {@link DecoderService} and its config.
 * Records go in as the LLM service sends them; what comes out is read from the outputs, events and dead-letter
 * topics and from the object store. The apps run with a 300 ms batching window and progress on every step.
 */
public abstract class DecoderServiceScenarios {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaProducer<String, byte[]> producer;
    private static TopicCollector collector;
    private static ObjectStore store;

    /** The modality of the app under test. */
    protected abstract Modality modality();

    /** The app's running decoder service. */
    protected abstract DecoderService service();

    /** A configuration value of the running app ({@code kafka.bootstrap.servers}, {@code nextgpt.s3.*}). */
    protected abstract String config(String key);

    @BeforeEach
    void connect() throws InterruptedException {
        synchronized (DecoderServiceScenarios.class) {
            if (producer == null) {
                String bootstrap = config("kafka.bootstrap.servers");
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
                p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
                producer = new KafkaProducer<>(p);
                collector = new TopicCollector(bootstrap, List.of(Topics.JOBS_OUTPUTS, Topics.JOBS_EVENTS,
                        deadLetterTopic()));
                store = new ObjectStore(new ObjectStoreConfig(config("nextgpt.s3.endpoint"), config("nextgpt.s3.access-key"),
                        config("nextgpt.s3.secret-key"), config("nextgpt.s3.bucket"), config("nextgpt.s3.region")));
            }
        }
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!service().readiness().stream().allMatch(HealthCheckResult::up)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the decoder did not become ready: " + service().readiness());
            }
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void disconnect() {
        synchronized (DecoderServiceScenarios.class) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                collector.close();
                store.close();
                producer = null;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------- scenarios

    @Test
    void signalsBecomeAStoredArtifactAnnouncedWithItsSha256AndProgressEndingAt1() {
        String job = newJob("ok");
        TraceParent trace = TraceParent.parse("00-" + UUID.randomUUID().toString().replace("-", "") + "-00f067aa0ba902b7-01");
        send(signals(job, 1, steps(8, 11), null), trace);

        ConsumerRecord<String, byte[]> record = collector.await(Topics.JOBS_OUTPUTS, job, r -> true, WAIT);
        OutputStored out = Messages.decode(record.value(), OutputStored.class);
        assertEquals(ObjectKeys.output(SampleSignals.TENANT, job, modality(), 1), out.objectKey());
        assertEquals(ObjectKeys.contentType(modality()), out.contentType());
        String outTrace = header(record, Headers.TRACEPARENT);
        assertTrue(outTrace.startsWith("00-" + trace.traceId() + "-"), "one job, one trace: " + outTrace);

        byte[] bytes = store.get(out.objectKey());
        assertEquals(out.size(), bytes.length);
        assertEquals(out.sha256(), ClaimCheck.sha256Hex(bytes));
        ObjectInfo info = store.stat(out.objectKey()).orElseThrow();
        assertEquals(out.contentType(), info.contentType());
        assertEquals(out.sha256(), info.sha256());
        assertReadableMedia(bytes);

        List<JobEvent> events = events(job);
        assertFalse(events.isEmpty());
        double last = 0;
        for (JobEvent e : events) {
            assertEquals(JobEvent.Kind.PROGRESS, e.kind(), "only progress: " + events);
            assertEquals(Stage.decode(modality()), e.stage());
            assertEquals(1, e.outputIndex());
            assertTrue(e.progress() > last, "progress grows: " + events);
            last = e.progress();
        }
        assertEquals(1.0, last);
        assertEquals(9, events.size(), "8 steps at interval 0, then 1.0 once stored: " + events);
    }

    @Test
    void threeCompatibleRequestsWithinTheWindowRunAsOneBatchAndEachEqualsItsSoloBytes() {
        DecoderMetrics metrics = service().stage().metrics();
        long batchesBefore = metrics.batches();
        double requestsBefore = metrics.batchedRequests();
        List<String> jobs = List.of(newJob("b1"), newJob("b2"), newJob("b3"));
        List<byte[]> tensors = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            tensors.add(SampleSignals.tensors(modality(), 100 + i));
            send(SampleSignals.signals(jobs.get(i), modality(), 0, steps(6, 100 + i), null, tensors.get(i)), null);
        }
        List<byte[]> together = new ArrayList<>();
        for (String job : jobs) {
            together.add(store.get(outputStored(job).objectKey()));
        }
        assertEquals(batchesBefore + 1, metrics.batches(), "one denoiser batch for the three");
        assertEquals(requestsBefore + 3, metrics.batchedRequests());

        for (int i = 0; i < jobs.size(); i++) {
            String solo = newJob("s" + (i + 1));
            send(SampleSignals.signals(solo, modality(), 0, steps(6, 100 + i), null, tensors.get(i)), null);
            OutputStored alone = outputStored(solo);
            assertArrayEquals(together.get(i), store.get(alone.objectKey()), "batched bytes = solo bytes of " + jobs.get(i));
        }
        assertEquals(batchesBefore + 4, metrics.batches());
    }

    @Test
    void aRedeliveredSignalsReadyLeavesOneObjectWithTheSameBytesAndIsAnnouncedTheSameWay() {
        String job = newJob("again");
        SignalsReady request = signals(job, 0, null, null);       // no seed: derived from (job, stage, index)
        send(request, null);
        OutputStored first = outputStored(job);
        byte[] bytes = store.get(first.objectKey());
        double before = service().stage().metrics().alreadyStoredCount();
        send(request, null);
        List<ConsumerRecord<String, byte[]>> both = collector.awaitCount(Topics.JOBS_OUTPUTS, job, 2, WAIT);
        assertEquals(first, Messages.decode(both.get(1).value(), OutputStored.class), "the same announcement");
        assertEquals(before + 1, service().stage().metrics().alreadyStoredCount(), "found in the store, not decoded again");
        assertArrayEquals(bytes, store.get(first.objectKey()));
        assertEquals(1, store.list(ObjectKeys.jobPrefix(SampleSignals.TENANT, job)).size(), "one object");
    }

    @Test
    void aCancelDuringDiffusionEmitsCancelledAndStoresNothing() throws InterruptedException {
        String job = newJob("cancel");
        send(signals(job, 0, steps(100, 5), null), null);
        collector.await(Topics.JOBS_EVENTS, job, r -> event(r).kind() == JobEvent.Kind.PROGRESS, WAIT);
        sendControl(ControlCommand.cancel(job, SampleSignals.TENANT, "test", Instant.now()));

        JobEvent cancelled = event(collector.await(Topics.JOBS_EVENTS, job,
                r -> event(r).kind() != JobEvent.Kind.PROGRESS, WAIT));
        assertEquals(JobEvent.Kind.CANCELLED, cancelled.kind(), "cancelled during diffusion: " + cancelled);
        assertEquals(Stage.decode(modality()), cancelled.stage());
        Thread.sleep(500);
        assertTrue(collector.records(Topics.JOBS_OUTPUTS, job).isEmpty(), "no OutputStored after a cancel");
        assertTrue(store.list(ObjectKeys.jobPrefix(SampleSignals.TENANT, job)).isEmpty(), "no artifact after a cancel");
        assertTrue(events(job).stream().noneMatch(e -> e.progress() != null && e.progress() == 1.0));
    }

    @Test
    void aPassedDeadlineFailsTheJobWithDeadlineExceeded() throws InterruptedException {
        String before = newJob("late");
        send(signals(before, 0, steps(4, 1), Instant.now().minusSeconds(1)), null);
        String during = newJob("expires");
        send(signals(during, 0, steps(100, 1), Instant.now().plusMillis(150)), null);
        for (String job : List.of(before, during)) {
            JobEvent failed = event(collector.await(Topics.JOBS_EVENTS, job,
                    r -> event(r).kind() == JobEvent.Kind.FAILED, WAIT));
            assertEquals("deadline exceeded", failed.reason());
            assertEquals(Stage.decode(modality()), failed.stage());
            assertEquals(0, failed.outputIndex());
        }
        Thread.sleep(300);
        for (String job : List.of(before, during)) {
            assertTrue(collector.records(Topics.JOBS_OUTPUTS, job).isEmpty());
            assertTrue(store.list(ObjectKeys.jobPrefix(SampleSignals.TENANT, job)).isEmpty());
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheNextGoodRecordIsStillProcessed() {
        String garbage = newJob("garbage");
        producer.send(new ProducerRecord<>(Topics.signals(modality()), garbage,
                "{not json at all".getBytes(StandardCharsets.UTF_8)));
        String misshaped = newJob("shape");
        send(SampleSignals.signals(misshaped, modality(), 0, null, null,
                SampleSignals.tensors(modality().signalTokenCount() + 1, SampleSignals.NANO_HIDDEN, 1)), null);
        String good = newJob("good");
        send(signals(good, 0, steps(4, 2), null), null);

        ConsumerRecord<String, byte[]> dead1 = collector.await(deadLetterTopic(), garbage, r -> true, WAIT);
        assertEquals("{not json at all", new String(dead1.value(), StandardCharsets.UTF_8), "dead letters are unchanged");
        assertTrue(header(dead1, DeadLetters.ERROR_MESSAGE).contains("not valid JSON"), header(dead1, DeadLetters.ERROR_MESSAGE));
        ConsumerRecord<String, byte[]> dead2 = collector.await(deadLetterTopic(), misshaped, r -> true, WAIT);
        assertTrue(header(dead2, DeadLetters.ERROR_MESSAGE).contains("signal_hidden"), header(dead2, DeadLetters.ERROR_MESSAGE));
        assertEquals(Topics.signals(modality()), header(dead2, DeadLetters.SOURCE_TOPIC));

        assertNotNull(store.get(outputStored(good).objectKey()), "the next good record is processed");
        assertTrue(collector.records(Topics.JOBS_OUTPUTS, misshaped).isEmpty());
    }

    @Test
    void paramsBeyondTheBundlesLimitsFailTheJobWithAReason() {
        String job = newJob("params");
        send(signals(job, 0, new DiffusionParams(101, null, null, 1L), null), null);
        JobEvent failed = event(collector.await(Topics.JOBS_EVENTS, job, r -> event(r).kind() == JobEvent.Kind.FAILED, WAIT));
        assertEquals("invalid diffusion params: steps must be in 1..100, got 101", failed.reason());
        assertEquals(Stage.decode(modality()), failed.stage());
    }

    // ------------------------------------------------------------------------------------------------------------ helpers

    /** Checks the artifact with an independent reader: ImageIO (PNG), javax.sound (WAV), ffprobe (MP4). */
    protected void assertReadableMedia(byte[] bytes) {
        switch (modality()) {
            case IMAGE -> {
                BufferedImage png = MediaProbe.png(bytes);
                assertEquals(32, png.getWidth());
                assertEquals(32, png.getHeight());
            }
            case AUDIO -> {
                MediaProbe.Wav wav = MediaProbe.wav(bytes);
                assertEquals(16_000f, wav.format().getSampleRate());
                assertEquals(1, wav.format().getChannels());
                assertEquals(16, wav.format().getSampleSizeInBits());
                assertEquals(16_000, wav.frames());
            }
            case VIDEO -> {
                assumeTrue(MediaProbe.ffprobeAvailable(), "ffprobe not installed");
                String probe = MediaProbe.ffprobeVideo(bytes);
                assertTrue(probe.contains("codec_name=h264"), probe);
                assertTrue(probe.contains("width=32") && probe.contains("height=32"), probe);
                assertTrue(probe.contains("nb_read_frames=8"), probe);
                assertTrue(probe.contains("format_name=mov,mp4"), probe);
            }
        }
    }

    /** Sends one small request and waits for its {@code OutputStored}. */
    protected OutputStored decodeOne() {
        String job = newJob("one");
        send(signals(job, 0, steps(3, 1), null), null);
        return outputStored(job);
    }

    protected String newJob(String what) {
        return modality().wireName() + "-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected String deadLetterTopic() {
        return Topics.deadLetter(Topics.signals(modality()), ConsumerGroup.decoder(modality()));
    }

    protected SignalsReady signals(String job, int index, DiffusionParams params, Instant deadline) {
        return SampleSignals.signals(job, modality(), index, params, deadline);
    }

    protected static DiffusionParams steps(int steps, long seed) {
        return SampleSignals.steps(steps, seed);
    }

    protected void send(SignalsReady message, TraceParent trace) {
        sendMessage(Topics.signals(modality()), message, trace);
    }

    protected void sendControl(ControlCommand command) {
        sendMessage(Topics.JOBS_CONTROL, command, null);
    }

    private static void sendMessage(String topic, Message message, TraceParent trace) {
        RecordHeaders headers = new RecordHeaders();
        Messages.headers(message).forEach(headers::add);
        if (trace != null) {
            headers.add(Headers.TRACEPARENT, trace.toString().getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(new ProducerRecord<>(topic, null, message.jobId(), Messages.encode(message), headers)).get();
        } catch (Exception e) {
            throw new AssertionError("cannot produce to " + topic, e);
        }
    }

    protected OutputStored outputStored(String job) {
        return Messages.decode(collector.await(Topics.JOBS_OUTPUTS, job, r -> true, WAIT).value(), OutputStored.class);
    }

    protected List<JobEvent> events(String job) {
        return collector.records(Topics.JOBS_EVENTS, job).stream().map(DecoderServiceScenarios::event).toList();
    }

    private static JobEvent event(ConsumerRecord<String, byte[]> r) {
        return Messages.decode(r.value(), JobEvent.class);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
