package dev.nextgpt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutations: a topic, consumer group, port or variable changed in one place only must fail the consistency check;
 * changed in the contracts and regenerated, it must pass.
 */
class RenameIsCaughtTest {
  private static final String MOVIE = "nextgpt.signals.movie";

  private static boolean mentions(List<String> problems, String... words) {
    return problems.stream().anyMatch(p -> List.of(words).stream().allMatch(p::contains));
  }

  @Test
  void topicRenamedInTheContractsOnlyFailsComposeAndEveryOverlay() throws Exception {
    ContractsView renamed = ContractsView.current().withTopicRenamed(Topics.SIGNALS_VIDEO, MOVIE);
    ManifestConsistency checker = Repo.checker(renamed);

    List<String> compose = checker.checkCompose("docker-compose.yml", Repo.compose());
    assertTrue(mentions(compose, MOVIE, "missing"), compose.toString());
    assertTrue(mentions(compose, Topics.SIGNALS_VIDEO, "not in Topics.all()"), compose.toString());

    for (Map.Entry<String, Path> overlay : Repo.overlays().entrySet()) {
      List<String> k8s = checker.checkKubernetes(overlay.getKey(), Repo.rendered(overlay.getValue()));
      assertTrue(mentions(k8s, "KafkaTopics", MOVIE, "missing"), k8s.toString());
      assertTrue(mentions(k8s, "ScaledObject video-decoder-service", Topics.SIGNALS_VIDEO, "not in Topics.all()"),
          k8s.toString());
    }
  }

  @Test
  void consumerGroupChangedInTheContractsOnlyFailsEveryOverlay() throws Exception {
    ContractsView changed = ContractsView.current().withGroupIdChanged("AUDIO_DECODER", "nextgpt-audio");
    for (Map.Entry<String, Path> overlay : Repo.overlays().entrySet()) {
      List<String> k8s = Repo.checker(changed).checkKubernetes(overlay.getKey(), Repo.rendered(overlay.getValue()));
      assertTrue(mentions(k8s, "ScaledObject audio-decoder-service", "consumerGroup is nextgpt-audio-decoder-service",
          "expected nextgpt-audio"), k8s.toString());
    }
  }

  @Test
  void topicRenamedInOneOverlayOnlyFails() throws Exception {
    Path gpu = Repo.overlays().get("gpu");
    List<Object> docs = Repo.rendered(gpu);
    triggerOf(docs, "video-decoder-service").put("topic", MOVIE);
    List<String> problems = Repo.checker(ContractsView.current()).checkKubernetes("gpu", docs);
    assertTrue(mentions(problems, "ScaledObject video-decoder-service", MOVIE, "not in Topics.all()"),
        problems.toString());
    assertTrue(mentions(problems, "triggers on [" + MOVIE + "]", "consumes [" + Topics.SIGNALS_VIDEO + "]"),
        problems.toString());
  }

  @Test
  void consumerGroupRenamedInOneOverlayOnlyFails() throws Exception {
    List<Object> docs = Repo.rendered(Repo.overlays().get("cpu-nano"));
    triggerOf(docs, "image-decoder-service").put("consumerGroup", "image-decoders");
    List<String> problems = Repo.checker(ContractsView.current()).checkKubernetes("cpu-nano", docs);
    assertTrue(mentions(problems, "consumerGroup is image-decoders", ConsumerGroup.IMAGE_DECODER.groupId()),
        problems.toString());
  }

  @Test
  void kafkaTopicRenamedInOneOverlayOnlyFails() throws Exception {
    List<Object> docs = Repo.rendered(Repo.overlays().get("gpu"));
    for (Object d : docs) {
      Map<String, Object> r = asMap(d);
      if ("KafkaTopic".equals(r.get("kind")) && Topics.JOBS_ENCODED.equals(asMap(r.get("spec")).get("topicName"))) {
        asMap(r.get("spec")).put("topicName", "nextgpt.jobs.embedded");
      }
    }
    List<String> problems = Repo.checker(ContractsView.current()).checkKubernetes("gpu", docs);
    assertTrue(mentions(problems, Topics.JOBS_ENCODED, "missing"), problems.toString());
    assertTrue(mentions(problems, "nextgpt.jobs.embedded", "not in Topics.all()"), problems.toString());
  }

