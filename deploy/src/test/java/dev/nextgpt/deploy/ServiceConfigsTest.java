package dev.nextgpt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every variable the manifests set must reach a property the service knows, once the module exists. */
class ServiceConfigsTest {
  private static final String PROPS = """
      quarkus.devservices.enabled=false
      %prod.nextgpt.bundle.path=models/nano
      nextgpt.gateway.api-keys=local:${NEXTGPT_API_KEY:}
      """;
  private static final String S3_MAPPING = """
      @ConfigMapping(prefix = "nextgpt.s3")
      public interface S3Config {
        String endpoint();
        String region();
        String bucket();
        String accessKey();
        @WithName("secret-key") String secret();
      }
      """;

  @Test
  void variablesKnownByPropertiesReferencesMappingsAndTheFramework() {
    ServiceConfigs c = ServiceConfigs.of(Map.of("gateway", PROPS), List.of(S3_MAPPING));
    for (String known : List.of("NEXTGPT_BUNDLE_PATH", "NEXTGPT_API_KEY", "NEXTGPT_S3_ENDPOINT", "NEXTGPT_S3_ACCESS_KEY",
        "NEXTGPT_S3_SECRET_KEY", "QUARKUS_HTTP_PORT", "QUARKUS_SHUTDOWN_TIMEOUT", "KAFKA_BOOTSTRAP_SERVERS",
        "JAVA_OPTS")) {
      assertEquals(Optional.empty(), c.unknown("gateway", known), known);
    }
    Optional<String> unknown = c.unknown("gateway", "NEXTGPT_GATEWAY_MAX_UPLOAD");
    assertTrue(unknown.isPresent());
    assertTrue(unknown.get().contains("gateway knows no property for NEXTGPT_GATEWAY_MAX_UPLOAD"), unknown.get());
  }

  @Test
  void aModuleNotInTheTreeIsSkipped() {
    ServiceConfigs c = ServiceConfigs.of(Map.of("gateway", PROPS), List.of());
    assertFalse(c.present("video-decoder-service"));
    assertEquals(Optional.empty(), c.unknown("video-decoder-service", "ANYTHING"));
  }

  @Test
  void theComposeCheckReportsAVariableTheServiceDoesNotKnow(@TempDir Path root) throws Exception {
    // a fake llm-service module that knows everything but the object store's region
    Path res = Files.createDirectories(root.resolve("llm-service/src/main/resources"));
    Files.writeString(res.resolve("application.properties"), """
        nextgpt.bundle.path=models/nano
        nextgpt.s3.endpoint=http://127.0.0.1:9000
        nextgpt.s3.bucket=nextgpt
        nextgpt.s3.access-key=nextgpt
        nextgpt.s3.secret-key=secret
        """);
    ServiceConfigs configs = ServiceConfigs.scan(root, List.of("llm-service", "gateway"));
    assertTrue(configs.present("llm-service"));
    assertFalse(configs.present("gateway"));
    List<String> problems = new ManifestConsistency(ContractsView.current(), Repo.ports(), configs)
        .checkCompose("docker-compose.yml", Repo.compose());
    assertTrue(problems.stream().anyMatch(p -> p.contains("llm-service: docker-compose.yml set NEXTGPT_S3_REGION")
        && p.contains("llm-service knows no property for NEXTGPT_S3_REGION")), problems.toString());
    assertTrue(problems.stream().noneMatch(p -> p.contains("NEXTGPT_S3_ENDPOINT")), problems.toString());
    assertTrue(problems.stream().noneMatch(p -> p.startsWith("docker-compose.yml: gateway")), problems.toString());
  }

  @Test
  void kebabCaseIsSmallRyesMethodNaming() {
    assertEquals("access-key", ServiceConfigs.kebab("accessKey"));
    assertEquals("max-batch-size", ServiceConfigs.kebab("maxBatchSize"));
    assertTrue(ServiceConfigs.mappingEnv(S3_MAPPING).contains("NEXTGPT_S3_ACCESS_KEY"));
  }
}
