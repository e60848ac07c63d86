package dev.nextgpt.gateway.service;

import static dev.nextgpt.gateway.Api.KEY_A;
import static dev.nextgpt.gateway.Api.TENANT_A;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.gateway.Api;
import dev.nextgpt.gateway.JobSnapshot;
import dev.nextgpt.gateway.JobStatus;
import dev.nextgpt.gateway.PlatformResource;
import dev.nextgpt.gateway.Workers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks to a real HTTP receiver on loopback (allowed in the test profile): signed so that openssl reproduces the
 * signature, one event id across retries, attempts visible in the job and on the events topic, never resent once
 * delivered, given up after the configured attempts.
 */
@QuarkusTest
@WithTestResource(PlatformResource.class)
class WebhookDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_Test-Secret_42";

    /** One request the receiver got. */
    record Delivery(Map<String, String> headers, byte[] body, long receivedAt) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    @Inject
    WebhookDispatcher dispatcher;
    @Inject
    JobStore store;

    private HttpServer server;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private volatile IntUnaryOperator statusOfAttempt = n -> 204;

    @BeforeEach
    void setUp() throws IOException {
        Api.awaitReady();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            deliveries.add(new Delivery(headers, body, System.currentTimeMillis()));
            exchange.sendResponseHeaders(statusOfAttempt.applyAsInt(deliveries.size()), -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private String submitWithWebhook(String text) {
        return Api.submit(KEY_A, "{\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}],"
                + "\"webhook\":{\"url\":\"" + hookUrl() + "\",\"secret\":\"" + SECRET + "\"}}");
    }

    @Test
    void aRetriedWebhookKeepsItsEventIdAndCarriesASignatureOpensslReproduces() throws Exception {
        statusOfAttempt = n -> n == 1 ? 500 : 204;
        String id = submitWithWebhook("hello");
        try (Workers workers = Workers.fromConfig()) {
            workers.text(id, TENANT_A, "Hello!");
        }
        Api.await(Duration.ofSeconds(15), () -> deliveries.size() >= 2, "two deliveries");
        Delivery first = deliveries.get(0);
        Delivery second = deliveries.get(1);
        String eventId = JobSnapshot.eventId(id, JobStatus.SUCCEEDED);
        assertEquals(eventId, first.header("X-NextGPT-Event-Id"));
        assertEquals(eventId, second.header("X-NextGPT-Event-Id"), "the retry has the same event id");
        assertEquals("1", first.header("X-NextGPT-Attempt"));
        assertEquals("2", second.header("X-NextGPT-Attempt"));
        assertEquals("job.succeeded", second.header("X-NextGPT-Event"));
        assertEquals("application/json", second.header("Content-Type"));
        for (Delivery d : List.of(first, second)) {
            String[] signature = d.header("X-NextGPT-Signature").split(",");
            assertTrue(signature[0].startsWith("t=") && signature[1].startsWith("v1="), d.header("X-NextGPT-Signature"));
            String t = signature[0].substring(2);
            assertTrue(Math.abs(Long.parseLong(t) - d.receivedAt() / 1000) <= 5, "t is the sending time");
            assertEquals(openssl(SECRET, t + "." + new String(d.body(), StandardCharsets.UTF_8)), signature[1].substring(3),
                    "openssl dgst -sha256 -hmac reproduces v1");
        }
        JsonNode body = JSON.readTree(second.body());
        assertEquals(id, body.get("id").asText());
        assertEquals("succeeded", body.get("status").asText());
        assertEquals("Hello!", body.get("text").asText());

        Response job = Api.job(KEY_A, id);
        job.then().body("webhook.delivered", is(true)).body("webhook.event_id", is(eventId))
                .body("webhook.attempts.size()", is(2)).body("webhook.attempts[0].http_status", is(500))
                .body("webhook.attempts[0].delivered", is(false)).body("webhook.attempts[0].error", is("HTTP 500"))
                .body("webhook.attempts[1].http_status", is(204)).body("webhook.attempts[1].delivered", is(true));

        try (Workers workers = Workers.fromConfig()) {
            var attempts = workers.records(Topics.JOBS_EVENTS, id, r -> Messages.decode(r.value(), JobEvent.class)
                    .kind() == JobEvent.Kind.WEBHOOK_ATTEMPT, 2);
            assertEquals(2, attempts.size(), "each attempt is a job event");
        }
        // a replica that takes the partition over looks at the job again: delivered, so nothing is sent
        dispatcher.consider(store.find(id).orElseThrow());
        Thread.sleep(1500);
        assertEquals(2, deliveries.size(), "a delivered webhook is never sent again");
    }

    @Test
    void anUnreachableTargetIsTriedTheConfiguredNumberOfTimesWithBackoffThenGivenUp() throws Exception {
        statusOfAttempt = n -> 503;
        String id = submitWithWebhook("nobody listens");
        try (Workers workers = Workers.fromConfig()) {
            workers.failed(id, TENANT_A, Stage.GENERATE, "out of memory");
        }
        Api.await(Duration.ofSeconds(20), () -> Api.job(KEY_A, id).jsonPath().getList("webhook.attempts").size() == 4,
                "four recorded attempts");
        Thread.sleep(1500);
        assertEquals(4, deliveries.size(), "max-attempts=4 in the test profile");
        String eventId = JobSnapshot.eventId(id, JobStatus.FAILED);
        assertNotEquals(JobSnapshot.eventId(id, JobStatus.SUCCEEDED), eventId);
        deliveries.forEach(d -> assertEquals(eventId, d.header("X-NextGPT-Event-Id")));
        assertEquals("job.failed", deliveries.get(0).header("X-NextGPT-Event"));
        Api.job(KEY_A, id).then().body("status", is("failed")).body("webhook.delivered", is(false))
                .body("webhook.attempts[3].attempt", is(4)).body("webhook.attempts[3].http_status", is(503));
    }

    @Test
    void aCancelledJobReportsItsCancellation() throws Exception {
        String id = submitWithWebhook("stop me");
        given().header("Authorization", KEY_A).delete("/v1/jobs/" + id).then().statusCode(202);
        Api.await(Duration.ofSeconds(10), () -> deliveries.size() == 1, "one delivery");
        assertEquals("job.cancelled", deliveries.get(0).header("X-NextGPT-Event"));
        assertEquals(JobSnapshot.eventId(id, JobStatus.CANCELLED), deliveries.get(0).header("X-NextGPT-Event-Id"));
        assertEquals("cancelled", JSON.readTree(deliveries.get(0).body()).get("status").asText());
    }

    /** Runs {@code openssl dgst -sha256 -hmac <secret>} on {@code data} and returns the hex digest. */
    static String openssl(String secret, String data) throws Exception {
        Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", secret).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(data.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out.toString());
        String text = out.toString(StandardCharsets.UTF_8).trim();
        return text.substring(text.lastIndexOf(' ') + 1);
    }
}
