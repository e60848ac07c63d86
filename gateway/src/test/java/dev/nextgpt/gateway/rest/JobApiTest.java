package dev.nextgpt.gateway.rest;

import static dev.nextgpt.gateway.Api.KEY_A;
import static dev.nextgpt.gateway.Api.KEY_B;
import static dev.nextgpt.gateway.Api.TENANT_A;
import static dev.nextgpt.gateway.Api.awaitStatus;
import static dev.nextgpt.gateway.Api.job;
import static dev.nextgpt.gateway.Api.submit;
import static dev.nextgpt.gateway.Api.textJob;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Headers;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.TraceParent;
import dev.nextgpt.contracts.messages.ContentPart;
import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.PlannedOutput;
import dev.nextgpt.gateway.Api;
import dev.nextgpt.gateway.JobSnapshot;
import dev.nextgpt.gateway.Media;
import dev.nextgpt.gateway.PlatformResource;
import dev.nextgpt.gateway.SseClient;
import dev.nextgpt.gateway.Workers;
import dev.nextgpt.gateway.listener.JobTopicsReader;
import dev.nextgpt.gateway.service.JobStore;
import dev.nextgpt.gateway.service.JobSubmitter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@QuarkusTest
@WithTestResource(PlatformResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Workers workers;

    @Inject
    JobStore store;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void setUp() {
        workers = Workers.fromConfig();
    }

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    @AfterAll
    static void tearDown() {
        workers.close();
    }

    @Test
    @Order(1)
    void aSubmittedJobIsOnTheRequestTopicKeyedByItsIdWithTheContractHeadersAndTheCallersTrace() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Response r = given().header("Authorization", KEY_A).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .contentType(ContentType.JSON).body("""
                        {"messages": [
                           {"role": "user", "content": "draw a cat"},
                           {"role": "assistant", "content": [{"type": "text", "text": "What colour?"}]},
                           {"role": "user", "content": [{"type": "text", "text": "black"}]}],
                         "outputs": ["image"],
                         "params": {"image": {"steps": 12, "guidance": 5.5, "seed": 7, "scheduler": "dpmpp_2m", "size": "32x32"},
                                    "audio": {"seconds": 1.0}},
                         "generation": {"max_tokens": 40, "temperature": 0.7, "top_p": 0.9, "top_k": 20, "seed": 3},
                         "deadline_seconds": 600,
                         "webhook": {"url": "http://127.0.0.1:9/hook", "secret": "s3cret-value"}}
                        """).post("/v1/jobs");
        r.then().statusCode(202).body("status", is("queued")).body("id", startsWith("job-"));
        String id = r.jsonPath().getString("id");
        assertEquals("/v1/jobs/" + id, URI.create(r.header("Location")).getPath());

        List<ConsumerRecord<String, byte[]>> records = workers.records(Topics.JOBS_REQUESTED, id, x -> true);
        assertEquals(1, records.size());
        ConsumerRecord<String, byte[]> record = records.get(0);
        assertEquals(id, header(record, Headers.JOB_ID));
        assertEquals(TENANT_A, header(record, Headers.TENANT));
        assertEquals("1", header(record, Headers.SCHEMA_VERSION));
        assertEquals("job.requested", header(record, Headers.MESSAGE_TYPE));
        assertEquals("application/json", header(record, Headers.CONTENT_TYPE));
        TraceParent trace = TraceParent.parse(header(record, Headers.TRACEPARENT));
        assertEquals(traceId, trace.traceId(), "the record continues the caller's trace");

        JobRequested job = Messages.decode(record.value(), JobRequested.class);
        Messages.checkRecord(record.key(), name -> record.headers().lastHeader(name) == null ? null
                : record.headers().lastHeader(name).value(), job);
        assertEquals(3, job.turns().size());
        assertEquals("black", ((ContentPart.Text) job.turns().get(2).content().get(0)).text());
        assertEquals(List.of(Modality.IMAGE), job.outputs());
        assertEquals(12, job.diffusionFor(Modality.IMAGE).steps());
        assertEquals("dpmpp_2m", job.diffusionFor(Modality.IMAGE).scheduler());
        assertEquals(32, job.diffusionFor(Modality.IMAGE).width());
        assertEquals(1.0, job.diffusionFor(Modality.AUDIO).seconds());
        assertEquals(40, job.generation().maxNewTokens());
        assertEquals(0.9, job.generation().topP());
        assertEquals(job.createdAt().plusSeconds(600), job.deadline());
        assertEquals("http://127.0.0.1:9/hook", job.webhook().url());
        assertNotNull(job.webhook().sealedSecret());
        assertFalse(new String(record.value(), StandardCharsets.UTF_8).contains("s3cret-value"),
                "the webhook secret never travels in clear");

        job(KEY_A, id).then().statusCode(200).body("status", is("queued")).body("outputs", equalTo(List.of("image")))
                .body("webhook.url", is("http://127.0.0.1:9/hook")).body("webhook.secret", equalTo(null));
    }

    @Test
    @Order(2)
    void workerRecordsDriveProgressTextArtifactsAndSuccessOncePerOutput() throws Exception {
        String id = submit(KEY_A, "{\"messages\":[{\"role\":\"user\",\"content\":\"a cat that purrs\"}],"
                + "\"outputs\":[\"image\",\"audio\"]}");
        workers.progress(id, TENANT_A, Stage.ENCODE, null, 1.0);
        workers.delta(id, TENANT_A, 0, "Here ");
        workers.delta(id, TENANT_A, 1, "you go");
        workers.delta(id, TENANT_A, 1, "you go");   // redelivered
        awaitStatus(KEY_A, id, "running").then().body("text", is("Here you go"))
                .body("stages[0].stage", is("encode")).body("stages[0].progress", is(1.0f));
        workers.text(id, TENANT_A, "Here you go.", new PlannedOutput(Modality.IMAGE, 0),
                new PlannedOutput(Modality.AUDIO, 0));
        byte[] png = Media.png(1);
        workers.progress(id, TENANT_A, Stage.DECODE_IMAGE, 0, 0.5);
        workers.output(id, TENANT_A, Modality.IMAGE, 0, png);
        Api.await(Duration.ofSeconds(10), () -> job(KEY_A, id).jsonPath().getList("artifacts").size() == 1, "artifact");
        job(KEY_A, id).then().body("status", is("running")).body("planned_outputs.modality", hasItems("image", "audio"));
        workers.output(id, TENANT_A, Modality.AUDIO, 0, Media.wav(1600));
        workers.output(id, TENANT_A, Modality.IMAGE, 0, png);   // redelivered: kept once
        Response done = awaitStatus(KEY_A, id, "succeeded");
        done.then().body("text", is("Here you go.")).body("finish_reason", is("stop"))
                .body("artifacts.size()", is(2)).body("artifacts[0].modality", is("image"))
                .body("artifacts[0].content_type", is("image/png")).body("artifacts[0].size", is(png.length))
                .body("artifacts[0].sha256", is(ClaimCheck.sha256Hex(png))).body("error", equalTo(null));
        assertNotNull(done.jsonPath().getString("finished_at"));

        String url = done.jsonPath().getString("artifacts[0].url");
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, download.statusCode());
        assertArrayEquals(png, download.body(), "the presigned URL serves the artifact");
        Instant expires = Instant.parse(done.jsonPath().getString("artifacts[0].url_expires_at"));
        assertTrue(expires.isAfter(Instant.now().plusSeconds(3000)), "expiry follows the configured hour");
    }

    @Test
    @Order(3)
    void theEventStreamReplaysThenFollowsAndEndsAfterTheTerminalState() throws Exception {
        String id = submit(KEY_A, textJob("paint the sea"));
        URI events = base.toURI().resolve("/v1/jobs/" + id + "/events");
        CompletableFuture<SseClient.Stream> live = SseClient.open(events, KEY_A, null);
        Thread.sleep(300);
        workers.delta(id, TENANT_A, 0, "The ");
        workers.delta(id, TENANT_A, 1, "sea.");
        workers.progress(id, TENANT_A, Stage.DECODE_IMAGE, 0, 0.25);
        workers.text(id, TENANT_A, "The sea.", new PlannedOutput(Modality.IMAGE, 0));
        workers.output(id, TENANT_A, Modality.IMAGE, 0, Media.png(2));
        SseClient.Stream stream = live.get(30, TimeUnit.SECONDS);
        assertEquals(200, stream.status());
        assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
        assertEquals(List.of("queued", "running", "text.delta", "text.delta", "progress", "text", "artifact",
                "succeeded"), stream.names(), stream.body());
        List<SseClient.Event> data = stream.data();
        for (int i = 0; i < data.size(); i++) {
            assertEquals(String.valueOf(i + 1), data.get(i).id(), "events are numbered");
        }
        JsonNode delta = JSON.readTree(data.get(2).data());
        assertEquals("The ", delta.get("text").asText());
        JsonNode artifact = JSON.readTree(data.get(6).data());
        assertEquals("image", artifact.get("modality").asText());
        assertTrue(artifact.get("url").asText().startsWith("http"), artifact.toString());
        JsonNode terminal = JSON.readTree(data.get(7).data());
        assertEquals("succeeded", terminal.get("status").asText());
        assertEquals(id, terminal.get("id").asText());

        SseClient.Stream replay = SseClient.open(events, KEY_A, null).get(10, TimeUnit.SECONDS);
        assertEquals(stream.names(), replay.names(), "a finished job replays everything and ends");
        SseClient.Stream resumed = SseClient.open(events, KEY_A, "5").get(10, TimeUnit.SECONDS);
        assertEquals(List.of("text", "artifact", "succeeded"), resumed.names(), "Last-Event-ID resumes after it");
    }

    @Test
    @Order(4)
    void aFailedEventFailsTheJobWithItsStageAndReasonAndLaterRecordsNeverChangeTheStatus() throws Exception {
        String id = submit(KEY_A, textJob("make a video"));
        workers.delta(id, TENANT_A, 0, "Sure");
        workers.failed(id, TENANT_A, Stage.DECODE_VIDEO, "deadline exceeded");
        awaitStatus(KEY_A, id, "failed").then().body("error.stage", is("decode-video"))
                .body("error.reason", is("deadline exceeded"));
        workers.text(id, TENANT_A, "Sure.");
        workers.delta(id, TENANT_A, 1, " thing");
        Thread.sleep(800);
        job(KEY_A, id).then().body("status", is("failed")).body("error.stage", is("decode-video"))
                .body("text", is("Sure."));
    }

    @Test
    @Order(5)
    void deletePostsACancelCommandAndNoArtifactCountsAfterIt() throws Exception {
        String id = submit(KEY_A, "{\"messages\":[{\"role\":\"user\",\"content\":\"a long video\"}],"
                + "\"outputs\":[\"video\"]}");
        workers.progress(id, TENANT_A, Stage.DECODE_VIDEO, 0, 0.1);
        awaitStatus(KEY_A, id, "running");
        given().header("Authorization", KEY_A).delete("/v1/jobs/" + id).then().statusCode(202)
                .body("id", is(id)).body("status", is("cancelled"));
        List<ConsumerRecord<String, byte[]>> commands = workers.records(Topics.JOBS_CONTROL, id, x -> true);
        assertEquals(1, commands.size());
        ControlCommand command = Messages.decode(commands.get(0).value(), ControlCommand.class);
        assertEquals(ControlCommand.Action.CANCEL, command.action());
        assertEquals(TENANT_A, command.tenant());

        workers.text(id, TENANT_A, "Here is the video.", new PlannedOutput(Modality.VIDEO, 0));
        workers.output(id, TENANT_A, Modality.VIDEO, 0, Media.mp4());
        workers.progress(id, TENANT_A, Stage.DECODE_VIDEO, 0, 0.9);
        Thread.sleep(1000);
        job(KEY_A, id).then().body("status", is("cancelled")).body("artifacts.size()", is(0))
                .body("cancel_reason", is("cancelled by the client"));
        given().header("Authorization", KEY_A).delete("/v1/jobs/" + id).then().statusCode(409)
                .body("error.code", is("job_terminal")).body("error.status", is(409))
                .body("error.message", is("job " + id + " is already cancelled; only queued or running jobs can be "
                        + "cancelled"));
    }

    @Test
    @Order(6)
    void theListIsTheTenantsJobsNewestFirstPagedByAnOpaqueCursor() {
        String first = submit(KEY_B, textJob("one"));
        String second = submit(KEY_B, textJob("two"));
        String third = submit(KEY_B, textJob("three"));
        Response page1 = given().header("Authorization", KEY_B).queryParam("limit", 2).get("/v1/jobs");
        page1.then().statusCode(200).body("object", is("list")).body("data.size()", is(2))
                .body("has_more", is(true)).body("data[0].id", is(third)).body("data[1].id", is(second));
        String cursor = page1.jsonPath().getString("next_cursor");
        Response page2 = given().header("Authorization", KEY_B).queryParam("limit", 2).queryParam("cursor", cursor)
                .get("/v1/jobs");
        page2.then().statusCode(200).body("data[0].id", is(first));
        List<String> all = given().header("Authorization", KEY_A).queryParam("limit", 100).get("/v1/jobs")
                .jsonPath().getList("data.id");
        assertFalse(all.contains(first) || all.contains(third), "tenant A never lists tenant B's jobs");
    }

    @Test
    @Order(7)
    void aTenantNeverSeesCancelsFollowsOrUsesAnotherTenantsJobsAndFiles() throws Exception {
        String id = submit(KEY_A, textJob("private"));
        for (Response r : List.of(job(KEY_B, id), given().header("Authorization", KEY_B).delete("/v1/jobs/" + id),
                given().header("Authorization", KEY_B).get("/v1/jobs/" + id + "/events"))) {
            r.then().statusCode(404).body("error.code", is("job_not_found"))
                    .body("error.message", is("job '" + id + "' not found"));
        }
        job(KEY_A, id).then().statusCode(200).body("status", is("queued"));

        byte[] png = Media.png(3);
        String file = given().header("Authorization", KEY_A).multiPart("file", "cat.png", png, "image/png")
                .post("/v1/files").then().statusCode(201).extract().path("id");
        given().header("Authorization", KEY_B).get("/v1/files/" + file).then().statusCode(404)
                .body("error.code", is("file_not_found"));
        given().header("Authorization", KEY_B).contentType(ContentType.JSON)
                .body("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"file_id\":\"" + file
                        + "\"},{\"type\":\"text\",\"text\":\"what is this\"}]}]}")
                .post("/v1/jobs").then().statusCode(404).body("error.code", is("file_not_found"))
                .body("error.message", is("messages[0].content[0].file_id: file '" + file + "' not found"));
    }

    @Test
    @Order(8)
    void anIdempotencyKeyGivesTheSameJobAndRefusesAnotherBody() {
        String body = textJob("only once");
        Response first = given().header("Authorization", KEY_A).header("Idempotency-Key", "order-42")
                .contentType(ContentType.JSON).body(body).post("/v1/jobs");
        first.then().statusCode(202);
        String id = first.jsonPath().getString("id");
        assertEquals(JobSubmitter.idempotentJobId(TENANT_A, "order-42"), id, "deterministic from (tenant, key)");
        Response again = given().header("Authorization", KEY_A).header("Idempotency-Key", "order-42")
                .contentType(ContentType.JSON).body(body).post("/v1/jobs");
        again.then().statusCode(202).body("id", is(id)).header("Idempotent-Replayed", "true");
        assertEquals(1, workers.records(Topics.JOBS_REQUESTED, id, x -> true).size(), "posted once");
        given().header("Authorization", KEY_A).header("Idempotency-Key", "order-42").contentType(ContentType.JSON)
                .body(textJob("something else")).post("/v1/jobs").then().statusCode(409)
                .body("error.code", is("idempotency_conflict"))
                .body("error.message", containsString("Idempotency-Key: 'order-42' was used for job " + id));
        String other = given().header("Authorization", KEY_B).header("Idempotency-Key", "order-42")
                .contentType(ContentType.JSON).body(body).post("/v1/jobs").then().statusCode(202).extract().path("id");
        assertNotEquals(id, other, "keys are per tenant");
    }

    @Test
    @Order(9)
    void filesAreStoredByContentAndJobsReferenceThemByFileIdOrMultipartPart() {
        byte[] png = Media.png(4);
        String sha = ClaimCheck.sha256Hex(png);
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", KEY_A).multiPart("file", "any-name.bin", png, "application/octet-stream")
                    .post("/v1/files").then().statusCode(201).body("id", is("file-" + sha))
                    .body("modality", is("image")).body("content_type", is("image/png")).body("size", is(png.length))
                    .header("Location", containsString("/v1/files/file-" + sha));
        }
        given().header("Authorization", KEY_A).get("/v1/files/file-" + sha).then().statusCode(200)
                .body("sha256", is(sha));
        assertArrayEquals(png, workers.store().get("tenants/tenant-a/files/" + sha));

        String id = submit(KEY_A, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"file_id\":\"file-"
                + sha + "\"},{\"type\":\"audio\",\"data\":\"" + Base64.getEncoder().encodeToString(Media.wav(800))
                + "\"},{\"type\":\"text\",\"text\":\"describe both\"}]}]}");
        JobRequested job = Messages.decode(workers.records(Topics.JOBS_REQUESTED, id, x -> true).get(0).value(),
                JobRequested.class);
        assertEquals("tenants/tenant-a/files/" + sha, job.media().get(0).objectKey());
        assertEquals(Modality.AUDIO, job.media().get(1).modality());
        assertEquals("audio/wav", job.media().get(1).contentType());

        byte[] wav = Media.wav(1200);
        Response multipart = given().header("Authorization", KEY_A)
                .multiPart("job", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\",\"part\":\"voice\"},"
                        + "{\"type\":\"text\",\"text\":\"transcribe\"}]}]}", "application/json")
                .multiPart("voice", "voice.wav", wav, "audio/wav").post("/v1/jobs");
        multipart.then().statusCode(202).body("status", is("queued"));
        String mid = multipart.jsonPath().getString("id");
        JobRequested mjob = Messages.decode(workers.records(Topics.JOBS_REQUESTED, mid, x -> true).get(0).value(),
                JobRequested.class);
        assertEquals("tenants/tenant-a/files/" + ClaimCheck.sha256Hex(wav), mjob.media().get(0).objectKey());
    }

    @Test
    @Order(10)
    void aRecordTheGatewayCannotReadIsDeadLetteredAndTheNextOneStillApplies() {
        String id = submit(KEY_A, textJob("poison follows"));
        ProducerRecord<String, byte[]> poison = new ProducerRecord<>(Topics.JOBS_EVENTS, id,
                "{\"type\":\"job.event\",\"schema\":1,\"kind\":\"explode\"}".getBytes(StandardCharsets.UTF_8));
        poison.headers().add(Headers.JOB_ID, id.getBytes(StandardCharsets.UTF_8));
        workers.sendRaw(poison);
        workers.progress(id, TENANT_A, Stage.ENCODE, null, 0.5);
        awaitStatus(KEY_A, id, "running").then().body("stages[0].progress", is(0.5f));
        String dlq = Topics.deadLetter(Topics.JOBS_EVENTS, ConsumerGroup.GATEWAY);
        assertEquals("nextgpt.jobs.events.dlq.gateway", dlq);
        List<ConsumerRecord<String, byte[]>> dead = workers.records(dlq, id, x -> true);
        assertEquals(1, dead.size(), "dead-lettered once, by the replica owning the partition");
        ConsumerRecord<String, byte[]> d = dead.get(0);
        assertArrayEquals(poison.value(), d.value());
        assertEquals(Topics.JOBS_EVENTS, header(d, Headers.DLQ_SOURCE_TOPIC));
        assertEquals("nextgpt-gateway", header(d, Headers.DLQ_GROUP));
        assertEquals("dev.nextgpt.contracts.ContractViolation", header(d, Headers.DLQ_ERROR_CLASS));
        assertTrue(header(d, Headers.DLQ_ERROR_MESSAGE).contains("explode"), header(d, Headers.DLQ_ERROR_MESSAGE));
        assertEquals(id, header(d, Headers.JOB_ID), "the source headers are kept");
    }

    @Test
    @Order(11)
    void healthMetricsOpenApiAndSwaggerUiAnswer() {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.name", hasItems("job-state", "kafka", "object-store"));
        given().get("/q/health/live").then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("nextgpt_gateway_jobs_submitted_total", "nextgpt_gateway_jobs{status=\"succeeded\"}",
                "nextgpt_gateway_sse_clients", "nextgpt_gateway_records_total", "http_server_requests_seconds")) {
            assertTrue(metrics.contains(name), name);
        }
        given().get("/q/openapi").then().statusCode(200).body(containsString("/v1/jobs/{id}/events"))
                .body(containsString("/v1/files"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    @Order(12)
    void aFreshReaderOfTheSameTopicsBuildsTheSameStateAsTheLiveOne() throws Exception {
        JobStore fresh = new JobStore();
        try (JobTopicsReader reader = new JobTopicsReader(workers.bootstrap(), fresh, (t, o) -> { }).start()) {
            assertTrue(reader.awaitCaughtUp(Duration.ofSeconds(30)));
            Api.await(Duration.ofSeconds(10), () -> sameJobs(fresh), "the same jobs");
            List<JobSnapshot> live = store.all();
            assertTrue(live.size() >= 10, "jobs of this test class: " + live.size());
            for (JobSnapshot job : live) {
                assertEquals(job, fresh.find(job.id()).orElse(null), "job " + job.id());
            }
            assertEquals(store.countByStatus(), fresh.countByStatus());
        }
    }

    private boolean sameJobs(JobStore fresh) {
        for (JobSnapshot job : store.all()) {
            if (!job.equals(fresh.find(job.id()).orElse(null))) {
                return false;
            }
        }
        return store.all().size() == fresh.all().size();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        assertNotNull(h, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
