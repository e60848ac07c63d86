import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Used by scripts/infra.sh (run as a single-file program on the Kafka jars): waits for the broker, then creates the
 * topics listed on standard input, one "name partitions key=value,…|-" per line (the output of
 * dev.nextgpt.contracts.Topics). Topics that exist are left as they are. One JVM for all topics keeps `up` fast.
 *
 *   java -cp 'infra/target/kafka/libs/*' infra/KafkaTopics.java <bootstrap> <timeout seconds> < topics.txt
 */
public class KafkaTopics {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    List<NewTopic> topics = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.trim().split(" ");
        Map<String, String> configs = new HashMap<>();
        if (f.length > 2 && !f[2].equals("-")) {
          for (String kv : f[2].split(",")) {
            configs.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
          }
        }
        topics.add(new NewTopic(f[0], Integer.parseInt(f[1]), (short) 1).configs(configs));
      }
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    try (Admin admin = Admin.create(props)) {
      Exception last = null;
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            break;
          }
        } catch (Exception e) {
          last = e;
        }
        if (System.nanoTime() > deadline) {
          System.err.println("kafka: no broker answered at " + bootstrap + " in time: " + last);
          System.exit(3);
        }
        Thread.sleep(200);
      }
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
      var results = admin.createTopics(missing).values();
      for (var e : results.entrySet()) {
        try {
          e.getValue().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw ex;
          }
        }
      }
      System.out.println("kafka: " + topics.size() + " topics ready (" + missing.size() + " created)");
    }
  }
}
