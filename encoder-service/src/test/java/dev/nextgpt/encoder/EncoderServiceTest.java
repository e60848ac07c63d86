package dev.nextgpt.encoder;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.messages.ContentPart;
import dev.nextgpt.contracts.messages.EncodedMedia;
import dev.nextgpt.contracts.messages.JobEncoded;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.MediaRef;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.Turn;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.TensorCodec;
import dev.nextgpt.encoder.config.EncoderConfig;
import dev.nextgpt.encoder.listener.EncoderWorker;
import dev.nextgpt.encoder.model.EncodingModel;
import dev.nextgpt.encoder.service.EmbeddingPayloads;
import dev.nextgpt.objectstore.ObjectKeys;
import dev.nextgpt.objectstore.ObjectStore;
import dev.nextgpt.objectstore.S3ClaimCheck;
import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.runtime.media.PngWriter;
import dev.nextgpt.runtime.media.RgbImage;
import dev.nextgpt.worker.DeadLetters;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PlatformResource.class)
class EncoderServiceTest {
    private static final String TENANT = "tenant-e";
    private static final TensorCodec CODEC = new TensorCodec();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    EncodingModel model;
    @Inject
    EncoderWorker worker;

    private TopicReader kafka() {
        return new TopicReader(bootstrap);
    }

    private ObjectStore store() {
        return worker.store();
    }

