package dev.nextgpt.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The whole system, started as `./nextgpt up` starts it (Kafka, the S3 server and six service processes), in a
 * run folder of its own; plus small HTTP/SSE helpers for the tests. One instance per test JVM.
 */
final class NextGptSystem {
    static final String API_KEY = "ngpt-system-test-key";
    static final String GATEWAY = "http://127.0.0.1:8080";
    static final ObjectMapper JSON = new ObjectMapper();
    private static NextGptSystem instance;

    final Path root;
    final Path runDir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private NextGptSystem() throws IOException {
        root = Path.of(System.getProperty("nextgpt.repo.root", "..")).toAbsolutePath().normalize();
        runDir = Files.createTempDirectory("nextgpt-system-");
    }

    static synchronized NextGptSystem get() throws Exception {
        if (instance == null) {
            NextGptSystem s = new NextGptSystem();
            Runtime.getRuntime().addShutdownHook(new Thread(s::downQuietly));
            s.launcher(600, "up");
            instance = s;
        }
        return instance;
    }

    /** Runs {@code ./nextgpt args…} with this system's run folder and key; fails the test on a non-zero exit. */
    String launcher(int timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("nextgpt").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("NEXTGPT_RUN_DIR", runDir.toString());
        env.put("NEXTGPT_API_KEY", API_KEY);
        env.put("NEXTGPT_SKIP_BUILD", "1");
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                System.out.println("[nextgpt " + args[0] + "] " + line);
            }
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("./nextgpt " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
        }
        assertEquals(0, p.exitValue(), "./nextgpt " + String.join(" ", args) + " failed:\n" + out);
        return out.toString();
    }

    void downQuietly() {
        try {
            launcher(120, "down");
        } catch (Throwable e) {
            System.err.println("system down failed: " + e);
        }
    }

    /** kill -9 of a service process. */
    void kill9(String service) throws IOException, InterruptedException {
        String pid = Files.readString(runDir.resolve(service + ".pid")).trim();
        Process p = new ProcessBuilder("kill", "-9", pid).inheritIO().start();
        assertEquals(0, p.waitFor());
        for (int i = 0; i < 50 && Files.exists(Path.of("/proc", pid)); i++) {
            Thread.sleep(100);
        }
    }

    /** Starts (again) the named services and waits until they are ready. */
    void start(String... services) throws IOException, InterruptedException {
        String[] args = new String[services.length + 1];
        args[0] = "up";
        System.arraycopy(services, 0, args, 1, services.length);
        launcher(300, args);
    }

    void stop(String... services) throws IOException, InterruptedException {
        String[] args = new String[services.length + 1];
        args[0] = "down";
        System.arraycopy(services, 0, args, 1, services.length);
        launcher(120, args);
    }

    Properties kafka() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(root.resolve("scripts/infra.sh").toString(), "env").start();
        String env = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Properties props = new Properties();
        for (String line : env.split("\n")) {
            if (line.startsWith("KAFKA_BOOTSTRAP_SERVERS=")) {
                props.put("bootstrap.servers", line.substring(line.indexOf('=') + 1).trim());
            }
        }
        return props;
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    record Response(int status, JsonNode body, HttpResponse<String> raw) {}

    Response request(String method, String path, String jsonBody, String apiKey) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(GATEWAY + path)).timeout(Duration.ofSeconds(30));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        if (jsonBody != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body() == null || r.body().isBlank() ? JSON.nullNode() : parse(r.body());
        return new Response(r.statusCode(), body, r);
    }

    private static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(s);
        }
    }

    Response post(String path, String json) throws IOException, InterruptedException {
        return request("POST", path, json, API_KEY);
    }

    Response get(String path) throws IOException, InterruptedException {
        return request("GET", path, null, API_KEY);
    }

    /** Submits a job and returns its id (asserting 202). */
    String submit(String json) throws IOException, InterruptedException {
        Response r = post("/v1/jobs", json);
        assertEquals(202, r.status(), "submit: " + r.raw().body());
        return r.body().get("id").asText();
    }

    /** Polls until the job is terminal; returns its last GET body. */
    JsonNode awaitTerminal(String id, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < end) {
            job = get("/v1/jobs/" + id).body();
            String status = job.path("status").asText();
            if (List.of("succeeded", "failed", "cancelled").contains(status)) {
                return job;
            }
            Thread.sleep(200);
        }
        fail("job " + id + " not terminal after " + timeout + ": " + job);
        return null;
    }

    /** Polls until {@code predicate} holds on the job's GET body. */
    JsonNode awaitJob(String id, Duration timeout, java.util.function.Predicate<JsonNode> predicate, String what)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < end) {
            job = get("/v1/jobs/" + id).body();
            if (predicate.test(job)) {
                return job;
            }
            Thread.sleep(100);
        }
        fail("job " + id + ": " + what + " not seen within " + timeout + ": " + job);
        return null;
    }

    /** Reads the job's SSE stream to its end (the gateway closes it after the terminal event): (event, data) pairs. */
    List<String[]> events(String id, Duration timeout) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(GATEWAY + "/v1/jobs/" + id + "/events"))
                .header("Authorization", "Bearer " + API_KEY).header("Accept", "text/event-stream")
                .timeout(timeout).GET().build();
        HttpResponse<java.util.stream.Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        List<String[]> events = new ArrayList<>();
        String event = "message";
        StringBuilder data = new StringBuilder();
        for (String line : (Iterable<String>) r.body()::iterator) {
            if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            } else if (line.isEmpty() && data.length() > 0) {
                events.add(new String[] {event, data.toString()});
                event = "message";
                data.setLength(0);
            }
        }
        return events;
    }

    byte[] download(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), "download " + url);
        return r.body();
    }
}
