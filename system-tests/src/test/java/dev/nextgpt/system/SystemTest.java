package dev.nextgpt.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The "done when", end to end: all six services as processes on the real broker and S3 server, driven
 * through the gateway's HTTP API. Faults come last (they stop and kill services).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemTest {
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    static NextGptSystem sys;

    @BeforeAll
    static void up() throws Exception {
        sys = NextGptSystem.get();
    }

    @AfterAll
    static void down() {
        sys.downQuietly();
    }

    static String text(String t) {
        return "{\"type\":\"text\",\"text\":" + NextGptSystem.JSON.valueToTree(t) + "}";
    }

    static String user(String... parts) {
        return "{\"role\":\"user\",\"content\":[" + String.join(",", parts) + "]}";
    }

    static String assistant(String t) {
        return "{\"role\":\"assistant\",\"content\":[" + text(t) + "]}";
    }

    static String job(String messages, String extra) {
        return "{\"messages\":[" + messages + "]" + (extra == null || extra.isEmpty() ? "" : "," + extra) + "}";
    }

    static String png(int r, int g, int b) throws IOException {
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static List<String> artifactModalities(JsonNode job) {
        List<String> m = new ArrayList<>();
        job.path("artifacts").forEach(a -> m.add(a.path("modality").asText()));
        m.sort(null);
        return m;
    }

    @Test
    @Order(1)
    void textInTextOut() throws Exception {
        String id = sys.submit(job(user(text("hello, who are you?")), "\"generation\":{\"max_tokens\":8}"));
        JsonNode done = sys.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        assertTrue(done.has("text"), done.toString());
        assertEquals(0, done.path("artifacts").size(), "auto outputs of a text question: " + done);
    }

    @Test
    @Order(2)
    void textInImageAudioAndVideoOutWhenForced() throws Exception {
        String id = sys.submit(job(user(text("draw a red circle, play a beep, show a clip")),
                "\"outputs\":[\"image\",\"audio\",\"video\"],\"generation\":{\"max_tokens\":6},"
                        + "\"params\":{\"image\":{\"steps\":8,\"seed\":1},\"audio\":{\"steps\":8},\"video\":{\"steps\":8}}"));
        JsonNode done = sys.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        assertEquals(List.of("audio", "image", "video"), artifactModalities(done));
        Map<String, byte[]> magic = Map.of(
                "image", new byte[] {(byte) 0x89, 'P', 'N', 'G'},
                "audio", new byte[] {'R', 'I', 'F', 'F'},
                "video", new byte[] {0, 0, 0});
        for (JsonNode a : done.path("artifacts")) {
            byte[] bytes = sys.download(a.path("url").asText());
            assertEquals(a.path("size").asLong(), bytes.length, a.toString());
            byte[] expect = magic.get(a.path("modality").asText());
            for (int i = 0; i < expect.length; i++) {
                assertEquals(expect[i], bytes[i], a.path("modality").asText() + " file signature");
            }
            assertEquals(a.path("sha256").asText(), dev.nextgpt.contracts.ClaimCheck.sha256Hex(bytes));
        }
    }

    @Test
    @Order(3)
    void imageAndTextInTextOut() throws Exception {
        String image = "{\"type\":\"image\",\"data\":\"" + png(220, 20, 20) + "\"}";
        String id = sys.submit(job(user(image, text("what colour is this?")), "\"generation\":{\"max_tokens\":8}"));
        JsonNode done = sys.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        assertTrue(done.has("text"));
    }

    @Test
    @Order(4)
    void aTwoTurnConversation() throws Exception {
        String image = "{\"type\":\"image\",\"data\":\"" + png(20, 20, 220) + "\"}";
        String id = sys.submit(job(user(image, text("what is this?")) + "," + assistant("a blue square.") + ","
                + user(text("now make it red")), "\"outputs\":[\"image\"],\"generation\":{\"max_tokens\":6},\"params\":{\"image\":{\"steps\":6}}"));
        JsonNode done = sys.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        assertEquals(List.of("image"), artifactModalities(done));
    }

    @Test
    @Order(5)
    void eventStreamHasDeltasBeforeTheTerminalStateAndOneArtifactEventPerOutput() throws Exception {
        String id = sys.submit(job(user(text("play a sound and draw it")),
                "\"outputs\":[\"image\",\"audio\"],\"generation\":{\"max_tokens\":12},\"params\":{\"image\":{\"steps\":6},\"audio\":{\"steps\":6}}"));
        List<String[]> events = sys.events(id, JOB_TIMEOUT);
        assertFalse(events.isEmpty());
        List<String> kinds = events.stream().map(e -> e[0]).toList();
        int terminal = kinds.size() - 1;
        assertTrue(List.of("succeeded", "status", "terminal", "job").stream().anyMatch(k -> kinds.get(terminal).contains(k))
                || events.get(terminal)[1].contains("succeeded"), "last event is the terminal state: " + kinds);
        assertTrue(events.get(terminal)[1].contains("succeeded"), events.get(terminal)[1]);
        long artifacts = kinds.stream().filter(k -> k.contains("artifact")).count();
        assertEquals(2, artifacts, "one artifact event per output: " + kinds);
        int lastDelta = -1;
        for (int i = 0; i < kinds.size(); i++) {
            if (kinds.get(i).contains("delta") || kinds.get(i).contains("text")) {
                lastDelta = i;
            }
        }
        assertTrue(lastDelta >= 0 && lastDelta < terminal, "text deltas before the terminal event: " + kinds);
    }

    @Test
    @Order(6)
    void webhookIsSignedSoThatOpensslReproducesTheSignature() throws Exception {
        List<Map<String, String>> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            Map<String, String> call = new HashMap<>();
            call.put("signature", ex.getRequestHeaders().getFirst("X-NextGPT-Signature"));
            call.put("event", ex.getRequestHeaders().getFirst("X-NextGPT-Event-Id"));
            call.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.add(call);
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        try {
            String secret = "whsec-system-test";
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
            String id = sys.submit(job(user(text("hi")), "\"generation\":{\"max_tokens\":4},\"webhook\":{\"url\":\"" + url
                    + "\",\"secret\":\"" + secret + "\"}"));
            assertEquals("succeeded", sys.awaitTerminal(id, JOB_TIMEOUT).path("status").asText());
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertFalse(received.isEmpty(), "webhook not received");
            Map<String, String> call = received.get(0);
            assertNotNull(call.get("event"));
            String[] parts = call.get("signature").split(",");
            assertTrue(parts[0].startsWith("t=") && parts[1].startsWith("v1="), call.get("signature"));
            String t = parts[0].substring(2);
            Process openssl = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", secret).start();
            openssl.getOutputStream().write((t + "." + call.get("body")).getBytes(StandardCharsets.UTF_8));
            openssl.getOutputStream().close();
            String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, openssl.waitFor());
            assertEquals(out.substring(out.lastIndexOf(' ') + 1), parts[1].substring(3), "HMAC-SHA256 of \"<t>.<body>\"");
            assertTrue(call.get("body").contains(id));
        } finally {
            server.stop(0);
        }
    }

    /** Several long video jobs keep the decoder busy; returns their ids. */
    private static List<String> longVideoJobs(int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(sys.submit(job(user(text("show a long clip " + i)),
                    "\"outputs\":[\"video\"],\"generation\":{\"max_tokens\":2},\"params\":{\"video\":{\"steps\":100,\"seed\":" + i + "}}")));
        }
        return ids;
    }

    static boolean decoding(JsonNode job) {
        return job.toString().contains("decode") && job.path("status").asText().equals("running");
    }

    @Test
    @Order(7)
    void cancelDuringDiffusionEndsCancelledWithNoArtifact() throws Exception {
        List<String> ids = longVideoJobs(4);
        String victim = ids.get(0);
        sys.awaitJob(victim, JOB_TIMEOUT, SystemTest::decoding, "video decoding in progress");
        NextGptSystem.Response r = sys.request("DELETE", "/v1/jobs/" + victim, null, NextGptSystem.API_KEY);
        assertTrue(r.status() == 202 || r.status() == 200, r.raw().body());
        JsonNode done = sys.awaitTerminal(victim, JOB_TIMEOUT);
        assertEquals("cancelled", done.path("status").asText(), done.toString());
        for (String other : ids.subList(1, ids.size())) {
            assertEquals("succeeded", sys.awaitTerminal(other, JOB_TIMEOUT).path("status").asText());
        }
        Thread.sleep(1000);
        assertEquals(0, sys.get("/v1/jobs/" + victim).body().path("artifacts").size(), "no artifact after a cancel");
    }

    @Test
    @Order(8)
    void anExpiredDeadlineFailsTheJob() throws Exception {
        sys.stop("audio-decoder-service");
        String id = sys.submit(job(user(text("play a beep")), "\"outputs\":[\"audio\"],\"generation\":{\"max_tokens\":2},\"deadline_seconds\":3"));
        Thread.sleep(4000);
        sys.start("audio-decoder-service");
        JsonNode done = sys.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals("failed", done.path("status").asText(), done.toString());
        assertTrue(done.path("error").toString().contains("deadline"), done.toString());
    }

    @Test
    @Order(9)
    void aDecoderKilledMidJobAndRestartedStillGivesExactlyOneArtifactPerOutput() throws Exception {
        List<String> ids = longVideoJobs(3);
        sys.awaitJob(ids.get(0), JOB_TIMEOUT, SystemTest::decoding, "video decoding in progress");
        sys.kill9("video-decoder-service");
        sys.start("video-decoder-service");
        for (String id : ids) {
            JsonNode done = sys.awaitTerminal(id, JOB_TIMEOUT);
            assertEquals("succeeded", done.path("status").asText(), done.toString());
            assertEquals(List.of("video"), artifactModalities(done), "exactly one artifact per output: " + done);
        }
    }

    @Test
    @Order(10)
    void aRestartedGatewayAnswersWithTheSameJobStates() throws Exception {
        JsonNode before = sys.get("/v1/jobs?limit=100").body();
        Map<String, String> statuses = new HashMap<>();
        for (JsonNode j : before.path("data")) {
            statuses.put(j.path("id").asText(), j.path("status").asText());
        }
        assertTrue(statuses.size() >= 10, "jobs listed: " + statuses.size());
        sys.stop("gateway");
        sys.start("gateway");
        JsonNode after = sys.get("/v1/jobs?limit=100").body();
        Map<String, String> again = new HashMap<>();
        for (JsonNode j : after.path("data")) {
            again.put(j.path("id").asText(), j.path("status").asText());
        }
        assertEquals(statuses, again);
    }

    @Test
    @Order(11)
    void aPoisonRecordOnEveryTopicIsDeadLetteredAndEveryServiceKeepsServing() throws Exception {
        Properties p = sys.kafka();
        Set<String> deadLetters = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ConsumerGroup group : ConsumerGroup.values()) {
                for (String topic : group.consumes()) {
                    producer.send(new ProducerRecord<>(topic, "poison-job".getBytes(), "{not json".getBytes())).get();
                    deadLetters.add(Topics.deadLetter(topic, group));
                }
            }
        }
        String id = sys.submit(job(user(text("after the poison")),
                "\"outputs\":[\"image\",\"audio\",\"video\"],\"generation\":{\"max_tokens\":4},\"params\":{\"image\":{\"steps\":4},\"audio\":{\"steps\":4},\"video\":{\"steps\":4}}"));
        assertEquals("succeeded", sys.awaitTerminal(id, JOB_TIMEOUT).path("status").asText());
        p.put("group.id", "system-test-dlq-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(new ArrayList<>(deadLetters));
            Set<String> seen = new HashSet<>();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!seen.containsAll(deadLetters) && System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(500))) {
                    seen.add(rec.topic());
                }
            }
            Set<String> missing = new HashSet<>(deadLetters);
            missing.removeAll(seen);
            assertTrue(missing.isEmpty(), "no dead letter on " + missing);
        }
    }

    @Test
    @Order(12)
    void badRequestsGetPreciseClientErrorsAndAGoodJobAfterThemStillSucceeds() throws Exception {
        String good = user(text("hi"));
        String[][] bad = {
            // {method, path, body, api key ("-" = none), expected status}
            {"POST", "/v1/jobs", "{\"messages\": [", "k", "400"},
            {"POST", "/v1/jobs", "[]", "k", "400"},
            {"POST", "/v1/jobs", "{}", "k", "400"},
            {"POST", "/v1/jobs", "{\"messages\": \"hello\"}", "k", "400"},
            {"POST", "/v1/jobs", job(user("{\"type\":\"smell\",\"text\":\"x\"}"), null), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"outputs\":[\"smell\"]"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"outputs\":42"), "k", "400"},
            {"POST", "/v1/jobs", job(user("{\"type\":\"image\",\"data\":\"%%%not-base64%%%\"}", text("x")), null), "k", "400"},
            {"POST", "/v1/jobs", job(user("{\"type\":\"image\",\"data\":\"" + Base64.getEncoder().encodeToString("not an image at all".getBytes()) + "\"}", text("x")), null), "k", "415"},
            {"POST", "/v1/jobs", job(user("{\"type\":\"image\",\"file_id\":\"file-" + "0".repeat(64) + "\"}", text("x")), null), "k", "404"},
            {"POST", "/v1/jobs", job(good, "\"params\":{\"image\":{\"steps\":0}}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"params\":{\"image\":{\"steps\":100000}}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"params\":{\"image\":{\"guidance\":-1}}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"params\":{\"image\":{\"scheduler\":\"euler\"}}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"params\":{\"image\":{\"size\":\"4096x4096\"}}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"params\":{\"video\":{\"frames\":100000}}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"params\":{\"audio\":{\"seconds\":-3}}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"deadline_seconds\":0"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"generation\":{\"max_tokens\":-5}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"generation\":{\"temperature\":\"hot\"}"), "k", "400"},
            {"POST", "/v1/jobs", job(assistant("I speak last"), null), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"webhook\":{\"url\":\"ftp://example.com/x\",\"secret\":\"long-enough-secret\"}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"webhook\":{\"url\":\"http://169.254.169.254/latest\",\"secret\":\"long-enough-secret\"}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, "\"webhook\":{\"url\":\"http://10.0.0.1/hook\",\"secret\":\"long-enough-secret\"}"), "k", "400"},
            {"POST", "/v1/jobs", job(good, null), "-", "401"},
            {"POST", "/v1/jobs", job(good, null), "wrong-key", "401"},
            {"GET", "/v1/jobs/job-00000000-0000-0000-0000-000000000000", null, "k", "404"},
            {"DELETE", "/v1/jobs/job-00000000-0000-0000-0000-000000000000", null, "k", "404"},
        };
        for (String[] b : bad) {
            String key = b[3].equals("-") ? null : b[3].equals("k") ? NextGptSystem.API_KEY : b[3];
            NextGptSystem.Response r = sys.request(b[0], b[1], b[2], key);
            String what = b[0] + " " + b[1] + " " + (b[2] == null ? "" : b[2].substring(0, Math.min(120, b[2].length())));
            assertEquals(Integer.parseInt(b[4]), r.status(), what + " → " + r.raw().body());
            JsonNode error = r.body().path("error");
            assertEquals(r.status(), error.path("status").asInt(), "one error shape: " + r.raw().body());
            assertFalse(error.path("message").asText().isBlank(), "a message: " + r.raw().body());
        }
        String id = sys.submit(job(user(text("after the bad ones")),
                "\"outputs\":[\"image\"],\"generation\":{\"max_tokens\":4},\"params\":{\"image\":{\"steps\":4}}"));
        assertEquals("succeeded", sys.awaitTerminal(id, JOB_TIMEOUT).path("status").asText());
    }
}