    private static byte[] png(int seed) {
        byte[] rgb = new byte[40 * 30 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * seed + seed);
        }
        return PngWriter.write(new RgbImage(40, 30, rgb));
    }

    private MediaRef upload(Modality modality, byte[] bytes, String contentType) {
        String sha = ClaimCheck.sha256Hex(bytes);
        String key = ObjectKeys.upload(TENANT, sha);
        store().put(key, bytes, contentType);
        return new MediaRef(modality, key, contentType, bytes.length, sha);
    }

    private static JobRequested job(String jobId, List<Turn> turns) {
        Instant now = Instant.now();
        return new JobRequested(Messages.SCHEMA, jobId, TENANT, now, turns, List.of(), null, null,
                now.plusSeconds(600), null);
    }

    private static float[] values(EncodedMedia media) {
        FloatTensor t = CODEC.decode(media.embeddings().inline()).require(EncodedMedia.TENSOR);
        return t.values();
    }

    @Test
    void anImageAndTextJobIsEncodedExactlyAsTheTierEncodesIt() {
        byte[] png = png(3);
        MediaRef ref = upload(Modality.IMAGE, png, "image/png");
        kafka().send(Topics.JOBS_REQUESTED, job("enc-image", List.of(
                Turn.user(ContentPart.text("what is this?"), ContentPart.media(ref)))));
        JobEncoded encoded = kafka().first(Topics.JOBS_ENCODED, "enc-image", JobEncoded.class);
        assertEquals(1, encoded.media().size());
        EncodedMedia media = encoded.media().get(0);
        assertEquals(0, media.turn());
        assertEquals(1, media.part());
        assertEquals(Modality.IMAGE, media.modality());
        FloatTensor tensor = CODEC.decode(media.embeddings().inline()).require(EncodedMedia.TENSOR);
        assertArrayEquals(new long[] {1, 256}, tensor.shape());
        MediaEmbedding expected = model.encode(Modality.IMAGE, png);
        assertArrayEquals(expected.data(), tensor.values(), 0f);
        assertEquals(encoded.turns(), job("x", encoded.turns()).turns());
    }

    @Test
    void jobsOfOneBatchAreEncodedTogetherLikeEachAlone() {
        List<byte[]> images = List.of(png(21), png(22), png(23));
        for (int i = 0; i < images.size(); i++) {
            MediaRef ref = upload(Modality.IMAGE, images.get(i), "image/png");
            kafka().send(Topics.JOBS_REQUESTED, job("enc-batch-" + i, List.of(Turn.user(ContentPart.media(ref),
                    ContentPart.text("number " + i)))));
        }
        for (int i = 0; i < images.size(); i++) {
            JobEncoded encoded = kafka().first(Topics.JOBS_ENCODED, "enc-batch-" + i, JobEncoded.class);
            float[] alone = model.encode(Modality.IMAGE, images.get(i)).data();
            float[] got = values(encoded.media().get(0));
            for (int k = 0; k < alone.length; k++) {
                assertEquals(alone[k], got[k], 1e-5f, "enc-batch-" + i + " [" + k + "]");
            }
        }
    }

    @Test
    void textOnlyJobsPassThrough() {
        JobRequested job = job("enc-text", List.of(Turn.user(ContentPart.text("hello")), Turn.assistant("hi"),
                Turn.user(ContentPart.text("tell me more"))));
        kafka().send(Topics.JOBS_REQUESTED, job);
        JobEncoded encoded = kafka().first(Topics.JOBS_ENCODED, "enc-text", JobEncoded.class);
        assertTrue(encoded.media().isEmpty());
        assertEquals(job.turns(), encoded.turns());
        assertEquals(job.deadline(), encoded.deadline());
    }

    @Test
    void corruptedMediaFailsTheJobNamingThePart() {
        MediaRef broken = upload(Modality.IMAGE, "\u0089PNG\r\n\u001a\n but not really".getBytes(StandardCharsets.ISO_8859_1),
                "image/png");
        kafka().send(Topics.JOBS_REQUESTED, job("enc-corrupt", List.of(
                Turn.user(ContentPart.text("look"), ContentPart.text("closer"), ContentPart.media(broken)))));
        JobEvent failed = kafka().first(Topics.JOBS_EVENTS, "enc-corrupt", JobEvent.class);
        assertEquals(JobEvent.Kind.FAILED, failed.kind());
        assertEquals(Stage.ENCODE, failed.stage());
        assertTrue(failed.reason().startsWith("media turns[0].content[2] (image) cannot be decoded: "), failed.reason());
        assertTrue(kafka().read(Topics.JOBS_ENCODED, "enc-corrupt", Duration.ofMillis(500), l -> false).isEmpty());
    }

    @Test
    void aMissingOrAlteredUploadFailsTheJob() {
        byte[] png = png(5);
        MediaRef ref = upload(Modality.IMAGE, png, "image/png");
        MediaRef wrongSize = new MediaRef(Modality.IMAGE, ref.objectKey(), "image/png", ref.size() + 1, ref.sha256());
        kafka().send(Topics.JOBS_REQUESTED, job("enc-altered", List.of(Turn.user(ContentPart.media(wrongSize)))));
        JobEvent failed = kafka().first(Topics.JOBS_EVENTS, "enc-altered", JobEvent.class);
        assertTrue(failed.reason().startsWith("media turns[0].content[0] (image): "), failed.reason());
        assertTrue(failed.reason().contains("expected " + (ref.size() + 1)), failed.reason());

        MediaRef other = new MediaRef(Modality.IMAGE, ObjectKeys.upload("someone-else", ref.sha256()), "image/png",
                ref.size(), ref.sha256());
        kafka().send(Topics.JOBS_REQUESTED, job("enc-foreign", List.of(Turn.user(ContentPart.media(other)))));
        JobEvent foreign = kafka().first(Topics.JOBS_EVENTS, "enc-foreign", JobEvent.class);
        assertTrue(foreign.reason().contains("is not in tenant tenant-e's space"), foreign.reason());
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheNextJobIsEncoded() {
        kafka().send(new ProducerRecord<>(Topics.JOBS_REQUESTED, "enc-poison", "{\"type\":".getBytes(StandardCharsets.UTF_8)));
        kafka().send(Topics.JOBS_REQUESTED, job("enc-after-poison", List.of(Turn.user(ContentPart.text("still there?")))));
        String dlq = Topics.deadLetter(Topics.JOBS_REQUESTED, ConsumerGroup.ENCODER);
        List<ConsumerRecord<String, byte[]>> dead = kafka().read(dlq, "enc-poison", Duration.ofSeconds(60), l -> !l.isEmpty());
        assertEquals(1, dead.size());
        assertEquals("dev.nextgpt.contracts.ContractViolation",
                new String(dead.get(0).headers().lastHeader(DeadLetters.ERROR_CLASS).value(), StandardCharsets.UTF_8));
        assertEquals("enc-after-poison", kafka().first(Topics.JOBS_ENCODED, "enc-after-poison", JobEncoded.class).jobId());
    }

    @Test
    void theSameContentIsEncodedOnce() {
        byte[] png = png(11);
        MediaRef ref = upload(Modality.IMAGE, png, "image/png");
        kafka().send(Topics.JOBS_REQUESTED, job("enc-cache-1", List.of(Turn.user(ContentPart.media(ref)))));
        JobEncoded first = kafka().first(Topics.JOBS_ENCODED, "enc-cache-1", JobEncoded.class);
        long hits = worker.cache().hits();
        store().delete(ref.objectKey()); // a second fetch would now fail: only the cache can answer
        kafka().send(Topics.JOBS_REQUESTED, job("enc-cache-2", List.of(
                Turn.user(ContentPart.media(ref), ContentPart.text("and again"), ContentPart.media(ref)))));
        JobEncoded second = kafka().first(Topics.JOBS_ENCODED, "enc-cache-2", JobEncoded.class);
        assertEquals(2, second.media().size());
        assertArrayEquals(values(first.media().get(0)), values(second.media().get(0)), 0f);
        assertArrayEquals(values(first.media().get(0)), values(second.media().get(1)), 0f);
        assertEquals(hits + 2, worker.cache().hits());
    }

    @Test
    void f16PayloadsHoldTheRoundedEmbedding() {
        MediaEmbedding e = new MediaEmbedding(Modality.IMAGE, 1, 4, new float[] {0.1f, -2.5f, 1e-3f, 65504f});
        FloatTensor t = CODEC.decode(EmbeddingPayloads.safetensors(e, EncoderConfig.WireDtype.F16))
                .require(EncodedMedia.TENSOR);
        assertEquals(dev.nextgpt.contracts.tensors.DType.F16, t.dtype());
        for (int i = 0; i < 4; i++) {
            assertEquals(e.data()[i], t.values()[i], Math.abs(e.data()[i]) * 1e-3f);
        }
    }

    @Test
    void readyHealthAndMetrics() {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("nextgpt_stage_records_total"))
                .body(containsString("kafka_consumer"));
    }
}
