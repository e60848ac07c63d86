package dev.nextgpt.platform.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(S3ServerExtension.class)
class S3ServerTest {
  private static final String BUCKET = "nextgpt-test";
  private static S3Server s3;
  private static MinioClient minio;

  @BeforeAll
  static void setUp(S3Server server) {
    s3 = server;
    s3.createBucket(BUCKET);
    s3.createBucket(BUCKET); // idempotent
    minio = MinioClient.builder().endpoint(s3.endpoint().toString()).region(S3Server.REGION)
        .credentials(s3.accessKey(), s3.secretKey()).build();
  }

  @Test
  void listensOnLoopback() throws Exception {
    assertTrue(InetAddress.getByName(s3.endpoint().getHost()).isLoopbackAddress(), s3.endpoint().toString());
  }

  @Test
  void theBucketHelperMakesABucketTheSdkSees() throws Exception {
    assertTrue(minio.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build()));
  }

  @Test
  void putThenGetWholeAndRange() throws Exception {
    byte[] png = "\u0089PNG fake image bytes".getBytes(StandardCharsets.ISO_8859_1);
    minio.putObject(PutObjectArgs.builder().bucket(BUCKET).object("outputs/t1/job-1/image-0.png")
        .data(png, png.length).contentType("image/png").build());
    try (GetObjectResponse in = minio.getObject(GetObjectArgs.builder().bucket(BUCKET)
        .object("outputs/t1/job-1/image-0.png").build())) {
      assertArrayEquals(png, in.readAllBytes());
      assertEquals("image/png", in.headers().get("Content-Type"));
    }
    try (GetObjectResponse in = minio.getObject(GetObjectArgs.builder().bucket(BUCKET)
        .object("outputs/t1/job-1/image-0.png").offset(1L).length(3L).build())) {
      assertEquals("PNG", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void largeObjectsGoUpInParts() throws Exception {
    byte[] video = new byte[11 * 1024 * 1024];
    new Random(7).nextBytes(video);
    long partSize = 5L * 1024 * 1024; // the S3 minimum: 11 MiB becomes a three-part upload
    minio.putObject(PutObjectArgs.builder().bucket(BUCKET).object("outputs/t1/job-2/video-0.mp4")
        .stream(new ByteArrayInputStream(video), (long) video.length, partSize).contentType("video/mp4").build());
    try (GetObjectResponse in = minio.getObject(GetObjectArgs.builder().bucket(BUCKET)
        .object("outputs/t1/job-2/video-0.mp4").build())) {
      assertArrayEquals(video, in.readAllBytes());
    }
  }

  @Test
  void presignedUrlsWorkWithoutCredentials() throws Exception {
    String key = "outputs/t1/job-3/audio-0.wav";
    byte[] wav = "RIFF....WAVE".getBytes(StandardCharsets.US_ASCII);
    String putUrl = minio.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Http.Method.PUT)
        .bucket(BUCKET).object(key).expiry(10, TimeUnit.MINUTES).build());
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(putUrl))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(wav)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, put.statusCode(), put.body());

    String getUrl = minio.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Http.Method.GET)
        .bucket(BUCKET).object(key).expiry(10, TimeUnit.MINUTES).build());
    assertTrue(getUrl.startsWith(s3.endpoint() + "/" + BUCKET + "/"), getUrl);
    HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(getUrl)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, get.statusCode());
    assertArrayEquals(wav, get.body());

    HttpResponse<String> tampered = http.send(HttpRequest.newBuilder(URI.create(getUrl.replace("audio-0", "audio-1")))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, tampered.statusCode(), "a presigned URL is valid for its own object only");
  }

  @Test
  void listingByPrefixShowsOnlyThatPrefix() throws Exception {
    for (String key : List.of("claims/t9/job-1/generate-0/aa", "claims/t9/job-1/generate-0/bb", "claims/t9/job-2/x")) {
      minio.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).data(new byte[] {1}, 1).build());
    }
    List<String> names = new ArrayList<>();
    for (Result<Item> r : minio.listObjects(ListObjectsArgs.builder().bucket(BUCKET).prefix("claims/t9/job-1/")
        .recursive(true).build())) {
      names.add(r.get().objectName());
    }
    assertEquals(List.of("claims/t9/job-1/generate-0/aa", "claims/t9/job-1/generate-0/bb"), names);
  }

  @Test
  void wrongCredentialsAreRefused() {
    MinioClient intruder = MinioClient.builder().endpoint(s3.endpoint().toString()).region(S3Server.REGION)
        .credentials(s3.accessKey(), "not-the-secret").build();
    var e = assertThrows(ErrorResponseException.class,
        () -> intruder.getObject(GetObjectArgs.builder().bucket(BUCKET).object("anything").build()));
    assertEquals("SignatureDoesNotMatch", e.errorResponse().code());
  }
}
