package dev.nextgpt.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.platform.testing.S3Server;
import dev.nextgpt.platform.testing.S3ServerExtension;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(S3ServerExtension.class)
class ObjectStoreTest {
    private static final String BUCKET = "objectstore-test";
    private static S3Server s3;
    private static ObjectStore store;

    @BeforeAll
    static void setUp(S3Server server) {
        s3 = server;
        store = new ObjectStore(config(BUCKET, s3.secretKey()));
        store.ensureBucket();
        store.ensureBucket(); // idempotent
    }

    private static ObjectStoreConfig config(String bucket, String secret) {
        return new ObjectStoreConfig(s3.endpoint().toString(), s3.accessKey(), secret, bucket, S3Server.REGION);
    }

    @Test
    void putRecordsContentTypeAndSha256AndGetReturnsTheBytes() {
        byte[] png = "\u0089PNG fake".getBytes(StandardCharsets.ISO_8859_1);
        String key = ObjectKeys.output("t1", "job-1", dev.nextgpt.contracts.Modality.IMAGE, 0);
        ObjectInfo put = store.put(key, png, "image/png");
        assertEquals(ClaimCheck.sha256Hex(png), put.sha256());
        assertArrayEquals(png, store.get(key));
        ObjectInfo stat = store.stat(key).orElseThrow();
        assertEquals(key, stat.key());
        assertEquals(png.length, stat.size());
        assertEquals("image/png", stat.contentType());
        assertEquals(put.sha256(), stat.sha256());
        assertEquals(put.etag(), stat.etag());
    }

    @Test
    void missingObjectsAreEmptyStatsAndNotFoundOnGet() {
        assertTrue(store.stat("tenants/t1/files/nothing-here").isEmpty());
        var e = assertThrows(ObjectNotFoundException.class, () -> store.get("tenants/t1/files/nothing-here"));
        assertTrue(e.getMessage().contains("tenants/t1/files/nothing-here"), e.getMessage());
        assertEquals("tenants/t1/files/nothing-here", e.key());
        assertThrows(ObjectNotFoundException.class, () -> store.getRange("tenants/t1/files/nothing-here", 0, 1));
    }

    @Test
    void rangeReadsReturnTheSlice() {
        store.put("range/a", "0123456789".getBytes(StandardCharsets.US_ASCII), "text/plain");
        assertEquals("345", new String(store.getRange("range/a", 3, 3), StandardCharsets.US_ASCII));
        assertEquals("89", new String(store.getRange("range/a", 8, 10), StandardCharsets.US_ASCII));
    }

    @Test
    void streamedUploadsGoUpInPartsAndKeepTheChecksum() {
        byte[] video = new byte[(int) ObjectStore.PART_SIZE + 1234];
        new Random(3).nextBytes(video);
        String sha = ClaimCheck.sha256Hex(video);
        store.put("stream/video.mp4", new ByteArrayInputStream(video), video.length, "video/mp4", sha);
        assertArrayEquals(video, store.getVerified("stream/video.mp4", video.length, sha));
        assertEquals(sha, store.stat("stream/video.mp4").orElseThrow().sha256());
    }

    @Test
    void verifiedReadsRefuseWrongSizeOrChecksum() {
        byte[] bytes = "media bytes".getBytes(StandardCharsets.US_ASCII);
        String sha = ClaimCheck.sha256Hex(bytes);
        store.put("verify/x", bytes, "application/octet-stream");
        assertArrayEquals(bytes, store.getVerified("verify/x", bytes.length, sha));
        var size = assertThrows(ObjectIntegrityException.class, () -> store.getVerified("verify/x", bytes.length + 1, sha));
        assertTrue(size.getMessage().contains("expected " + (bytes.length + 1)), size.getMessage());
        var shorter = assertThrows(ObjectIntegrityException.class, () -> store.getVerified("verify/x", 4, sha));
        assertTrue(shorter.getMessage().contains("more than 4"), shorter.getMessage());
        String other = ClaimCheck.sha256Hex(new byte[] {1});
        var checksum = assertThrows(ObjectIntegrityException.class, () -> store.getVerified("verify/x", bytes.length, other));
        assertTrue(checksum.getMessage().contains("expected " + other), checksum.getMessage());
    }

