package dev.nextgpt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Topics;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class DescriptorTest {
  @Test
  void partitionsCoverTheLargestReplicaCountOfTheConsumers() throws Exception {
    Plan plan = Repo.plan(ContractsView.current());
    for (var t : plan.contracts().topics()) {
      int p = plan.partitions(t);
      assertTrue(p >= t.partitions(), t.name());
      plan.consumersOf(t.name()).forEach(s -> assertTrue(p >= s.scaling().max(), t.name() + " vs " + s.name()));
    }
    assertEquals(6, plan.partitions(plan.contracts().topic(Topics.SIGNALS_IMAGE)));
  }

  @Test
  void videoAndAudioScaleToZeroAndWaitLongerThanTheirGracePeriodBeforeScalingDown() throws Exception {
    Descriptor d = Repo.plan(ContractsView.current()).descriptor();
    for (String s : new String[] {"video-decoder-service", "audio-decoder-service"}) {
      assertEquals(0, d.service(s).scaling().min(), s);
    }
    for (Descriptor.ServiceSpec s : d.services()) {
      assertTrue(s.scaling().scaleDownStabilizationSeconds() >= s.shutdownGraceSeconds(), s.name());
    }
  }

  @Test
  void aServiceNamingAnotherServicesGroupIsRefused() throws Exception {
    String text = Files.readString(Repo.root().resolve(Descriptor.DEFAULT_LOCATION))
        .replace("consumerGroup: LLM", "consumerGroup: ENCODER");
    var tmp = Files.createTempDirectory("descriptor");
    Files.createDirectories(tmp.resolve("deploy/docker"));
    Files.createDirectories(tmp.resolve("infra"));
    Files.writeString(tmp.resolve("deploy/services.yaml"), text);
    Files.copy(Repo.root().resolve("infra/pom.xml"), tmp.resolve("infra/pom.xml"));
    Files.copy(Repo.root().resolve("deploy/docker/bundle-fetch.sh"), tmp.resolve("deploy/docker/bundle-fetch.sh"));
    var e = assertThrows(IllegalArgumentException.class, () -> Plan.load(tmp, ContractsView.current()));
    assertTrue(e.getMessage().contains("llm-service names ConsumerGroup.ENCODER, whose service is encoder-service"),
        e.getMessage());
  }

  @Test
  void aMisspeltKeyNamesItsPath() {
    var e = assertThrows(IllegalArgumentException.class, () -> Descriptor.parse("""
        images: {registry: r, tag: t, kafka: k, minio: m, mc: c}
        namespace: n
        objectStore: {bucket: b, region: r, claimsExpireDays: 1}
        bundles: {cpu-nano: nano, gpu: real}
        kafka:
          cluster: c
          cpu-nano: {brokers: 1, replicas: 1, minInsync: 1, storage: ephemeral}
          gpu: {brokers: 3, replicas: 3, minInsync: 2, storage: 1Gi}
        services:
          gateway: {prot: 8080}
        """, "services.yaml"));
    assertTrue(e.getMessage().contains("services.yaml.services.gateway.prot: unknown key"), e.getMessage());
  }
}
