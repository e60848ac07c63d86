package dev.nextgpt.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The conventions as the rest of the repository states them: the launcher's ports, docs/services.md's table. */
public final class RepositoryConventions {
  private RepositoryConventions() {}

  /** {@code ./nextgpt}'s {@code SERVICES=(name:port …)}: the ports {@code ./nextgpt up} starts the services on. */
  public static Map<String, Integer> launcherPorts(Path root) throws IOException {
    Matcher m = Pattern.compile("(?m)^SERVICES=\\(([^)]*)\\)").matcher(Files.readString(root.resolve("nextgpt")));
    if (!m.find()) {
      throw new IllegalStateException("./nextgpt has no SERVICES=(…) line");
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String entry : m.group(1).trim().split("\\s+")) {
      String[] p = entry.split(":");
      ports.put(p[0], Integer.parseInt(p[1]));
    }
    return ports;
  }

  /** docs/services.md's line "Ports (HTTP, health, metrics): gateway 8080, encoder 8091, …" (short names). */
  public static Map<String, Integer> documentedPorts(Path root) throws IOException {
    Matcher line = Pattern.compile("(?m)^Ports \\([^)]*\\): (.*)$").matcher(docs(root));
    if (!line.find()) {
      throw new IllegalStateException("docs/services.md has no 'Ports (…):' line");
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    Matcher m = Pattern.compile("([a-z]+) (\\d+)").matcher(line.group(1));
    while (m.find()) {
      ports.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    return ports;
  }

  /** The environment variables of docs/services.md's configuration conventions table, in its order. */
  public static List<String> documentedEnv(Path root) throws IOException {
    String doc = docs(root);
    int start = doc.indexOf("## Configuration conventions");
    if (start < 0) {
      throw new IllegalStateException("docs/services.md has no '## Configuration conventions'");
    }
    List<String> env = new ArrayList<>();
    for (String row : doc.substring(start).lines().filter(l -> l.startsWith("|")).toList()) {
      String[] cells = row.split("\\|");
      if (cells.length < 4) {
        continue;
      }
      Matcher m = Pattern.compile("`([A-Z][A-Z0-9_]+)`").matcher(cells[3]);
      while (m.find()) {
        env.add(m.group(1));
      }
    }
    return env;
  }

  private static String docs(Path root) throws IOException {
    return Files.readString(root.resolve("docs/services.md"));
  }
}