  @Test
  void tooFewPartitionsForTheConsumersMaxReplicasFails() throws Exception {
    List<Object> docs = Repo.rendered(Repo.overlays().get("cpu-nano"));
    for (Object d : docs) {
      Map<String, Object> r = asMap(d);
      if ("ScaledObject".equals(r.get("kind")) && "image-decoder-service".equals(asMap(r.get("metadata")).get("name"))) {
        asMap(r.get("spec")).put("maxReplicaCount", 12);
      }
    }
    List<String> problems = Repo.checker(ContractsView.current()).checkKubernetes("cpu-nano", docs);
    assertTrue(mentions(problems, Topics.SIGNALS_IMAGE, "needs at least 12"), problems.toString());
  }

  @Test
  void topicMissingFromComposeInitFails() throws Exception {
    Map<String, Object> compose = Repo.compose();
    Map<String, Object> init = asMap(asMap(compose.get("services")).get("kafka-init"));
    @SuppressWarnings("unchecked")
    List<Object> command = (List<Object>) init.get("command");
    command.set(0, String.valueOf(command.get(0)).replace("--topic " + Topics.JOBS_TEXT + " ", "--topic nextgpt.text "));
    List<String> problems = Repo.checker(ContractsView.current()).checkCompose("docker-compose.yml", compose);
    assertTrue(mentions(problems, Topics.JOBS_TEXT, "missing"), problems.toString());
    assertTrue(mentions(problems, "nextgpt.text", "not in Topics.all()"), problems.toString());
  }

  @Test
  void misspeltVariableOrWrongPortInComposeFails() throws Exception {
    Map<String, Object> compose = Repo.compose();
    Map<String, Object> env = asMap(asMap(asMap(compose.get("services")).get("llm-service")).get("environment"));
    env.put("NEXTGPT_S3_ENDPIONT", env.remove("NEXTGPT_S3_ENDPOINT"));
    env.put("QUARKUS_HTTP_PORT", "8093");
    List<String> problems = Repo.checker(ContractsView.current()).checkCompose("docker-compose.yml", compose);
    assertTrue(mentions(problems, "llm-service", "NEXTGPT_S3_ENDPIONT", "not a configuration convention"),
        problems.toString());
    assertTrue(mentions(problems, "llm-service", "does not set NEXTGPT_S3_ENDPOINT"), problems.toString());
    assertTrue(mentions(problems, "llm-service", "QUARKUS_HTTP_PORT is 8093, expected 8092"), problems.toString());
  }

  @Test
  void renamedInTheContractsAndRegeneratedIsConsistentByConstruction(@TempDir Path tmp) throws Exception {
    ContractsView renamed = ContractsView.current().withTopicRenamed(Topics.SIGNALS_VIDEO, MOVIE)
        .withGroupIdChanged("AUDIO_DECODER", "nextgpt-audio");
    Map<String, String> files = new Generator(Repo.root(), Repo.plan(renamed)).render();
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = tmp.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
    }
    ManifestConsistency afterRename = Repo.checker(renamed);
    @SuppressWarnings("unchecked")
    Map<String, Object> compose = (Map<String, Object>) YamlText.read(files.get(ComposeRenderer.FILE)).get(0);
    assertEquals(List.of(), afterRename.checkCompose("regenerated compose", compose));
    for (String overlay : List.of("cpu-nano", "gpu")) {
      List<Object> docs = Kustomize.render(tmp.resolve(KubernetesRenderer.OVERLAYS).resolve(overlay));
      assertEquals(List.of(), afterRename.checkKubernetes("regenerated " + overlay, docs));
      assertFalse(Repo.checker(ContractsView.current()).checkKubernetes(overlay, docs).isEmpty(),
          "the old names no longer match");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> triggerOf(List<Object> docs, String service) {
    for (Object d : docs) {
      Map<String, Object> r = asMap(d);
      if ("ScaledObject".equals(r.get("kind")) && service.equals(asMap(r.get("metadata")).get("name"))) {
        List<Object> triggers = (List<Object>) asMap(r.get("spec")).get("triggers");
        return asMap(asMap(triggers.get(0)).get("metadata"));
      }
    }
    throw new AssertionError("no ScaledObject " + service);
  }
}
