package dev.nextgpt.contracts;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A topic as the platform creates it: name, default partition count and topic-level configs. */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
  public TopicSpec {
    if (name == null || !Topics.NAME.matcher(name).matches()) {
      throw new ContractViolation("topic name '" + name + "' is not a valid Kafka topic name");
    }
    if (partitions < 1) {
      throw new ContractViolation("topic " + name + ": partitions must be >= 1, was " + partitions);
    }
    configs = Map.copyOf(configs);
  }

  /** Whether records are compacted by key instead of deleted by age. */
  public boolean compacted() {
    return "compact".equals(configs.get("cleanup.policy"));
  }

  /** One line: {@code name partitions key=value,key=value} (configs sorted; "-" when none). */
  public String toLine() {
    String cfg = configs.isEmpty() ? "-"
        : new TreeMap<>(configs).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
    return name + " " + partitions + " " + cfg;
  }
}
