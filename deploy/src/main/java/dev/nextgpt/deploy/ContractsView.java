package dev.nextgpt.deploy;

import dev.nextgpt.contracts.ConsumerGroup;
import dev.nextgpt.contracts.TopicSpec;
import dev.nextgpt.contracts.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the deploy files take from nextgpt-contracts: every topic ({@link Topics#all()}) and every consumer group
 * ({@link ConsumerGroup}). {@link #current()} reads the real registry; tests derive renamed views from it to prove
 * that a name changed in one place only is caught.
 */
public record ContractsView(List<TopicSpec> topics, List<Group> groups, String controlTopic) {

  /** A consumer group: the enum constant, the service it belongs to, its {@code group.id}, what it consumes. */
  public record Group(String constant, String serviceName, String groupId, List<String> consumes) {}

  public static ContractsView current() {
    List<Group> groups = Arrays.stream(ConsumerGroup.values())
        .map(g -> new Group(g.name(), g.serviceName(), g.groupId(), List.copyOf(g.consumes())))
        .toList();
    return new ContractsView(Topics.all(), groups, Topics.JOBS_CONTROL);
  }

  public Group group(String constant) {
    return groups.stream().filter(g -> g.constant().equals(constant)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no ConsumerGroup." + constant + " in nextgpt-contracts"));
  }

  public TopicSpec topic(String name) {
    return topics.stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no topic " + name + " in Topics.all()"));
  }

  /** The view as it would be after renaming topic {@code from} in the contracts (dead-letter names follow). */
  public ContractsView withTopicRenamed(String from, String to) {
    List<TopicSpec> renamed = new ArrayList<>();
    for (TopicSpec t : topics) {
      String name = t.name().equals(from) ? to
          : t.name().startsWith(from + Topics.DEAD_LETTER_INFIX) ? to + t.name().substring(from.length()) : t.name();
      renamed.add(new TopicSpec(name, t.partitions(), Map.copyOf(t.configs())));
    }
    List<Group> gs = groups.stream().map(g -> new Group(g.constant(), g.serviceName(), g.groupId(),
        g.consumes().stream().map(c -> c.equals(from) ? to : c).toList())).toList();
    return new ContractsView(renamed, gs, controlTopic.equals(from) ? to : controlTopic);
  }

  /** The view as it would be after changing one group's {@code group.id} in the contracts. */
  public ContractsView withGroupIdChanged(String constant, String groupId) {
    group(constant);
    List<Group> gs = groups.stream().map(g -> g.constant().equals(constant)
        ? new Group(g.constant(), g.serviceName(), groupId, g.consumes()) : g).toList();
    return new ContractsView(topics, gs, controlTopic);
  }
}
