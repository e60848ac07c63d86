package dev.nextgpt.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/** Builds YAML documents as ordered maps and lists, and writes them the way the generated files read. */
public final class YamlText {
  private YamlText() {}

  /** An ordered mapping from alternating keys and values; null values are left out. */
  public static Map<String, Object> map(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("map() needs key/value pairs");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        m.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return m;
  }

  /** A list; null elements are left out. */
  public static List<Object> list(Object... items) {
    List<Object> l = new ArrayList<>();
    for (Object o : items) {
      if (o != null) {
        l.add(o);
      }
    }
    return l;
  }

  /** The documents as one YAML stream under a comment header (one {@code #} line per header line). */
  public static String write(String header, List<?> documents) {
    StringBuilder out = new StringBuilder();
    header.lines().forEach(l -> out.append(l.isEmpty() ? "#" : "# " + l).append('\n'));
    Yaml yaml = dumper();
    boolean first = true;
    for (Object doc : documents) {
      if (!first) {
        out.append("---\n");
      }
      first = false;
      out.append(yaml.dump(fresh(doc)));
    }
    return out.toString();
  }

  /** Parses a YAML stream into its documents (maps, lists, scalars). */
  public static List<Object> read(String text) {
    List<Object> docs = new ArrayList<>();
    for (Object d : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
      if (d != null) {
        docs.add(d);
      }
    }
    return docs;
  }

  private static Yaml dumper() {
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndent(2);
    o.setIndicatorIndent(2);
    o.setIndentWithIndicator(true);
    o.setWidth(4096);
    o.setSplitLines(false);
    Representer r = new Representer(o) {
      @Override
      protected Node representScalar(Tag tag, String value, DumperOptions.ScalarStyle style) {
        // scripts stay readable: multi-line strings as literal blocks
        if (Tag.STR.equals(tag) && value.contains("\n") && style == DumperOptions.ScalarStyle.PLAIN) {
          style = DumperOptions.ScalarStyle.LITERAL;
        }
        return super.representScalar(tag, value, style);
      }
    };
    return new Yaml(r, o);
  }

  /** A deep copy, so that a value used twice is written twice instead of as a YAML anchor and alias. */
  @SuppressWarnings("unchecked")
  static Object fresh(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> c = new LinkedHashMap<>();
      m.forEach((k, v) -> c.put((String) k, fresh(v)));
      return c;
    }
    if (o instanceof List<?> l) {
      List<Object> c = new ArrayList<>();
      l.forEach(v -> c.add(fresh(v)));
      return c;
    }
    return o;
  }
}
