package dev.nextgpt.contracts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one registry of Kafka topic names. Every record is keyed by job id, so all records of one job land in one
 * partition of each topic and keep their order.
 *
 * <p>Run {@code java -cp nextgpt-contracts.jar dev.nextgpt.contracts.Topics} to print every topic the platform
 * creates (one {@link TopicSpec#toLine()} per line); {@code scripts/infra.sh} creates topics from that list.
 */
public final class Topics {
  /** Kafka's own rule for topic names. */
  static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** Gateway → encoder: a submitted job ({@code JobRequested}). */
  public static final String JOBS_REQUESTED = "nextgpt.jobs.requested";
  /** Encoder → LLM: the job with its media embeddings ({@code JobEncoded}). */
  public static final String JOBS_ENCODED = "nextgpt.jobs.encoded";
  /** LLM → image decoder: signal hidden states of one image output ({@code SignalsReady}). */
  public static final String SIGNALS_IMAGE = "nextgpt.signals.image";
  /** LLM → video decoder. */
  public static final String SIGNALS_VIDEO = "nextgpt.signals.video";
  /** LLM → audio decoder. */
  public static final String SIGNALS_AUDIO = "nextgpt.signals.audio";
  /** LLM → gateway: streamed text ({@code TextDelta}) and the final text with the planned outputs ({@code JobText}). */
  public static final String JOBS_TEXT = "nextgpt.jobs.text";
  /** Decoders → gateway: an artifact was stored ({@code OutputStored}). */
  public static final String JOBS_OUTPUTS = "nextgpt.jobs.outputs";
  /** Every service → gateway: progress, failures, cancellations ({@code JobEvent}). */
  public static final String JOBS_EVENTS = "nextgpt.jobs.events";
  /**
   * Gateway → every worker: cancel commands ({@code ControlCommand}), compacted by job id. Each worker instance
   * reads all partitions (no consumer group), so every instance knows every cancelled job.
   */
  public static final String JOBS_CONTROL = "nextgpt.jobs.control";

  /** Infix of dead-letter topics: {@code <source topic>.dlq.<service>}. */
  public static final String DEAD_LETTER_INFIX = ".dlq.";

  /** Default partitions of the job topics: the upper bound of consumer instances per service (KEDA scales to it). */
  public static final int DEFAULT_PARTITIONS = 6;
  public static final int CONTROL_PARTITIONS = 3;
  public static final int DEAD_LETTER_PARTITIONS = 1;

  private Topics() {}

  /** The signal topic a modality's decoder consumes. */
  public static String signals(Modality modality) {
    return switch (modality) {
      case IMAGE -> SIGNALS_IMAGE;
      case VIDEO -> SIGNALS_VIDEO;
      case AUDIO -> SIGNALS_AUDIO;
    };
  }

  /** The dead-letter topic for records of {@code sourceTopic} that {@code service} could not process. */
  public static String deadLetter(String sourceTopic, ConsumerGroup service) {
    if (!service.consumes().contains(sourceTopic)) {
      throw new ContractViolation(service.serviceName() + " does not consume " + sourceTopic
          + " (it consumes " + service.consumes() + ")");
    }
    return sourceTopic + DEAD_LETTER_INFIX + service.serviceName();
  }

  /** Every topic the platform needs, with defaults for partitions and configs; dead-letter topics last. */
  public static List<TopicSpec> all() {
    List<TopicSpec> specs = new ArrayList<>();
    for (String t : List.of(JOBS_REQUESTED, JOBS_ENCODED, SIGNALS_IMAGE, SIGNALS_VIDEO, SIGNALS_AUDIO, JOBS_TEXT,
        JOBS_OUTPUTS, JOBS_EVENTS)) {
      specs.add(new TopicSpec(t, DEFAULT_PARTITIONS, Map.of()));
    }
    specs.add(new TopicSpec(JOBS_CONTROL, CONTROL_PARTITIONS, Map.of("cleanup.policy", "compact")));
    for (ConsumerGroup group : ConsumerGroup.values()) {
      for (String source : group.consumes()) {
        specs.add(new TopicSpec(deadLetter(source, group), DEAD_LETTER_PARTITIONS, Map.of()));
      }
    }
    return List.copyOf(specs);
  }

  /** Prints {@link #all()}, one line per topic, for scripts. */
  public static void main(String[] args) {
    for (TopicSpec spec : all()) {
      System.out.println(spec.toLine());
    }
  }
}
