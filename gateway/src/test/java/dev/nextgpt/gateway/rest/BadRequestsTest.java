package dev.nextgpt.gateway.rest;

import static dev.nextgpt.gateway.Api.KEY_A;
import static dev.nextgpt.gateway.Api.KEY_B;
import static dev.nextgpt.gateway.Api.TENANT_A;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.messages.PlannedOutput;
import dev.nextgpt.gateway.Api;
import dev.nextgpt.gateway.Media;
import dev.nextgpt.gateway.PlatformResource;
import dev.nextgpt.gateway.Workers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad requests, each answered with the right 4xx, the one error shape and a message naming the field and the rule;
 * and a good job submitted after all of them still goes through.
 */
@QuarkusTest
@WithTestResource(PlatformResource.class)
class BadRequestsTest {

    /** A bad request: what it sends, the status, code and a fragment of the message it must get. */
    record Bad(String name, Supplier<Response> request, int status, String code, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    private static RequestSpecification asA() {
        return given().header("Authorization", KEY_A);
    }

    private static Supplier<Response> json(String body) {
        return () -> asA().contentType(ContentType.JSON).body(body).post("/v1/jobs");
    }

    /** A valid job with {@code extra} fields added at the top level. */
    private static Supplier<Response> with(String extra) {
        return json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + extra + "}");
    }

