package dev.nextgpt.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The repository under test and what the tests read from it. */
final class Repo {
  private Repo() {}

  static Path root() {
    Path root = Path.of(System.getProperty("nextgpt.repo.root", "..")).toAbsolutePath().normalize();
    if (!Files.exists(root.resolve("deploy/services.yaml"))) {
      root = Path.of("..").toAbsolutePath().normalize();
    }
    return root;
  }

  static Plan plan(ContractsView contracts) throws IOException {
    return Plan.load(root(), contracts);
  }

  static Map<String, Integer> ports() throws IOException {
    return RepositoryConventions.launcherPorts(root());
  }

  static ManifestConsistency checker(ContractsView contracts) throws IOException {
    return new ManifestConsistency(contracts, ports(),
        ServiceConfigs.scan(root(), contracts.groups().stream().map(ContractsView.Group::serviceName).toList()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> compose() throws IOException {
    return (Map<String, Object>) YamlText.read(Files.readString(root().resolve(ComposeRenderer.FILE))).get(0);
  }

  /** Every overlay folder under k8s/overlays, by name. */
  static Map<String, Path> overlays() throws IOException {
    Map<String, Path> overlays = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(root().resolve(KubernetesRenderer.OVERLAYS))) {
      dirs.filter(Files::isDirectory).forEach(d -> overlays.put(d.getFileName().toString(), d));
    }
    assertTrue(overlays.keySet().containsAll(List.of("cpu-nano", "gpu")), overlays.keySet().toString());
    return overlays;
  }

  static List<Object> rendered(Path overlay) throws Exception {
    assertTrue(Kustomize.available(), "kubectl is needed to render the overlays (kubectl kustomize)");
    return Kustomize.render(overlay);
  }
}
