package dev.nextgpt.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** {@code deploy/services.yaml}, typed: the one description of the deployment that every generated file comes from. */
public record Descriptor(
    Images images,
    String namespace,
    ObjectStore objectStore,
    Map<Overlay, String> bundleNames,
    String bundleMount,
    String kafkaCluster,
    Map<Overlay, KafkaSize> kafkaSizes,
    List<ServiceSpec> services) {

  public static final Path DEFAULT_LOCATION = Path.of("deploy", "services.yaml");

  /** The two overlays: everything on CPU with the nano bundle, or on GPUs with the real bundle. */
  public enum Overlay {
    CPU_NANO("cpu-nano"),
    GPU("gpu");

    private final String id;

    Overlay(String id) {
      this.id = id;
    }

    /** The overlay's folder name under {@code k8s/overlays/} and its key in services.yaml. */
    public String id() {
      return id;
    }
  }

  /** Image coordinates; service images are {@code <registry>/<service>:<tag>-<variant>}. */
  public record Images(String registry, String tag, String kafka, String minio, String mc) {
    public String service(String name, String variant) {
      return registry + "/" + name + ":" + tag + "-" + variant;
    }

    public String serviceRepository(String name) {
      return registry + "/" + name;
    }
  }

  public record ObjectStore(String bucket, String region, int claimsExpireDays) {}

  /** Kafka size per overlay: brokers, topic replication factor, min in-sync replicas, broker storage. */
  public record KafkaSize(int brokers, int replicas, int minInsync, String storage) {
    public boolean ephemeral() {
      return "ephemeral".equals(storage);
    }
  }

  /** How a service scales: {@code hpa} on CPU (gateway) or {@code keda} on the consumer lag of its input topics. */
  public record Scaling(String kind, int min, int max, int cpuUtilization, int lagThreshold,
      int activationLagThreshold, int scaleDownStabilizationSeconds, int cooldownSeconds) {
    public boolean keda() {
      return "keda".equals(kind);
    }
  }

  /** Requests and limits of one container in one overlay; {@code gpus} > 0 asks for {@code nvidia.com/gpu}. */
  public record Resources(String cpu, String memory, String cpuLimit, String memoryLimit, int gpus,
      int minGpuMemoryMiB) {}

  /** One service: name (= its module and its ConsumerGroup's service name), port, group, GPU, scaling, resources. */
  public record ServiceSpec(String name, int port, String consumerGroup, boolean gpu, int shutdownGraceSeconds,
      List<String> bundleExclude, Scaling scaling, Map<Overlay, Resources> resources) {
    /** Model services load a bundle; the gateway does not. */
    public boolean loadsBundle() {
      return gpu;
    }

    public Resources resources(Overlay overlay) {
      return resources.get(overlay);
    }
  }

  public ServiceSpec service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service '" + name + "' in services.yaml"));
  }

  public static Descriptor load(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /** Parses and checks the descriptor; an error names the file and the key. */
  @SuppressWarnings("unchecked")
  public static Descriptor parse(String text, String source) {
    Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    Node r = new Node(root, source);
    Node img = r.map("images");
    Images images = new Images(img.str("registry"), img.str("tag"), img.str("kafka"), img.str("minio"), img.str("mc"));
    Node os = r.map("objectStore");
    ObjectStore objectStore = new ObjectStore(os.str("bucket"), os.str("region"), os.integer("claimsExpireDays"));
    Node b = r.map("bundles");
    Map<Overlay, String> bundleNames = new LinkedHashMap<>();
    Map<Overlay, KafkaSize> kafkaSizes = new LinkedHashMap<>();
    Node k = r.map("kafka");
    for (Overlay o : Overlay.values()) {
      bundleNames.put(o, b.str(o.id()));
      Node ks = k.map(o.id());
      kafkaSizes.put(o, new KafkaSize(ks.integer("brokers"), ks.integer("replicas"), ks.integer("minInsync"),
          ks.str("storage")));
    }
    List<ServiceSpec> services = new ArrayList<>();
    Node svcs = r.map("services");
    for (String name : svcs.keys()) {
      Node s = svcs.map(name).only("port", "consumerGroup", "gpu", "shutdownGraceSeconds", "bundleExclude", "scaling",
          "resources");
      Node sc = s.map("scaling").only("kind", "min", "max", "cpuUtilization", "lagThreshold", "activationLagThreshold",
          "scaleDownStabilizationSeconds", "cooldownSeconds");
      Scaling scaling = new Scaling(sc.str("kind"), sc.integer("min"), sc.integer("max"),
          sc.integerOr("cpuUtilization", 0), sc.integerOr("lagThreshold", 0), sc.integerOr("activationLagThreshold", 0),
          sc.integer("scaleDownStabilizationSeconds"), sc.integerOr("cooldownSeconds", 300));
      if (!scaling.keda() && !"hpa".equals(scaling.kind())) {
        throw s.error("scaling.kind", "must be keda or hpa, was " + scaling.kind());
      }
      if (scaling.min() < 0 || scaling.max() < Math.max(1, scaling.min())) {
        throw s.error("scaling", "needs 0 <= min <= max and max >= 1");
      }
      Map<Overlay, Resources> resources = new LinkedHashMap<>();
      Node res = s.map("resources");
      for (Overlay o : Overlay.values()) {
        Node ro = res.map(o.id()).only("cpu", "memory", "cpuLimit", "memoryLimit", "gpus", "minGpuMemoryMiB");
        resources.put(o, new Resources(ro.str("cpu"), ro.str("memory"), ro.str("cpuLimit"), ro.str("memoryLimit"),
            ro.integerOr("gpus", 0), ro.integerOr("minGpuMemoryMiB", 0)));
      }
      List<String> exclude = s.has("bundleExclude") ? (List<String>) s.raw("bundleExclude") : List.of();
      services.add(new ServiceSpec(name, s.integer("port"), s.str("consumerGroup"), s.bool("gpu"),
          s.integer("shutdownGraceSeconds"), List.copyOf(exclude), scaling, resources));
    }
    Node bundles = r.map("bundles");
    return new Descriptor(images, r.str("namespace"), objectStore, bundleNames, bundles.strOr("mount", "/bundles"),
        k.str("cluster"), kafkaSizes, List.copyOf(services));
  }

  /** A map node of the YAML with the path to it, for error messages. */
  private record Node(Map<String, Object> map, String path) {
    Node {
      if (map == null) {
        throw new IllegalArgumentException(path + ": missing");
      }
    }

    /** Refuses keys other than these: a misspelt key must not be silently ignored. */
    Node only(String... allowed) {
      for (String k : map.keySet()) {
        if (!List.of(allowed).contains(k)) {
          throw error(k, "unknown key (expected one of " + String.join(", ", allowed) + ")");
        }
      }
      return this;
    }

    boolean has(String key) {
      return map.containsKey(key);
    }

    Object raw(String key) {
      if (!map.containsKey(key)) {
        throw error(key, "missing");
      }
      return map.get(key);
    }

    List<String> keys() {
      return List.copyOf(map.keySet());
    }

    @SuppressWarnings("unchecked")
    Node map(String key) {
      Object v = raw(key);
      if (!(v instanceof Map)) {
        throw error(key, "must be a mapping");
      }
      return new Node((Map<String, Object>) v, path + "." + key);
    }

    String str(String key) {
      Object v = raw(key);
      if (v == null || v instanceof Map || v instanceof List) {
        throw error(key, "must be a scalar");
      }
      return String.valueOf(v);
    }

    String strOr(String key, String otherwise) {
      return has(key) ? str(key) : otherwise;
    }

    int integer(String key) {
      Object v = raw(key);
      if (!(v instanceof Integer i)) {
        throw error(key, "must be an integer, was " + v);
      }
      return i;
    }

    int integerOr(String key, int otherwise) {
      return has(key) ? integer(key) : otherwise;
    }

    boolean bool(String key) {
      Object v = raw(key);
      if (!(v instanceof Boolean bo)) {
        throw error(key, "must be true or false");
      }
      return bo;
    }

    IllegalArgumentException error(String key, String problem) {
      return new IllegalArgumentException(path + "." + key + ": " + problem);
    }
  }
}