    @Test
    void presignedGetWorksWithoutCredentialsAndOnlyForItsObject() throws Exception {
        byte[] wav = "RIFF....WAVE".getBytes(StandardCharsets.US_ASCII);
        store.put("presign/audio-0.wav", wav, "audio/wav");
        String url = store.presignGet("presign/audio-0.wav", Duration.ofMinutes(5));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, get.statusCode());
        assertArrayEquals(wav, get.body());
        HttpResponse<String> tampered = http.send(HttpRequest.newBuilder(URI.create(url.replace("audio-0", "audio-1")))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, tampered.statusCode());
        assertThrows(IllegalArgumentException.class, () -> store.presignGet("presign/audio-0.wav", Duration.ofDays(8)));
        assertThrows(IllegalArgumentException.class, () -> store.presignGet("presign/audio-0.wav", Duration.ZERO));
    }

    @Test
    void listShowsOnlyThePrefixAndDeleteRemoves() {
        for (String k : List.of("list/p/a", "list/p/b", "list/q/c")) {
            store.put(k, new byte[] {1, 2}, "application/octet-stream");
        }
        List<ObjectSummary> listed = store.list("list/p/");
        assertEquals(List.of("list/p/a", "list/p/b"), listed.stream().map(ObjectSummary::key).toList());
        assertEquals(2, listed.get(0).size());
        store.delete("list/p/a");
        store.delete("list/p/a"); // deleting twice is fine
        assertEquals(List.of("list/p/b"), store.list("list/p/").stream().map(ObjectSummary::key).toList());
    }

    @Test
    void keysAreValidatedBeforeAnyRequest() {
        assertThrows(ContractViolation.class, () -> store.put("../escape", new byte[] {1}, "text/plain"));
        assertThrows(ContractViolation.class, () -> store.get("/absolute"));
        assertThrows(ContractViolation.class, () -> store.stat("a//b"));
    }

    @Test
    void pingAnswersForAnExistingBucketOnly() {
        store.ping();
        ObjectStore other = new ObjectStore(config("no-such-bucket-here", s3.secretKey()));
        var e = assertThrows(ObjectStoreException.class, other::ping);
        assertFalse(e instanceof ObjectStoreUnavailableException);
        assertTrue(e.getMessage().contains("no-such-bucket-here"), e.getMessage());
        var get = assertThrows(ObjectStoreException.class, () -> other.get("x"));
        assertTrue(get.getMessage().contains("does not exist"), get.getMessage());
    }

    @Test
    void anUnreachableStoreIsUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ObjectStore down = new ObjectStore(new ObjectStoreConfig("http://127.0.0.1:" + port, "a", "b", BUCKET, null));
        var e = assertThrows(ObjectStoreUnavailableException.class, down::ping);
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        assertInstanceOf(ObjectStoreUnavailableException.class,
                assertThrows(ObjectStoreException.class, () -> down.stat("x")));
    }

    @Test
    void refusedCredentialsAreNotMistakenForAMissingObject() {
        ObjectStore intruder = new ObjectStore(config(BUCKET, "not-the-secret"));
        var e = assertThrows(ObjectStoreException.class, () -> intruder.get("range/a"));
        assertFalse(e instanceof ObjectNotFoundException);
        assertFalse(e instanceof ObjectStoreUnavailableException);
        assertTrue(e.getMessage().contains("SignatureDoesNotMatch"), e.getMessage());
    }

    @Test
    void configNeverPrintsTheSecretAndDefaultsBucketAndRegion() {
        var c = new ObjectStoreConfig("http://127.0.0.1:9000", "key", "very-secret", null, null);
        assertEquals("nextgpt", c.bucket());
        assertEquals("us-east-1", c.region());
        assertFalse(c.toString().contains("very-secret"));
        assertThrows(IllegalArgumentException.class, () -> new ObjectStoreConfig("ftp://x", "a", "b", null, null));
        assertThrows(IllegalArgumentException.class, () -> new ObjectStoreConfig("http://x", "a", "b", "Bad_Bucket", null));
    }
}
