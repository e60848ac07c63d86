package dev.nextgpt.llm;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.ContentPart;
import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.contracts.messages.DiffusionParams;
import dev.nextgpt.contracts.messages.EncodedMedia;
import dev.nextgpt.contracts.messages.GenerationParams;
import dev.nextgpt.contracts.messages.JobEncoded;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.JobText;
import dev.nextgpt.contracts.messages.MediaRef;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.PlannedOutput;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.contracts.messages.TensorPayload;
import dev.nextgpt.contracts.messages.TextDelta;
import dev.nextgpt.contracts.messages.TextMessage;
import dev.nextgpt.contracts.messages.Turn;
import dev.nextgpt.contracts.tensors.DType;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.NamedTensors;
import dev.nextgpt.contracts.tensors.TensorCodec;
import dev.nextgpt.llm.listener.LlmWorker;
import dev.nextgpt.llm.model.LanguageModel;
import dev.nextgpt.worker.DeadLetters;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PlatformResource.class)
class LlmServiceTest {
    private static final String TENANT = "tenant-l";
    private static final TensorCodec CODEC = new TensorCodec();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    LanguageModel model;
    @Inject
    LlmWorker worker;

    private TopicReader kafka() {
        return new TopicReader(bootstrap);
    }

    private static JobEncoded job(String jobId, List<Turn> turns, List<EncodedMedia> media, List<Modality> outputs,
            GenerationParams generation) {
        return new JobEncoded(Messages.SCHEMA, jobId, TENANT, turns, media, outputs, generation,
                new DiffusionParams(10, 7.5, "ddim", 42L), Instant.now().plusSeconds(600));
    }

    private static JobEncoded textJob(String jobId, String text, List<Modality> outputs, GenerationParams generation) {
        return job(jobId, List.of(Turn.user(ContentPart.text(text))), List.of(), outputs, generation);
    }

    /** Every record of the job on the text topic, until its JobText. */
    private List<ConsumerRecord<String, byte[]>> textRecords(String jobId) {
        List<ConsumerRecord<String, byte[]>> records = kafka().read(Topics.JOBS_TEXT, jobId, WAIT, l -> l.stream()
                .anyMatch(r -> Messages.decode(r.value(), TextMessage.class) instanceof JobText));
        assertTrue(records.stream().anyMatch(r -> Messages.decode(r.value(), TextMessage.class) instanceof JobText),
                "no JobText for " + jobId);
        return records;
    }

