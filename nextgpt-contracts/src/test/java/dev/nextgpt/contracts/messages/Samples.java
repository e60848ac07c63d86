package dev.nextgpt.contracts.messages;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.NamedTensors;
import dev.nextgpt.contracts.tensors.TensorCodec;
import java.time.Instant;
import java.util.List;

/** Valid messages to start tests from. */
final class Samples {
  static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  static final String SHA = "ab".repeat(32);
  static final TensorCodec CODEC = new TensorCodec();

  private Samples() {}

  static MediaRef image() {
    return new MediaRef(Modality.IMAGE, "uploads/t1/job-1/photo.png", "image/png", 1234, SHA);
  }

  static JobRequested request() {
    return new JobRequested(Messages.SCHEMA, "job-1", "t1", NOW,
        List.of(Turn.user(ContentPart.text("hi")), Turn.assistant("hello"),
            Turn.user(ContentPart.media(image()), ContentPart.text("draw this as a video"))),
        List.of(Modality.VIDEO, Modality.IMAGE), new GenerationParams(64, 0.7, 0.9, 40, 7L),
        new DiffusionParams(25, 7.5, "ddim", 11L), NOW.plusSeconds(60), new Webhook("https://hooks.example.com/x", true));
  }

  /** A request using every optional field: per-modality diffusion settings, a request digest, a sealed secret. */
  static JobRequested requestWithEverything() {
    JobRequested r = request();
    return new JobRequested(Messages.SCHEMA, "job-2", "t1", NOW, r.turns(), r.outputs(), r.generation(),
        r.diffusion(), r.deadline(), new Webhook("https://hooks.example.com/x", false, "v1.AAAA_bbb-CC"),
        java.util.Map.of(Modality.VIDEO, new DiffusionParams(10, 5.0, "dpmpp_2m", 1L, 64, 48, 16, null),
            Modality.AUDIO, new DiffusionParams(null, null, null, null, null, null, null, 2.5)),
        "cd".repeat(32));
  }

  static JobEvent webhookAttempt() {
    return JobEvent.webhookAttempt("job-1", "t1",
        new WebhookAttempt("evt-0123456789abcdef", "succeeded", 2, false, 500, "HTTP 500"), NOW);
  }

  static TensorPayload embeddings() {
    return TensorPayload.inline(CODEC.encode(NamedTensors.of(
        FloatTensor.f16(EncodedMedia.TENSOR, new long[] {1, 8}, new float[8]))));
  }

  static JobEncoded encoded() {
    return JobEncoded.of(request(), List.of(new EncodedMedia(2, 0, Modality.IMAGE, embeddings())));
  }

  static TensorPayload signals(Modality modality, int hidden) {
    int n = modality.signalTokenCount();
    return TensorPayload.inline(CODEC.encode(NamedTensors.of(
        FloatTensor.f16(SignalsReady.SIGNAL_HIDDEN, new long[] {n, hidden}, new float[n * hidden]),
        FloatTensor.f16(SignalsReady.SIGNAL_EMBEDS, new long[] {n, hidden}, new float[n * hidden]))));
  }

  static SignalsReady signalsReady() {
    return new SignalsReady(Messages.SCHEMA, "job-1", "t1", Modality.VIDEO, 0, signals(Modality.VIDEO, 16),
        new DiffusionParams(null, 9.0, null, 3L), NOW.plusSeconds(60));
  }

  static List<Message> oneOfEach() {
    return List.of(request(), requestWithEverything(), JobEncoded.of(requestWithEverything(), List.of(
            new EncodedMedia(2, 0, Modality.IMAGE, embeddings()))), webhookAttempt(), encoded(), signalsReady(),
        new TextDelta(Messages.SCHEMA, "job-1", "t1", 0, "Here"),
        new JobText(Messages.SCHEMA, "job-1", "t1", "Here is your video.",
            List.of(new PlannedOutput(Modality.VIDEO, 0)), JobText.FinishReason.STOP),
        new OutputStored(Messages.SCHEMA, "job-1", "t1", Modality.VIDEO, 0, "outputs/t1/job-1/video-0.mp4",
            "video/mp4", 4096, SHA),
        JobEvent.progress("job-1", "t1", dev.nextgpt.contracts.Stage.DECODE_VIDEO, 0, 0.5, NOW),
        JobEvent.failed("job-1", "t1", dev.nextgpt.contracts.Stage.ENCODE, null, "unreadable image", NOW),
        JobEvent.cancelled("job-1", "t1", dev.nextgpt.contracts.Stage.GENERATE, null, NOW),
        ControlCommand.cancel("job-1", "t1", "user asked", NOW));
  }
}
