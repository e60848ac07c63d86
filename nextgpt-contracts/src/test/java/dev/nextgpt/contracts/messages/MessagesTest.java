package dev.nextgpt.contracts.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nextgpt.contracts.ContractViolation;
import dev.nextgpt.contracts.Headers;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesTest {
  @Test
  void everyMessageRoundTripsAndNamesItsTypeAndSchema() throws Exception {
    for (Message m : Samples.oneOfEach()) {
      byte[] json = Messages.encode(m);
      JsonNode tree = Messages.mapper().readTree(json);
      assertEquals(Messages.typeName(m.getClass()), tree.get("type").textValue(), new String(json));
      assertEquals(1, tree.get("schema").intValue());
      assertEquals(m, Messages.decode(json, m.getClass()), m.getClass().getSimpleName());
      assertEquals(m, Messages.decode(json, Message.class));
    }
  }

  @Test
  void wireFormatIsReadableJson() throws Exception {
    JsonNode tree = Messages.mapper().readTree(Messages.encode(Samples.request()));
    assertEquals("job.requested", tree.get("type").textValue());
    assertEquals("2026-01-02T03:04:05Z", tree.get("createdAt").textValue());
    assertEquals("media", tree.at("/turns/2/content/0/type").textValue());
    assertEquals("image", tree.at("/turns/2/content/0/media/modality").textValue());
    assertEquals("assistant", tree.at("/turns/1/role").textValue());
    assertEquals("[\"video\",\"image\"]", tree.get("outputs").toString());
    JsonNode signals = Messages.mapper().readTree(Messages.encode(Samples.signalsReady())).get("signals");
    assertEquals("safetensors", signals.get("format").textValue());
    assertTrue(signals.get("inline").isTextual(), "inline bytes are base64");
    assertFalse(signals.has("claimCheck"), "nulls are left out");
  }

  @Test
  void perModalityDiffusionSettingsUseWireNamesAndFallBackToTheSharedOnes() throws Exception {
    JobRequested r = Samples.requestWithEverything();
    JsonNode tree = Messages.mapper().readTree(Messages.encode(r));
    assertEquals(16, tree.at("/diffusionByModality/video/frames").intValue(), tree.toString());
    assertEquals(2.5, tree.at("/diffusionByModality/audio/seconds").doubleValue());
    assertEquals("v1.AAAA_bbb-CC", tree.at("/webhook/sealedSecret").textValue());
    assertEquals(r.diffusion(), r.diffusionFor(Modality.IMAGE));
    assertEquals(16, r.diffusionFor(Modality.VIDEO).frames());
    JobEncoded encoded = JobEncoded.of(r, List.of(new EncodedMedia(2, 0, Modality.IMAGE, Samples.embeddings())));
    assertEquals(r.diffusionFor(Modality.AUDIO), encoded.diffusionFor(Modality.AUDIO));
    assertEquals(Map.of(), Samples.request().diffusionByModality());
    assertFalse(Messages.mapper().readTree(Messages.encode(Samples.request())).has("requestDigest"));
    var e = assertThrows(ContractViolation.class, () -> new DiffusionParams(null, null, null, null, 0, null, null, null));
    assertEquals("DiffusionParams.width: must be 1..8192, was 0", e.getMessage());
    ObjectNode bad = tree(r);
    ((ObjectNode) bad.get("diffusionByModality")).set("smell", bad.at("/diffusionByModality/video"));
    assertRefused(bad, JobRequested.class, "smell");
  }

  @Test
  void webhookAttemptsAreEventsOfTheWebhookStage() {
    WebhookAttempt ok = new WebhookAttempt("evt-0123456789abcdef", "failed", 1, true, 204, null);
    assertEquals(Stage.WEBHOOK, JobEvent.webhookAttempt("j", "t", ok, Samples.NOW).stage());
    var e = assertThrows(ContractViolation.class,
        () -> new JobEvent(1, "j", "t", JobEvent.Kind.WEBHOOK_ATTEMPT, Stage.ENCODE, null, null, null, Samples.NOW, ok));
    assertEquals("JobEvent.stage: a webhook attempt has stage webhook, was encode", e.getMessage());
    e = assertThrows(ContractViolation.class,
        () -> new JobEvent(1, "j", "t", JobEvent.Kind.FAILED, Stage.WEBHOOK, null, null, "x", Samples.NOW, ok));
    assertEquals("JobEvent.webhook: only webhook_attempt events carry a webhook attempt", e.getMessage());
    e = assertThrows(ContractViolation.class,
        () -> new WebhookAttempt("evt-0123456789abcdef", "running", 1, false, null, "timeout"));
    assertEquals("WebhookAttempt.jobStatus: 'running' is not succeeded, failed or cancelled", e.getMessage());
    e = assertThrows(ContractViolation.class,
        () -> new WebhookAttempt("evt-0123456789abcdef", "failed", 0, false, null, "timeout"));
    assertEquals("WebhookAttempt.attempt: must be 1..100, was 0", e.getMessage());
  }

  @Test
  void theTextTopicDecodesAsAUnionAndRefusesOtherTypes() {
    TextMessage delta = Messages.decode(Messages.encode(new TextDelta(1, "job-1", "t1", 3, "x")), TextMessage.class);
    assertInstanceOf(TextDelta.class, delta);
    var e = assertThrows(ContractViolation.class,
        () -> Messages.decode(Messages.encode(Samples.request()), TextMessage.class));
    assertTrue(e.getMessage().startsWith("TextMessage: "), e.getMessage());
    e = assertThrows(ContractViolation.class,
        () -> Messages.decode(Messages.encode(Samples.request()), JobEncoded.class));
    assertTrue(e.getMessage().startsWith("job.encoded: "), e.getMessage());
  }

  @Test
  void anotherSchemaVersionOrAMissingOneIsRefused() throws Exception {
    ObjectNode tree = tree(Samples.request());
    tree.put("schema", 2);
    assertRefused(tree, JobRequested.class, "JobRequested.schema: unsupported version 2 (this build reads 1)");
    tree.remove("schema");
    assertRefused(tree, JobRequested.class, "Missing required creator property 'schema'");
    tree.put("schema", "1");
    assertRefused(tree, JobRequested.class, "job.requested at schema: ");
  }

  @Test
  void unknownFieldsAreIgnoredSoFieldsCanBeAddedWithinAVersion() throws Exception {
    ObjectNode tree = tree(Samples.request());
    tree.put("priority", "high");
    assertEquals(Samples.request(), Messages.decode(bytes(tree), JobRequested.class));
  }

  @Test
  void refusalsNameThePathAndTheRule() throws Exception {
    ObjectNode tree = tree(Samples.request());
    ((ObjectNode) tree.at("/turns/2/content/0/media")).put("sha256", "nope");
    assertRefused(tree, JobRequested.class,
        "job.requested at turns[2].content[0].media: MediaRef.sha256: 'nope' is not a lower-case hex SHA-256");

    tree = tree(Samples.request());
    ((ObjectNode) tree.at("/turns/2/content/0")).put("type", "sticker");
    assertRefused(tree, JobRequested.class, "job.requested at turns[2].content[0]: Could not resolve type id 'sticker'");

    tree = tree(Samples.request());
    ((ObjectNode) tree.at("/turns/2/content/0/media")).put("modality", "smell");
    assertRefused(tree, JobRequested.class, "unknown modality 'smell' (expected image, audio or video)");

    tree = tree(Samples.request());
    ((ObjectNode) tree.get("generation")).put("topP", 0.0);
    assertRefused(tree, JobRequested.class, "job.requested at generation: GenerationParams.topP: must be in (0.0, 1.0]");

    tree = tree(Samples.request());
    tree.put("jobId", "../../etc");
    assertRefused(tree, JobRequested.class, "JobRequested.jobId: '../../etc' is not a valid id");
  }

  @Test
  void conversationRulesHold() {
    var e = assertThrows(ContractViolation.class, () -> new Turn(Role.ASSISTANT,
        List.of(ContentPart.media(Samples.image()))));
    assertEquals("Turn.content[0]: an assistant turn holds text only", e.getMessage());
    JobRequested r = Samples.request();
    e = assertThrows(ContractViolation.class, () -> new JobRequested(1, "job-1", "t1", Samples.NOW,
        List.of(Turn.user(ContentPart.text("q")), Turn.assistant("a")), null, null, null, null, null));
    assertEquals("JobRequested.turns: the last turn must be the user's", e.getMessage());
    e = assertThrows(ContractViolation.class, () -> new JobRequested(1, "job-1", "t1", Samples.NOW, r.turns(),
        List.of(Modality.IMAGE, Modality.IMAGE), null, null, null, null));
    assertEquals("JobRequested.outputs: lists IMAGE twice", e.getMessage());
    e = assertThrows(ContractViolation.class, () -> new JobRequested(1, "job-1", "t1", Samples.NOW, r.turns(),
        null, null, null, Samples.NOW, null));
    assertEquals("JobRequested.deadline: must be after createdAt", e.getMessage());
    e = assertThrows(ContractViolation.class, () -> new Turn(Role.USER, List.of()));
    assertEquals("Turn.content: must not be empty", e.getMessage());
    assertEquals(List.of(Samples.image()), r.media());
    JobRequested minimal = new JobRequested(1, "j", "t", Samples.NOW, List.of(Turn.user(ContentPart.text("q"))),
        null, null, null, null, null);
    assertEquals(GenerationParams.DEFAULTS, minimal.generation());
    assertEquals(List.of(), minimal.outputs());
  }

  @Test
  void encodedJobsHaveExactlyOneEmbeddingPerMediaPart() {
    JobRequested r = Samples.request();
    var e = assertThrows(ContractViolation.class, () -> JobEncoded.of(r, List.of()));
    assertEquals("JobEncoded.media: no embeddings for turns[2].content[0]", e.getMessage());
    e = assertThrows(ContractViolation.class, () -> JobEncoded.of(r, List.of(
        new EncodedMedia(2, 0, Modality.IMAGE, Samples.embeddings()),
        new EncodedMedia(2, 0, Modality.IMAGE, Samples.embeddings()))));
    assertEquals("JobEncoded.media[1]: turns[2].content[0] is encoded twice", e.getMessage());
    e = assertThrows(ContractViolation.class, () -> JobEncoded.of(r, List.of(
        new EncodedMedia(2, 1, Modality.IMAGE, Samples.embeddings()))));
    assertEquals("JobEncoded.media[0]: points at turns[2].content[1], which is text", e.getMessage());
    e = assertThrows(ContractViolation.class, () -> JobEncoded.of(r, List.of(
        new EncodedMedia(2, 0, Modality.AUDIO, Samples.embeddings()))));
    assertEquals("JobEncoded.media[0]: modality audio but the part is image", e.getMessage());
    e = assertThrows(ContractViolation.class, () -> JobEncoded.of(r, List.of(
        new EncodedMedia(5, 0, Modality.IMAGE, Samples.embeddings()))));
    assertEquals("JobEncoded.media[0]: points at turns[5].content[0], which does not exist", e.getMessage());
    JobEncoded ok = Samples.encoded();
    assertEquals(Samples.embeddings(), ok.mediaAt(2, 0).embeddings());
  }

  @Test
  void signalTensorsMustMatchTheModalitysTokenCount() {
    var tensors = Samples.CODEC.decode(Samples.signals(Modality.AUDIO, 16).resolve(null));
    SignalsReady.checkSignals(tensors, Modality.AUDIO);
    var e = assertThrows(ContractViolation.class, () -> SignalsReady.checkSignals(tensors, Modality.VIDEO));
    assertEquals("tensor 'signal_hidden': shape [8, 16] does not match [24, *]", e.getMessage());
    assertEquals("job-1:decode-video:0", Samples.signalsReady().idempotencyKey().toString());
  }

  @Test
  void eventRulesHold() {
    assertThrows(ContractViolation.class,
        () -> new JobEvent(1, "j", "t", JobEvent.Kind.PROGRESS, Stage.ENCODE, null, null, null, Samples.NOW));
    var e = assertThrows(ContractViolation.class,
        () -> new JobEvent(1, "j", "t", JobEvent.Kind.PROGRESS, Stage.ENCODE, null, 1.5, null, Samples.NOW));
    assertEquals("JobEvent.progress: must be in [0.0, 1.0], was 1.5", e.getMessage());
    e = assertThrows(ContractViolation.class,
        () -> new JobEvent(1, "j", "t", JobEvent.Kind.FAILED, Stage.ENCODE, null, null, null, Samples.NOW));
    assertEquals("JobEvent.reason: is required", e.getMessage());
    e = assertThrows(ContractViolation.class,
        () -> new JobEvent(1, "j", "t", JobEvent.Kind.CANCELLED, Stage.ENCODE, null, 0.5, null, Samples.NOW));
    assertEquals("JobEvent.progress: only progress events carry progress", e.getMessage());
  }

  @Test
  void inlineTensorPayloadsAreVerifiedOnDecode() throws Exception {
    ObjectNode tree = tree(Samples.signalsReady());
    ((ObjectNode) tree.get("signals")).put("sha256", "00".repeat(32));
    assertRefused(tree, SignalsReady.class, "signals.ready at signals: TensorPayload.inline: SHA-256 ");
    tree = tree(Samples.signalsReady());
    ((ObjectNode) tree.get("signals")).put("claimCheck", "claims/t1/job-1/generate-0/x");
    assertRefused(tree, SignalsReady.class, "TensorPayload: exactly one of inline and claimCheck must be set");
  }

  @Test
  void malformedJsonIsRefused() {
    for (String bad : new String[] {"", "null", "{", "[]", "{\"type\":\"job.requested\",\"type\":\"job.text\"}",
        Messages.encode(Samples.request()).length + ""}) {
      assertThrows(ContractViolation.class,
          () -> Messages.decode(bad.getBytes(StandardCharsets.UTF_8), JobRequested.class), bad);
    }
    byte[] trailing = (new String(Messages.encode(Samples.request()), StandardCharsets.UTF_8) + " {}")
        .getBytes(StandardCharsets.UTF_8);
    assertThrows(ContractViolation.class, () -> Messages.decode(trailing, JobRequested.class));
    var e = assertThrows(ContractViolation.class, () -> Messages.decode(null, ControlCommand.class));
    assertEquals("control.command: payload is missing (a tombstone?)", e.getMessage());
  }

  @Test
  void recordKeyAndHeadersMustAgreeWithThePayload() {
    Message m = Samples.request();
    Map<String, byte[]> headers = Messages.headers(m);
    assertEquals(List.of(Headers.JOB_ID, Headers.TENANT, Headers.SCHEMA_VERSION, Headers.MESSAGE_TYPE,
        Headers.CONTENT_TYPE), List.copyOf(headers.keySet()));
    assertEquals("job.requested", new String(headers.get(Headers.MESSAGE_TYPE), StandardCharsets.UTF_8));
    Messages.checkRecord("job-1", headers::get, m);

    var e = assertThrows(ContractViolation.class, () -> Messages.checkRecord("job-2", headers::get, m));
    assertEquals("job.requested: record key 'job-2' is not the job id 'job-1'", e.getMessage());
    Map<String, byte[]> wrongTenant = new java.util.HashMap<>(headers);
    wrongTenant.put(Headers.TENANT, Headers.value("t2"));
    e = assertThrows(ContractViolation.class, () -> Messages.checkRecord("job-1", wrongTenant::get, m));
    assertEquals("job.requested: header nextgpt-tenant is not the tenant 't1'", e.getMessage());
    Map<String, byte[]> noType = new java.util.HashMap<>(headers);
    noType.remove(Headers.MESSAGE_TYPE);
    e = assertThrows(ContractViolation.class, () -> Messages.checkRecord("job-1", noType::get, m));
    assertEquals("header nextgpt-type: is missing", e.getMessage());
  }

  private static ObjectNode tree(Message m) throws Exception {
    return (ObjectNode) Messages.mapper().readTree(Messages.encode(m));
  }

  private static byte[] bytes(JsonNode tree) throws Exception {
    return Messages.mapper().writeValueAsBytes(tree);
  }

  private static void assertRefused(JsonNode tree, Class<? extends Message> type, String expected) throws Exception {
    byte[] json = bytes(tree);
    var e = assertThrows(ContractViolation.class, () -> Messages.decode(json, type));
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }
}