    private static Supplier<Response> part(String part) {
        return json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"}," + part
                + "]}]}");
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String turns(int n) {
        StringBuilder sb = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":\"t").append(i).append("\"}");
        }
        return sb.append("]}").toString();
    }

    private static String parts(int n) {
        StringBuilder sb = new StringBuilder("{\"messages\":[{\"role\":\"user\",\"content\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"type\":\"text\",\"text\":\"p\"}");
        }
        return sb.append("]}]}").toString();
    }

    /** A PNG header that claims to be an image, padded past the 10 MiB image limit. */
    private static byte[] oversizePng() {
        byte[] head = Media.png(9);
        byte[] big = new byte[10 * 1024 * 1024 + 1];
        System.arraycopy(head, 0, big, 0, head.length);
        return big;
    }

    static Stream<Bad> badRequests() {
        String otherTenantsJob = "job-00000000-0000-0000-0000-00000000000b";
        return Stream.of(
                new Bad("malformed JSON", json("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}"), 400,
                        "invalid_json", "request body is not valid JSON at line 1, column"),
                new Bad("empty body", json(""), 400, "invalid_json", "request body is empty; expected a JSON object"),
                new Bad("duplicate key", json("{\"messages\":[],\"messages\":[]}"), 400, "invalid_json",
                        "duplicate field 'messages'"),
                new Bad("body is an array", json("[]"), 400, "invalid_request",
                        "request body: must be an object, was an array"),
                new Bad("missing messages", json("{\"outputs\":\"auto\"}"), 400, "invalid_request",
                        "messages: is required"),
                new Bad("messages of the wrong type", json("{\"messages\":\"hello\"}"), 400, "invalid_request",
                        "messages: must be an array, was a string"),
                new Bad("empty messages", json("{\"messages\":[]}"), 400, "invalid_request",
                        "messages: must not be empty"),
                new Bad("too many turns", json(turns(65)), 400, "invalid_request", "messages: has 65 turns, limit 64"),
                new Bad("too many parts", json(parts(33)), 400, "invalid_request",
                        "messages[0].content: has 33 parts, limit 32"),
                new Bad("text too long", json("{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(32769)
                        + "\"}]}"), 400, "invalid_request", "messages[0].content: is 32769 characters, limit 32768"),
                new Bad("last turn not the user's", json("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
                        + "{\"role\":\"assistant\",\"content\":\"a\"}]}"), 400, "invalid_request",
                        "messages: the last turn must be the user's (messages[1] is the assistant's)"),
                new Bad("unknown role", json("{\"messages\":[{\"role\":\"system\",\"content\":\"q\"}]}"), 400,
                        "invalid_request", "messages[0].role: unknown role 'system' (expected user or assistant)"),
                new Bad("unknown content type", part("{\"type\":\"smell\",\"data\":\"AAAA\"}"), 400, "invalid_request",
                        "messages[0].content[1].type: unknown content type 'smell' (expected text, image, audio or video)"),
                new Bad("media in an assistant turn", json("{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        + "\"image\",\"data\":\"AAAA\"}]},{\"role\":\"user\",\"content\":\"q\"}]}"), 400,
                        "invalid_request", "messages[0].content[0].type: an assistant turn holds text only, not image"),
                new Bad("unknown output modality", with("\"outputs\":[\"image\",\"smell\"]"), 400, "invalid_request",
                        "outputs[1]: unknown modality 'smell' (expected image, audio or video)"),
                new Bad("unknown params modality", with("\"params\":{\"hologram\":{\"steps\":4}}"), 400,
                        "invalid_request", "params: unknown modality 'hologram' (expected image, audio or video)"),
                new Bad("steps of the wrong type", with("\"params\":{\"image\":{\"steps\":\"20\"}}"), 400,
                        "invalid_request", "params.image.steps: must be an integer, was a string"),
                new Bad("steps out of range", with("\"params\":{\"image\":{\"steps\":500}}"), 400, "invalid_request",
                        "params.image.steps: must be 1..100, was 500"),
                new Bad("steps not whole", with("\"params\":{\"video\":{\"steps\":2.5}}"), 400, "invalid_request",
                        "params.video.steps: must be an integer 1..100, was 2.5"),
                new Bad("guidance out of range", with("\"params\":{\"image\":{\"guidance\":99}}"), 400,
                        "invalid_request", "params.image.guidance: must be in [0.0, 20.0], was 99"),
                new Bad("negative seed", with("\"params\":{\"audio\":{\"seed\":-1}}"), 400, "invalid_request",
                        "params.audio.seed: must be 0..4294967295, was -1"),
                new Bad("unknown scheduler", with("\"params\":{\"image\":{\"scheduler\":\"euler\"}}"), 400,
                        "invalid_request", "params.image.scheduler: unknown scheduler 'euler' (expected ddim or dpmpp_2m)"),
                new Bad("size the bundle cannot produce", with("\"params\":{\"image\":{\"size\":\"512x512\"}}"), 400,
                        "invalid_request", "params.image.size: 512x512 is not a size this deployment's image decoder "
                        + "can produce (supported: 32x32)"),
                new Bad("malformed size", with("\"params\":{\"video\":{\"size\":\"big\"}}"), 400, "invalid_request",
                        "params.video.size: 'big' is not WIDTHxHEIGHT, e.g. 32x32"),
                new Bad("frames out of range", with("\"params\":{\"video\":{\"frames\":24}}"), 400, "invalid_request",
                        "params.video.frames: must be 8, was 24"),
                new Bad("seconds out of range", with("\"params\":{\"audio\":{\"seconds\":10}}"), 400,
                        "invalid_request", "params.audio.seconds: must be 1.0, was 10"),
                new Bad("frames for an image", with("\"params\":{\"image\":{\"frames\":8}}"), 400, "invalid_request",
                        "params.image.frames: is not a setting of image outputs"),
                new Bad("deadline out of range", with("\"deadline_seconds\":0"), 400, "invalid_request",
                        "deadline_seconds: must be 1..86400, was 0"),
                new Bad("max_tokens out of range", with("\"generation\":{\"max_tokens\":100000}"), 400,
                        "invalid_request", "generation.max_tokens: must be 1..512, was 100000"),
                new Bad("temperature out of range", with("\"generation\":{\"temperature\":9}"), 400, "invalid_request",
                        "generation.temperature: must be in [0.0, 2.0], was 9"),
                new Bad("temperature of the wrong type", with("\"generation\":{\"temperature\":true}"), 400,
                        "invalid_request", "generation.temperature: must be a number, was a boolean"),
                new Bad("top_p zero", with("\"generation\":{\"top_p\":0}"), 400, "invalid_request",
                        "generation.top_p: must be in (0, 1], was 0"),
                new Bad("unknown field", with("\"priority\":\"high\""), 400, "unknown_field",
                        "priority: unknown field (expected deadline_seconds, generation, messages, outputs, params, webhook)"),
                new Bad("typo in a nested field", with("\"generation\":{\"max_token\":5}"), 400, "unknown_field",
                        "generation.max_token: unknown field"),
                new Bad("bad base64", part("{\"type\":\"image\",\"data\":\"iVBOR*w0KGgo=\"}"), 400, "invalid_request",
                        "messages[0].content[1].data: is not valid base64: illegal character '*' at index 5"),
                new Bad("truncated base64", part("{\"type\":\"image\",\"data\":\"iVBORw0KG\"}"), 400, "invalid_request",
                        "messages[0].content[1].data: is not valid base64: 9 characters cannot be a whole number of bytes"),
                new Bad("corrupted media (truncated PNG)", part("{\"type\":\"image\",\"data\":\""
                        + b64(Media.truncate(Media.png(5), 60)) + "\"}"), 400, "invalid_media",
                        "messages[0].content[1].data: is a truncated PNG"),
                new Bad("corrupted media (no JPEG end)", part("{\"type\":\"image\",\"data\":\""
                        + b64(Media.truncate(Media.jpeg(5), 200)) + "\"}"), 400, "invalid_media",
                        "is a truncated JPEG: it does not end with an EOI marker"),
                new Bad("empty media", part("{\"type\":\"audio\",\"data\":\"\"}"), 400, "invalid_request",
                        "messages[0].content[1].data: is empty; expected base64 media bytes"),
                new Bad("unsupported media format", part("{\"type\":\"image\",\"data\":\""
                        + b64("GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;".getBytes()) + "\"}"), 415,
                        "unsupported_media_type", "messages[0].content[1].data: is a GIF image, which is not supported"),
                new Bad("bytes of another modality", part("{\"type\":\"image\",\"data\":\"" + b64(Media.wav(100))
                        + "\"}"), 400, "invalid_media", "messages[0].content[1].data: the bytes are WAV (audio), not an image"),
                new Bad("two media sources", part("{\"type\":\"image\",\"data\":\"AAAA\",\"file_id\":\"file-x\"}"), 400,
                        "invalid_request", "messages[0].content[1]: an image part needs exactly one of file_id"),
                new Bad("malformed file id", part("{\"type\":\"image\",\"file_id\":\"cat.png\"}"), 400,
                        "invalid_request", "messages[0].content[1].file_id: 'cat.png' is not a file id"),
                new Bad("unknown file id", part("{\"type\":\"image\",\"file_id\":\"file-" + "0".repeat(64) + "\"}"), 404,
                        "file_not_found", "messages[0].content[1].file_id: file 'file-" + "0".repeat(64) + "' not found"),
                new Bad("webhook to the metadata address", with("\"webhook\":{\"url\":\"http://169.254.169.254/latest/"
                        + "meta-data\",\"secret\":\"long-enough\"}"), 400, "webhook_target_refused",
                        "webhook.url: host '169.254.169.254' resolves to 169.254.169.254, a cloud metadata address"),
                new Bad("webhook to a private address", with("\"webhook\":{\"url\":\"https://10.0.0.1/hook\","
                        + "\"secret\":\"long-enough\"}"), 400, "webhook_target_refused",
                        "webhook.url: host '10.0.0.1' resolves to 10.0.0.1, a private address"),
                new Bad("webhook to a link-local IPv6 address", with("\"webhook\":{\"url\":\"http://[fe80::1]/h\","
                        + "\"secret\":\"long-enough\"}"), 400, "webhook_target_refused", "a link-local address"),
                new Bad("webhook over ftp", with("\"webhook\":{\"url\":\"ftp://hooks.example.com/x\","
                        + "\"secret\":\"long-enough\"}"), 400, "webhook_target_refused",
                        "webhook.url: scheme 'ftp' is not allowed (use http or https)"),
                new Bad("webhook without a secret", with("\"webhook\":{\"url\":\"http://127.0.0.1:9/h\"}"), 400,
                        "invalid_request", "webhook.secret: is required"),
                new Bad("missing API key", () -> given().contentType(ContentType.JSON).body("{}").post("/v1/jobs"), 401,
                        "unauthorized", "Authorization: header is missing; send 'Authorization: Bearer <api key>'"),
                new Bad("invalid API key", () -> given().header("Authorization", "Bearer nope").get("/v1/jobs"), 401,
                        "unauthorized", "Authorization: the API key is not valid"),
                new Bad("not a bearer token", () -> given().header("Authorization", "Basic dXNlcjpwdw==")
                        .get("/v1/jobs"), 401, "unauthorized", "Authorization: expected the scheme 'Bearer'"),
                new Bad("another tenant's job", () -> {
                    String id = Api.submit(KEY_B, Api.textJob("mine"));
                    return asA().get("/v1/jobs/" + id);
                }, 404, "job_not_found", "not found"),
                new Bad("an unknown job", () -> asA().get("/v1/jobs/" + otherTenantsJob), 404, "job_not_found",
                        "job '" + otherTenantsJob + "' not found"),
                new Bad("Idempotency-Key reused with another body", () -> {
                    asA().header("Idempotency-Key", "bad-requests-1").contentType(ContentType.JSON)
                            .body(Api.textJob("first")).post("/v1/jobs").then().statusCode(202);
                    return asA().header("Idempotency-Key", "bad-requests-1").contentType(ContentType.JSON)
                            .body(Api.textJob("second")).post("/v1/jobs");
                }, 409, "idempotency_conflict", "Idempotency-Key: 'bad-requests-1' was used for job"),
                new Bad("Idempotency-Key with a space", () -> asA().header("Idempotency-Key", "a b")
                        .contentType(ContentType.JSON).body(Api.textJob("x")).post("/v1/jobs"), 400, "invalid_request",
                        "Idempotency-Key: must be printable ASCII without spaces"),
                new Bad("unsupported Content-Type", () -> asA().contentType(ContentType.TEXT).body("hello")
                        .post("/v1/jobs"), 415, "unsupported_media_type",
                        "Content-Type: 'text/plain; charset=ISO-8859-1' is not supported for POST /v1/jobs"),
                new Bad("unknown route", () -> asA().get("/v1/nothing-here"), 404, "not_found",
                        "no such resource: GET /v1/nothing-here"),
                new Bad("method not allowed", () -> asA().contentType(ContentType.JSON).body("{}").put("/v1/jobs"),
                        405, "method_not_allowed", "PUT is not allowed on /v1/jobs (allowed: GET, POST)"),
                new Bad("oversize upload", () -> asA().multiPart("file", "huge.png", oversizePng(), "image/png")
                        .post("/v1/files"), 413, "payload_too_large",
                        "file: 10485761 bytes of image (PNG) exceed the limit of 10485760 bytes (10 MiB)"),
                new Bad("upload without a file field", () -> asA().multiPart("document", "a.png", Media.png(1),
                        "image/png").post("/v1/files"), 400, "invalid_request",
                        "file: the multipart field 'file' is missing (the request has document)"),
                new Bad("empty upload", () -> asA().multiPart("file", "empty.png", new byte[0], "image/png")
                        .post("/v1/files"), 400, "invalid_media", "file: is empty"),
                new Bad("multipart job without its JSON", () -> asA().multiPart("photo", "p.png", Media.png(1),
                        "image/png").post("/v1/jobs"), 400, "invalid_request",
                        "job: the multipart field 'job' (the JSON request) is missing"),
                new Bad("multipart part that is not there", () -> asA().multiPart("job", "{\"messages\":[{\"role\":"
                        + "\"user\",\"content\":[{\"type\":\"image\",\"part\":\"photo\"}]}]}", "application/json")
                        .multiPart("picture", "p.png", Media.png(1), "image/png").post("/v1/jobs"), 400,
                        "invalid_request", "messages[0].content[0].part: the request has no multipart file field "
                        + "'photo' (it has picture)"),
                new Bad("list limit not a number", () -> asA().queryParam("limit", "ten").get("/v1/jobs"), 400,
                        "invalid_request", "limit: must be an integer 1..100, was 'ten'"),
                new Bad("forged cursor", () -> asA().queryParam("cursor", "bm90LWEtY3Vyc29y").get("/v1/jobs"), 400,
                        "invalid_request", "cursor: is not a cursor this API issued"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void isRefusedWithTheRightStatusAndAPreciseMessage(Bad bad) {
        Response r = bad.request().get();
        String body = r.asString();
        assertEquals(bad.status(), r.statusCode(), body);
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(List.of("error"), List.copyOf(r.jsonPath().getMap("$").keySet()), body);
        assertEquals(bad.code(), r.jsonPath().getString("error.code"), body);
        assertEquals(bad.status(), r.jsonPath().getInt("error.status"), body);
        String message = r.jsonPath().getString("error.message");
        assertTrue(message.contains(bad.message()), "expected '" + bad.message() + "' in '" + message + "'");
        if (bad.status() == 401) {
            assertEquals("Bearer realm=\"nextgpt\"", r.header("WWW-Authenticate"));
        }
    }

    @Test
    void thereAreMoreThan25AndAGoodJobAfterThemStillSucceeds() {
        assertTrue(badRequests().count() >= 25);
        badRequests().forEach(bad -> bad.request().get());
        String id = Api.submit(KEY_A, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"data\":\""
                + b64(Media.png(6)) + "\"},{\"type\":\"text\",\"text\":\"what is this?\"}]}],"
                + "\"outputs\":[\"image\"],\"params\":{\"image\":{\"steps\":4,\"size\":\"32x32\"}},"
                + "\"deadline_seconds\":60}");
        try (Workers workers = Workers.fromConfig()) {
            workers.text(id, TENANT_A, "A small picture.", new PlannedOutput(Modality.IMAGE, 0));
            workers.output(id, TENANT_A, Modality.IMAGE, 0, Media.png(7));
        }
        Api.awaitStatus(KEY_A, id, "succeeded");
    }
}
