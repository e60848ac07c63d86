package dev.nextgpt.deploy;

import dev.nextgpt.contracts.TopicSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proves that the deploy files as users run them (docker-compose.yml as written, each overlay as kustomize renders
 * it) name the same topics, partitions, consumer groups, ports and environment variables as the contracts and the
 * configuration conventions. It reads the manifests, not the generator's inputs, so a name changed in one place
 * only (a topic renamed in nextgpt-contracts without regenerating, a hand edit of one overlay) is reported.
 */
public final class ManifestConsistency {
  /** Variables a service container may get: the conventions table plus the shutdown timeout, device, JVM options. */
  public static final Set<String> SERVICE_ENV = Set.copyOf(new LinkedHashSet<>(concat(Conventions.TABLE,
      List.of(Conventions.SHUTDOWN_TIMEOUT, Conventions.DEVICE, Conventions.JAVA_OPTS))));
  private static final String GATEWAY = "GATEWAY";
  private static final Pattern TOPIC_LINE = Pattern.compile("--topic (\\S+) --partitions (\\d+)");
  private static final Pattern TOPIC_CONFIG = Pattern.compile("--config (\\S+?)=(\\S+)");

  private final ContractsView contracts;
  private final Map<String, Integer> ports;
  private final ServiceConfigs configs;

  /**
   * @param ports the HTTP port of each service by the conventions ({@code ./nextgpt}'s SERVICES, docs/services.md)
   */
  public ManifestConsistency(ContractsView contracts, Map<String, Integer> ports, ServiceConfigs configs) {
    this.contracts = contracts;
    this.ports = ports;
    this.configs = configs;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }

  // ------------------------------------------------------------------------------------------------ compose

  /** Problems of docker-compose.yml, each starting with {@code source}. */
  @SuppressWarnings("unchecked")
  public List<String> checkCompose(String source, Map<String, Object> compose) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> services = (Map<String, Object>) compose.getOrDefault("services", Map.of());

    // topics: the init container creates exactly Topics.all(), with at least the contract's partitions and configs
    Map<String, Integer> created = new HashMap<>();
    Map<String, Map<String, String>> createdConfigs = new HashMap<>();
    services.values().forEach(s -> {
      String cmd = String.valueOf(((Map<String, Object>) s).get("command"));
      if (cmd.contains("kafka-topics.sh")) {
        for (String line : cmd.split("\\\\n|\n")) {
          Matcher m = TOPIC_LINE.matcher(line);
          if (m.find()) {
            created.put(m.group(1), Integer.parseInt(m.group(2)));
            Map<String, String> cfg = new HashMap<>();
            Matcher c = TOPIC_CONFIG.matcher(line);
            while (c.find()) {
              cfg.put(c.group(1), c.group(2).replaceAll("[,\\]]+$", ""));
            }
            createdConfigs.put(m.group(1), cfg);
          }
        }
      }
    });
    compareTopics(source + ": topic init", created, createdConfigs, Map.of(), problems);