    private static JobText finalText(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> Messages.decode(r.value(), TextMessage.class))
                .filter(m -> m instanceof JobText).map(m -> (JobText) m).findFirst().orElseThrow();
    }

    @Test
    void forcedImageAndAudioAreAnnouncedBeforeTheFinalText() {
        kafka().send(Topics.JOBS_ENCODED, textJob("llm-forced", "draw a cat and let it purr",
                List.of(Modality.IMAGE, Modality.AUDIO), new GenerationParams(12, 0.0, null, null, 1L)));
        List<ConsumerRecord<String, byte[]>> text = textRecords("llm-forced");
        ConsumerRecord<String, byte[]> jobTextRecord = text.stream()
                .filter(r -> Messages.decode(r.value(), TextMessage.class) instanceof JobText).findFirst().orElseThrow();
        JobText jobText = finalText(text);
        assertEquals(List.of(new PlannedOutput(Modality.IMAGE, 0), new PlannedOutput(Modality.AUDIO, 0)).stream()
                .sorted(java.util.Comparator.comparing(p -> p.modality().wireName())).toList(),
                jobText.outputs().stream().sorted(java.util.Comparator.comparing(p -> p.modality().wireName())).toList());
        for (Modality m : List.of(Modality.IMAGE, Modality.AUDIO)) {
            List<ConsumerRecord<String, byte[]>> records = kafka().read(Topics.signals(m), "llm-forced", WAIT,
                    l -> !l.isEmpty());
            assertEquals(1, records.size(), m.wireName());
            SignalsReady ready = Messages.decode(records.get(0).value(), SignalsReady.class);
            assertEquals(m, ready.modality());
            assertEquals(0, ready.outputIndex());
            assertEquals(new DiffusionParams(10, 7.5, "ddim", 42L), ready.diffusion());
            NamedTensors tensors = SignalsReady.checkSignals(CODEC.decode(ready.signals().resolve(null)), m);
            FloatTensor hidden = tensors.require(SignalsReady.SIGNAL_HIDDEN);
            assertArrayEquals(new long[] {m.signalTokenCount(), model.tier().hiddenSize()}, hidden.shape());
            assertEquals(DType.F16, hidden.dtype());
            FloatTensor embeds = tensors.require(SignalsReady.SIGNAL_EMBEDS);
            float[] expected = model.signalEmbeddings(m);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], embeds.values()[i], Math.abs(expected[i]) * 1e-3f + 1e-6f);
            }
            assertTrue(records.get(0).timestamp() <= jobTextRecord.timestamp(),
                    m.wireName() + " SignalsReady was produced before the JobText");
        }
    }

    @Test
    void textDeltasConcatenateToTheFinalText() {
        kafka().send(Topics.JOBS_ENCODED, textJob("llm-stream", "tell me a long story about the sea",
                List.of(), new GenerationParams(40, 1.0, null, null, 7L)));
        List<ConsumerRecord<String, byte[]>> records = textRecords("llm-stream");
        JobText jobText = finalText(records);
        StringBuilder concatenated = new StringBuilder();
        long expectedSequence = 0;
        for (ConsumerRecord<String, byte[]> r : records) {
            if (Messages.decode(r.value(), TextMessage.class) instanceof TextDelta delta) {
                assertEquals(expectedSequence++, delta.sequence());
                concatenated.append(delta.text());
            }
        }
        assertEquals(jobText.text(), concatenated.toString());
        assertTrue(jobText.text().length() > 0, "the nano model says something with this seed");
        assertTrue(expectedSequence >= 2, "streamed in several deltas: " + expectedSequence);
        assertTrue(expectedSequence < 40, "coalesced, not one record per token: " + expectedSequence);
        assertTrue(records.get(records.size() - 1).value().length > 0);
        assertTrue(Messages.decode(records.get(records.size() - 1).value(), TextMessage.class) instanceof JobText,
                "the final text comes after every delta");
    }

    @Test
    void mediaEmbeddingsAndHistoryFeedThePrompt() {
        int hidden = model.tier().hiddenSize();
        float[] values = new float[hidden];
        Random random = new Random(5);
        for (int i = 0; i < hidden; i++) {
            values[i] = (float) random.nextGaussian() * 0.1f;
        }
        byte[] blob = CODEC.encode(NamedTensors.of(FloatTensor.f16(EncodedMedia.TENSOR, new long[] {1, hidden}, values)));
        MediaRef ref = new MediaRef(Modality.IMAGE, "tenants/" + TENANT + "/files/" + "c".repeat(64), "image/png", 10,
                "c".repeat(64));
        List<Turn> turns = List.of(Turn.user(ContentPart.media(ref), ContentPart.text("what colour is this?")),
                Turn.assistant("it is red."), Turn.user(ContentPart.text("and now?")));
        kafka().send(Topics.JOBS_ENCODED, job("llm-media", turns,
                List.of(new EncodedMedia(0, 0, Modality.IMAGE, TensorPayload.inline(blob))), List.of(),
                new GenerationParams(8, 0.0, null, null, 3L)));
        assertEquals("llm-media", finalText(textRecords("llm-media")).jobId());

        byte[] narrow = CODEC.encode(NamedTensors.of(FloatTensor.f16(EncodedMedia.TENSOR, new long[] {1, 8}, new float[8])));
        kafka().send(Topics.JOBS_ENCODED, job("llm-narrow", List.of(Turn.user(ContentPart.media(ref))),
                List.of(new EncodedMedia(0, 0, Modality.IMAGE, TensorPayload.inline(narrow))), List.of(), null));
        JobEvent failed = kafka().first(Topics.JOBS_EVENTS, "llm-narrow", JobEvent.class);
        assertEquals(JobEvent.Kind.FAILED, failed.kind());
        assertEquals(Stage.GENERATE, failed.stage());
        assertTrue(failed.reason().startsWith("media turns[0].content[0] (image): embeddings have shape [1, 8]"),
                failed.reason());
    }

    @Test
    void aCancelledJobProducesNothing() throws Exception {
        kafka().send(Topics.JOBS_CONTROL, ControlCommand.cancel("llm-cancelled", TENANT, "user asked", Instant.now()));
        long end = System.nanoTime() + WAIT.toNanos();
        while (!worker.cancellation().isCancelled("llm-cancelled") && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        kafka().send(Topics.JOBS_ENCODED, textJob("llm-cancelled", "draw", List.of(Modality.IMAGE), null));
        kafka().send(Topics.JOBS_ENCODED, textJob("llm-after-cancel", "hello", List.of(), new GenerationParams(4, 0.0,
                null, null, 1L)));
        finalText(textRecords("llm-after-cancel"));
        Duration brief = Duration.ofMillis(300);
        for (String topic : List.of(Topics.JOBS_TEXT, Topics.SIGNALS_IMAGE, Topics.JOBS_EVENTS)) {
            assertTrue(kafka().read(topic, "llm-cancelled", brief, l -> false).isEmpty(), topic);
        }
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheNextJobIsAnswered() {
        kafka().send(new ProducerRecord<>(Topics.JOBS_ENCODED, "llm-poison", "[1,2".getBytes(StandardCharsets.UTF_8)));
        kafka().send(Topics.JOBS_ENCODED, textJob("llm-after-poison", "hi", List.of(), new GenerationParams(4, 0.0,
                null, null, 1L)));
        String dlq = Topics.deadLetter(Topics.JOBS_ENCODED, ConsumerGroup.LLM);
        List<ConsumerRecord<String, byte[]>> dead = kafka().read(dlq, "llm-poison", WAIT, l -> !l.isEmpty());
        assertEquals(1, dead.size());
        assertEquals(Topics.JOBS_ENCODED,
                new String(dead.get(0).headers().lastHeader(DeadLetters.SOURCE_TOPIC).value(), StandardCharsets.UTF_8));
        assertEquals("llm-after-poison", finalText(textRecords("llm-after-poison")).jobId());
    }

    @Test
    void aRedeliveredOrBatchedJobGeneratesTheSameStream() {
        // no seed in the job: the service derives it from the job id, so a redelivery repeats the stream exactly
        JobEncoded job = textJob("llm-twice", "sing me a song", List.of(), new GenerationParams(24, 1.0, null, null, null));
        kafka().send(Topics.JOBS_ENCODED, job);
        kafka().send(Topics.JOBS_ENCODED, textJob("llm-neighbour-1", "hello there", List.of(Modality.AUDIO), null));
        kafka().send(Topics.JOBS_ENCODED, job);
        kafka().send(Topics.JOBS_ENCODED, textJob("llm-neighbour-2", "what is new?", List.of(), null));
        List<ConsumerRecord<String, byte[]>> records = kafka().read(Topics.JOBS_TEXT, "llm-twice", WAIT, l -> l.stream()
                .filter(r -> Messages.decode(r.value(), TextMessage.class) instanceof JobText).count() == 2);
        List<TextMessage> messages = records.stream().map(r -> Messages.decode(r.value(), TextMessage.class)).toList();
        List<JobText> finals = messages.stream().filter(m -> m instanceof JobText).map(m -> (JobText) m).toList();
        assertEquals(2, finals.size());
        assertEquals(finals.get(0), finals.get(1));
        // the test profile cuts deltas by token count only (delta-interval 1h), so both deliveries cut them alike
        Map<Long, String> bySequence = new HashMap<>();
        for (TextMessage m : messages) {
            if (m instanceof TextDelta d) {
                String before = bySequence.putIfAbsent(d.sequence(), d.text());
                assertTrue(before == null || before.equals(d.text()), "delta " + d.sequence() + " differs");
            }
        }
        assertEquals(finals.get(0).text(), String.join("", new TreeMap<>(bySequence).values()));
        for (String other : List.of("llm-neighbour-1", "llm-neighbour-2")) {
            assertEquals(other, finalText(textRecords(other)).jobId());
        }
    }

    @Test
    void readyHealthAndMetrics() {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("nextgpt_stage_records_total"));
    }
}
