package dev.nextgpt.platform.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs scripts/infra-test.sh: the real processes of `./nextgpt up`'s infrastructure (Kafka broker and s3proxy from
 * Maven Central jars) go up on free loopback ports, carry a record and an object, and go down leaving nothing.
 */
class InfraScriptTest {
  @Test
  void infraScriptStartsServesAndStopsRealKafkaAndS3() throws Exception {
    Path root = Path.of(System.getProperty("nextgpt.repo.root", "..")).toAbsolutePath().normalize();
    Path script = root.resolve("scripts/infra-test.sh");
    assumeTrue(Files.isExecutable(script), "scripts/infra-test.sh not found under " + root);
    for (String tool : new String[] {"bash", "curl", "ss", "mvn"}) {
      assumeTrue(onPath(tool), tool + " is not installed");
    }
    Path log = Files.createTempFile("infra-test", ".log");
    Process process = new ProcessBuilder("bash", script.toString()).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      process.destroy(); // the script's exit trap runs `infra.sh down`
      process.waitFor(60, TimeUnit.SECONDS);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    assertTrue(finished, "infra-test.sh did not finish in 5 minutes:\n" + output);
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("13 passed, 0 failed"), output);
  }

  private static boolean onPath(String tool) throws IOException, InterruptedException {
    return new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0;
  }
}
