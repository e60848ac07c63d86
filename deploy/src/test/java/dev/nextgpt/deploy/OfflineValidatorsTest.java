package dev.nextgpt.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Runs deploy/validate.sh: docker-compose config, kubectl kustomize of every overlay, the schema check. */
class OfflineValidatorsTest {
  @Test
  void composeAndEveryOverlayPassTheRealValidators() throws Exception {
    Assumptions.assumeFalse(Boolean.getBoolean("nextgpt.deploy.skipValidation"), "-DskipDeployValidation");
    Process p = new ProcessBuilder("bash", Repo.root().resolve("deploy/validate.sh").toString())
        .directory(Repo.root().toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    System.out.println(out);
    assertEquals(0, done ? p.exitValue() : -1, out);
  }
}
