package dev.nextgpt.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void topicNamesAreTheOnesTheDesignFixes() {
    assertEquals("nextgpt.jobs.requested", Topics.JOBS_REQUESTED);
    assertEquals("nextgpt.jobs.encoded", Topics.JOBS_ENCODED);
    assertEquals("nextgpt.signals.image", Topics.signals(Modality.IMAGE));
    assertEquals("nextgpt.signals.video", Topics.signals(Modality.VIDEO));
    assertEquals("nextgpt.signals.audio", Topics.signals(Modality.AUDIO));
    assertEquals("nextgpt.jobs.text", Topics.JOBS_TEXT);
    assertEquals("nextgpt.jobs.outputs", Topics.JOBS_OUTPUTS);
    assertEquals("nextgpt.jobs.events", Topics.JOBS_EVENTS);
    assertEquals("nextgpt.jobs.control", Topics.JOBS_CONTROL);
  }

  @Test
  void everyConsumedTopicHasOneDeadLetterTopicPerConsumer() {
    List<TopicSpec> all = Topics.all();
    Set<String> names = new HashSet<>();
    all.forEach(t -> assertTrue(names.add(t.name()), "duplicate " + t.name()));
    for (ConsumerGroup group : ConsumerGroup.values()) {
      for (String source : group.consumes()) {
        String dlq = Topics.deadLetter(source, group);
        assertEquals(source + ".dlq." + group.serviceName(), dlq);
        assertTrue(names.contains(dlq), dlq);
        assertTrue(names.contains(source), source);
      }
    }
    assertEquals("nextgpt.signals.video.dlq.video-decoder-service",
        Topics.deadLetter(Topics.SIGNALS_VIDEO, ConsumerGroup.decoder(Modality.VIDEO)));
    assertEquals(9 + 8, all.size(), "9 job topics + 8 (service, consumed topic) dead-letter topics");
  }

  @Test
  void deadLetterTopicOfATopicTheServiceDoesNotConsumeIsRefused() {
    var e = assertThrows(ContractViolation.class, () -> Topics.deadLetter(Topics.JOBS_TEXT, ConsumerGroup.ENCODER));
    assertTrue(e.getMessage().contains("encoder-service does not consume nextgpt.jobs.text"), e.getMessage());
  }

  @Test
  void onlyTheControlTopicIsCompacted() {
    for (TopicSpec spec : Topics.all()) {
      assertEquals(spec.name().equals(Topics.JOBS_CONTROL), spec.compacted(), spec.name());
    }
  }

  @Test
  void consumerGroupIdsArePrefixedServiceNames() {
    assertEquals("nextgpt-gateway", ConsumerGroup.GATEWAY.groupId());
    assertEquals("nextgpt-llm-service", ConsumerGroup.LLM.groupId());
    assertEquals(List.of(Topics.SIGNALS_AUDIO), ConsumerGroup.decoder(Modality.AUDIO).consumes());
  }

  @Test
  void mainPrintsOneLinePerTopicForScripts() {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      Topics.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(Topics.all().size(), lines.size());
    assertTrue(lines.contains("nextgpt.jobs.control 3 cleanup.policy=compact"), lines.toString());
    assertTrue(lines.contains("nextgpt.jobs.requested 6 -"), lines.toString());
  }

  @Test
  void invalidTopicSpecsAreRefused() {
    assertThrows(ContractViolation.class, () -> new TopicSpec("bad topic", 1, java.util.Map.of()));
    assertThrows(ContractViolation.class, () -> new TopicSpec("ok", 0, java.util.Map.of()));
  }
}