    String kafkaAddress = null;
    for (Map.Entry<String, Object> e : services.entrySet()) {
      Map<String, Object> env = envOf(e.getValue());
      Object advertised = env.get("KAFKA_ADVERTISED_LISTENERS");
      if (advertised != null) {
        Matcher m = Pattern.compile("PLAINTEXT://([^,]+)").matcher(String.valueOf(advertised));
        if (m.find()) {
          kafkaAddress = m.group(1);
        }
      }
    }
    for (ContractsView.Group g : contracts.groups()) {
      String name = g.serviceName();
      if (!services.containsKey(name)) {
        problems.add(source + ": no service " + name + " (ConsumerGroup." + g.constant() + ")");
        continue;
      }
      for (String variant : List.of(name, name + ComposeRenderer.CPU_SUFFIX)) {
        if (!services.containsKey(variant)) {
          continue;
        }
        Map<String, Object> svc = (Map<String, Object>) services.get(variant);
        Map<String, Object> raw = envOf(svc);
        Map<String, String> env = new HashMap<>();
        raw.forEach((k, v) -> env.put(k, String.valueOf(v)));
        String where = source + ": " + variant;
        checkServiceEnv(where, name, g, env.keySet(), "docker-compose.yml", problems);
        expect(where, Conventions.HTTP_PORT, String.valueOf(ports.get(name)), env.get(Conventions.HTTP_PORT), problems);
        expect(where, Conventions.HTTP_HOST, Conventions.CONTAINER_HTTP_HOST, env.get(Conventions.HTTP_HOST), problems);
        if (kafkaAddress != null) {
          expect(where, Conventions.KAFKA_BOOTSTRAP_SERVERS, kafkaAddress, env.get(Conventions.KAFKA_BOOTSTRAP_SERVERS),
              problems);
        }
        String health = String.valueOf(((Map<String, Object>) svc.getOrDefault("healthcheck", Map.of())).get("test"));
        if (!health.contains(":" + ports.get(name) + "/q/health/ready")) {
          problems.add(where + ": healthcheck does not probe /q/health/ready on port " + ports.get(name) + ": " + health);
        }
        String bundle = env.get(Conventions.BUNDLE_PATH);
        if (bundle != null) {
          String mounts = String.valueOf(svc.get("volumes"));
          String prefix = bundle.contains("/") ? bundle.substring(0, bundle.indexOf('/', 1) > 0
              ? bundle.indexOf('/', 1) : bundle.length()) : bundle;
          if (!mounts.contains(":" + prefix)) {
            problems.add(where + ": " + Conventions.BUNDLE_PATH + "=" + bundle + " is on no mounted volume " + mounts);
          }
        }
      }
    }
    return problems;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> envOf(Object service) {
    Object env = ((Map<String, Object>) service).get("environment");
    if (env instanceof Map) {
      return (Map<String, Object>) env;
    }
    Map<String, Object> m = new HashMap<>();
    if (env instanceof List<?> l) {
      for (Object o : l) {
        String s = String.valueOf(o);
        int eq = s.indexOf('=');
        m.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return m;
  }

  // ------------------------------------------------------------------------------------------------ kubernetes

  /** Problems of one rendered overlay ({@code kubectl kustomize} output), each starting with {@code source}. */
  public List<String> checkKubernetes(String source, List<Object> documents) {
    List<String> problems = new ArrayList<>();
    List<Res> docs = documents.stream().filter(Map.class::isInstance).map(Res::new).toList();

    // the Kafka cluster and where clients reach it
    Res kafka = docs.stream().filter(r -> r.kind().equals("Kafka")).findFirst().orElse(null);
    String bootstrap = null;
    if (kafka == null) {
      problems.add(source + ": no Strimzi Kafka resource");
    } else {
      Object port = null;
      for (Object l : kafka.list("spec.kafka.listeners")) {
        if (!Boolean.TRUE.equals(new Res(l).get("tls"))) {
          port = new Res(l).get("port");
        }
      }
      bootstrap = kafka.name() + "-kafka-bootstrap." + kafka.namespace() + ".svc:" + port;
    }
    Res config = docs.stream().filter(r -> r.kind().equals("ConfigMap") && r.name().equals(Plan.CONFIG_MAP))
        .findFirst().orElse(null);
    if (config == null) {
      problems.add(source + ": no ConfigMap " + Plan.CONFIG_MAP);
    } else if (bootstrap != null) {
      expect(source + ": ConfigMap " + Plan.CONFIG_MAP, Conventions.KAFKA_BOOTSTRAP_SERVERS, bootstrap,
          config.str("data." + Conventions.KAFKA_BOOTSTRAP_SERVERS), problems);
    }

    // replica bounds per Deployment, from its ScaledObject or HPA
    Map<String, Integer> maxReplicas = new HashMap<>();
    for (Res r : docs) {
      if (r.kind().equals("ScaledObject")) {
        maxReplicas.put(r.str("spec.scaleTargetRef.name"), r.integer("spec.maxReplicaCount"));
      } else if (r.kind().equals("HorizontalPodAutoscaler")) {
        maxReplicas.put(r.str("spec.scaleTargetRef.name"), r.integer("spec.maxReplicas"));
      }
    }
    Map<String, Integer> minPartitions = new HashMap<>();
    for (ContractsView.Group g : contracts.groups()) {
      for (String t : g.consumes()) {
        minPartitions.merge(t, maxReplicas.getOrDefault(g.serviceName(), 1), Math::max);
      }
    }

    // topics: a KafkaTopic per contract topic, partitions ≥ consumers' max replicas, contract configs, this cluster
    Map<String, Integer> partitions = new HashMap<>();
    Map<String, Map<String, String>> topicConfigs = new HashMap<>();
    for (Res t : docs) {
      if (!t.kind().equals("KafkaTopic")) {
        continue;
      }
      String name = Objects.requireNonNullElse(t.str("spec.topicName"), t.name());
      partitions.put(name, t.integer("spec.partitions"));
      Map<String, String> cfg = new HashMap<>();
      t.map("spec.config").forEach((k, v) -> cfg.put(k, String.valueOf(v)));
      topicConfigs.put(name, cfg);
      if (kafka != null && !kafka.name().equals(t.str("metadata.labels.strimzi\\.io/cluster"))) {
        problems.add(source + ": KafkaTopic " + name + " belongs to cluster "
            + t.str("metadata.labels.strimzi\\.io/cluster") + ", not " + kafka.name());
      }
    }
    compareTopics(source + ": KafkaTopics", partitions, topicConfigs, minPartitions, problems);

    // every kafka trigger names a contract topic and the group that consumes it
    Set<String> topicNames = new TreeSet<>();
    contracts.topics().forEach(t -> topicNames.add(t.name()));
    for (Res so : docs) {
      if (!so.kind().equals("ScaledObject")) {
        continue;
      }
      String target = so.str("spec.scaleTargetRef.name");
      ContractsView.Group g = contracts.groups().stream().filter(x -> x.serviceName().equals(target)).findFirst()
          .orElse(null);
      String where = source + ": ScaledObject " + so.name();
      if (g == null) {
        problems.add(where + ": scales " + target + ", which is no service of ConsumerGroup");
        continue;
      }
      Set<String> triggered = new TreeSet<>();
      for (Object tr : so.list("spec.triggers")) {
        Res trigger = new Res(tr);
        if (!"kafka".equals(trigger.str("type"))) {
          continue;
        }
        String topic = trigger.str("metadata.topic");
        triggered.add(topic);
        if (!topicNames.contains(topic)) {
          problems.add(where + ": trigger topic " + topic + " is not in Topics.all()");
        }
        expect(where, "consumerGroup", g.groupId(), trigger.str("metadata.consumerGroup"), problems);
        if (bootstrap != null) {
          expect(where, "bootstrapServers", bootstrap, trigger.str("metadata.bootstrapServers"), problems);
        }
        for (String key : List.of("lagThreshold", "activationLagThreshold")) {
          String v = trigger.str("metadata." + key);
          if (v == null || !v.matches("\\d+")) {
            problems.add(where + ": trigger on " + topic + " has no numeric " + key + " (" + v + ")");
          }
        }
      }
      if (!triggered.equals(new TreeSet<>(g.consumes()))) {
        problems.add(where + ": triggers on " + triggered + ", but ConsumerGroup." + g.constant() + " ("
            + g.groupId() + ") consumes " + new TreeSet<>(g.consumes()));
      }
    }

    // each service: a Deployment with its port, probes, env; a Service; autoscaling
    for (ContractsView.Group g : contracts.groups()) {
      String name = g.serviceName();
      Res dep = find(docs, "Deployment", name);
      if (dep == null) {
        problems.add(source + ": no Deployment " + name + " (ConsumerGroup." + g.constant() + ")");
        continue;
      }
      String where = source + ": Deployment " + name;
      Res container = dep.list("spec.template.spec.containers").stream().map(Res::new)
          .filter(c -> name.equals(c.str("name"))).findFirst().orElse(null);
      if (container == null) {
        problems.add(where + ": no container named " + name);
        continue;
      }
      Integer port = ports.get(name);
      Integer httpPort = null;
      for (Object p : container.list("ports")) {
        if ("http".equals(new Res(p).str("name"))) {
          httpPort = new Res(p).integer("containerPort");
        }
      }
      expect(where, "container port http", String.valueOf(port), String.valueOf(httpPort), problems);
      expect(where, "readinessProbe", "/q/health/ready", container.str("readinessProbe.httpGet.path"), problems);
      expect(where, "livenessProbe", "/q/health/live", container.str("livenessProbe.httpGet.path"), problems);
      Map<String, String> env = new HashMap<>();
      for (Object e : container.list("env")) {
        Res var = new Res(e);
        String value = var.str("value");
        if (value == null) {
          value = resolveRef(source, where, var, docs, problems);
        }
        env.put(var.str("name"), value);
      }
      checkServiceEnv(where, name, g, env.keySet(), "the manifests", problems);
      expect(where, Conventions.HTTP_PORT, String.valueOf(port), env.get(Conventions.HTTP_PORT), problems);
      expect(where, Conventions.HTTP_HOST, Conventions.CONTAINER_HTTP_HOST, env.get(Conventions.HTTP_HOST), problems);
      Res svc = find(docs, "Service", name);
      if (svc == null) {
        problems.add(source + ": no Service " + name);
      } else {
        Object target = svc.list("spec.ports").stream().map(Res::new).map(p -> p.get("targetPort")).findFirst()
            .orElse(null);
        if (!"http".equals(target) && !String.valueOf(port).equals(String.valueOf(target))) {
          problems.add(source + ": Service " + name + " targets " + target + ", not the http port " + port);
        }
      }
      if (!g.constant().equals(GATEWAY) && find(docs, "ScaledObject", name) == null) {
        problems.add(source + ": no ScaledObject for " + name + " (it consumes " + g.consumes() + ")");
      }
      if (find(docs, "PodDisruptionBudget", name) == null) {
        problems.add(source + ": no PodDisruptionBudget for " + name);
      }
      // a stop must leave the service time to finish its batch: Quarkus' timeout inside the grace period
      Integer grace = dep.integer("spec.template.spec.terminationGracePeriodSeconds");
      String timeout = env.get(Conventions.SHUTDOWN_TIMEOUT);
      if (grace == null || timeout == null || !timeout.matches("\\d+s")
          || Integer.parseInt(timeout.replace("s", "")) >= grace) {
        problems.add(where + ": " + Conventions.SHUTDOWN_TIMEOUT + " (" + timeout
            + ") must be set and below terminationGracePeriodSeconds (" + grace + ")");
      }
    }
    if (find(docs, "HorizontalPodAutoscaler", contracts.group(GATEWAY).serviceName()) == null) {
      problems.add(source + ": no HorizontalPodAutoscaler for the gateway");
    }
    return problems;
  }

  private static Res find(List<Res> docs, String kind, String name) {
    return docs.stream().filter(r -> r.kind().equals(kind) && name.equals(r.name())).findFirst().orElse(null);
  }

  /** The value a configMapKeyRef / secretKeyRef resolves to, or a problem when the map or key is missing. */
  private static String resolveRef(String source, String where, Res var, List<Res> docs, List<String> problems) {
    for (String kind : List.of("ConfigMap", "Secret")) {
      String refPath = "valueFrom." + (kind.equals("ConfigMap") ? "configMapKeyRef" : "secretKeyRef");
      String mapName = var.str(refPath + ".name");
      if (mapName == null) {
        continue;
      }
      String key = var.str(refPath + ".key");
      Res m = find(docs, kind, mapName);
      if (m == null) {
        problems.add(where + ": " + var.str("name") + " refers to " + kind + " " + mapName + ", which " + source
            + " does not have");
        return null;
      }
      Map<String, Object> data = new HashMap<>(m.map("data"));
      data.putAll(m.map("stringData"));
      if (!data.containsKey(key)) {
        problems.add(where + ": " + var.str("name") + " refers to key " + key + " of " + kind + " " + mapName
            + ", which has no such key");
        return null;
      }
      return String.valueOf(data.get(key));
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------------ shared

  private void compareTopics(String where, Map<String, Integer> partitions, Map<String, Map<String, String>> configs,
      Map<String, Integer> minPartitions, List<String> problems) {
    Set<String> expected = new TreeSet<>();
    for (TopicSpec t : contracts.topics()) {
      expected.add(t.name());
      Integer p = partitions.get(t.name());
      if (p == null) {
        problems.add(where + ": topic " + t.name() + " of Topics.all() is missing");
        continue;
      }
      int min = Math.max(t.partitions(), minPartitions.getOrDefault(t.name(), 0));
      if (p < min) {
        problems.add(where + ": topic " + t.name() + " has " + p + " partitions, needs at least " + min
            + " (contract default, consumers' max replicas)");
      }
      for (Map.Entry<String, String> c : t.configs().entrySet()) {
        if (!c.getValue().equals(configs.getOrDefault(t.name(), Map.of()).get(c.getKey()))) {
          problems.add(where + ": topic " + t.name() + " lacks " + c.getKey() + "=" + c.getValue());
        }
      }
    }
    for (String name : new TreeSet<>(partitions.keySet())) {
      if (!expected.contains(name)) {
        problems.add(where + ": topic " + name + " is not in Topics.all()");
      }
    }
  }

  private void checkServiceEnv(String where, String service, ContractsView.Group g, Set<String> names, String setBy,
      List<String> problems) {
    for (String n : new TreeSet<>(names)) {
      if (!SERVICE_ENV.contains(n)) {
        problems.add(where + ": sets " + n + ", which is not a configuration convention (docs/services.md)");
      }
      configs.unknown(service, n).ifPresent(reason -> problems.add(where + ": " + setBy + " set " + n + ", but "
          + reason));
    }
    List<String> required = new ArrayList<>(List.of(Conventions.KAFKA_BOOTSTRAP_SERVERS, Conventions.S3_ENDPOINT,
        Conventions.S3_REGION, Conventions.S3_BUCKET, Conventions.S3_ACCESS_KEY, Conventions.S3_SECRET_KEY,
        Conventions.HTTP_PORT));
    required.add(g.constant().equals(GATEWAY) ? Conventions.API_KEY : Conventions.BUNDLE_PATH);
    for (String r : required) {
      if (!names.contains(r)) {
        problems.add(where + ": does not set " + r);
      }
    }
  }

  private static void expect(String where, String what, String expected, String actual, List<String> problems) {
    if (!Objects.equals(expected, actual)) {
      problems.add(where + ": " + what + " is " + actual + ", expected " + expected);
    }
  }

  /** A parsed resource (or any YAML mapping) with dotted-path access; {@code \\.} escapes a dot in a key. */
  private record Res(Map<String, Object> m) {
    @SuppressWarnings("unchecked")
    Res(Object o) {
      this((Map<String, Object>) o);
    }

    Object get(String path) {
      Object cur = m;
      for (String part : path.split("(?<!\\\\)\\.")) {
        if (!(cur instanceof Map<?, ?> map)) {
          return null;
        }
        cur = map.get(part.replace("\\.", "."));
      }
      return cur;
    }

    String str(String path) {
      Object v = get(path);
      return v == null ? null : String.valueOf(v);
    }

    Integer integer(String path) {
      Object v = get(path);
      return v instanceof Integer i ? i : v == null ? null : Integer.valueOf(String.valueOf(v));
    }

    List<?> list(String path) {
      Object v = get(path);
      return v instanceof List<?> l ? l : List.of();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(String path) {
      Object v = get(path);
      return v instanceof Map<?, ?> ? (Map<String, Object>) v : Map.of();
    }

    String kind() {
      return String.valueOf(m.get("kind"));
    }

    String name() {
      return str("metadata.name");
    }

    String namespace() {
      return str("metadata.namespace");
    }
  }
}
