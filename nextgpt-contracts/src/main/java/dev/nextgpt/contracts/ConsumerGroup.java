package dev.nextgpt.contracts;

import java.util.List;

/** Each service that consumes job topics, its Kafka consumer group id and the topics it consumes as a group. */
public enum ConsumerGroup {
  GATEWAY("gateway", List.of(Topics.JOBS_EVENTS, Topics.JOBS_TEXT, Topics.JOBS_OUTPUTS)),
  ENCODER("encoder-service", List.of(Topics.JOBS_REQUESTED)),
  LLM("llm-service", List.of(Topics.JOBS_ENCODED)),
  IMAGE_DECODER("image-decoder-service", List.of(Topics.SIGNALS_IMAGE)),
  VIDEO_DECODER("video-decoder-service", List.of(Topics.SIGNALS_VIDEO)),
  AUDIO_DECODER("audio-decoder-service", List.of(Topics.SIGNALS_AUDIO));

  /**
   * The group in which gateway replicas share the partitions of {@link Topics#JOBS_REQUESTED} only to decide who
   * sends a job's webhooks: the replica assigned the job's partition (records are not processed through it).
   */
  public static final String GATEWAY_WEBHOOK_OWNERS = "nextgpt-gateway-webhooks";

  private final String serviceName;
  private final List<String> consumes;

  ConsumerGroup(String serviceName, List<String> consumes) {
    this.serviceName = serviceName;
    this.consumes = consumes;
  }

  /** The service's name as in its folder, logs and dead-letter topics: {@code encoder-service}. */
  public String serviceName() {
    return serviceName;
  }

  /** The Kafka {@code group.id}: {@code nextgpt-<service>}. */
  public String groupId() {
    return "nextgpt-" + serviceName;
  }

  /** The topics consumed through this group (the control topic is read by every instance, outside groups). */
  public List<String> consumes() {
    return consumes;
  }

  /** The decoder group of a modality. */
  public static ConsumerGroup decoder(Modality modality) {
    return switch (modality) {
      case IMAGE -> IMAGE_DECODER;
      case VIDEO -> VIDEO_DECODER;
      case AUDIO -> AUDIO_DECODER;
    };
  }
}
