package dev.nextgpt.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What each service module of the repository knows as configuration, in environment-variable form, so the
 * consistency check can prove that every variable the manifests set reaches a property: the keys of its
 * {@code src/main/resources/application.properties} (all profiles), variables those values reference
 * ({@code ${NEXTGPT_API_KEY}}), the properties of every {@code @ConfigMapping} in the repository's sources (a
 * library such as object-store may declare {@code nextgpt.s3}), and the framework properties every Quarkus
 * service has. A module that is not in the repository yet is reported as skipped.
 */
public final class ServiceConfigs {
  private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern METHOD = Pattern.compile("\\b([a-z][A-Za-z0-9]*)\\s*\\(\\s*\\)\\s*;");
  private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

  private final Map<String, Set<String>> knownByModule;
  private final Set<String> mappingEnv;

  private ServiceConfigs(Map<String, Set<String>> knownByModule, Set<String> mappingEnv) {
    this.knownByModule = knownByModule;
    this.mappingEnv = mappingEnv;
  }

  /** Reads the service modules that exist under {@code root}, among {@code services}. */
  public static ServiceConfigs scan(Path root, List<String> services) throws IOException {
    Map<String, Set<String>> known = new TreeMap<>();
    for (String s : services) {
      Path props = root.resolve(s).resolve("src/main/resources/application.properties");
      if (Files.isRegularFile(props)) {
        known.put(s, fromProperties(Files.readString(props)));
      }
    }
    return new ServiceConfigs(known, configMappings(root));
  }

  /** For tests: one module's application.properties text and the @ConfigMapping sources the repository has. */
  public static ServiceConfigs of(Map<String, String> propertiesByModule, List<String> mappingSources) {
    Map<String, Set<String>> known = new TreeMap<>();
    propertiesByModule.forEach((m, text) -> known.put(m, fromProperties(text)));
    Set<String> env = new HashSet<>();
    mappingSources.forEach(src -> env.addAll(mappingEnv(src)));
    return new ServiceConfigs(known, env);
  }

  public static ServiceConfigs none() {
    return new ServiceConfigs(Map.of(), Set.of());
  }

  /** Whether the module is in the repository (and so is checked). */
  public boolean present(String service) {
    return knownByModule.containsKey(service);
  }

  public List<String> presentModules() {
    return List.copyOf(knownByModule.keySet());
  }

  /**
   * Empty when the service knows the variable (or the module is absent), else the reason it does not.
   */
  public Optional<String> unknown(String service, String envVar) {
    Set<String> known = knownByModule.get(service);
    if (known == null || known.contains(envVar) || mappingEnv.contains(envVar)
        || Conventions.NOT_SERVICE_PROPERTIES.contains(envVar)
        || Conventions.FRAMEWORK_PROPERTIES.stream().map(Conventions::envName).anyMatch(envVar::equals)) {
      return Optional.empty();
    }
    return Optional.of(service + " knows no property for " + envVar + " (not in its application.properties, not"
        + " referenced there as ${" + envVar + "}, not in any @ConfigMapping of the repository)");
  }

  private static Set<String> fromProperties(String text) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Set<String> env = new HashSet<>();
    for (String key : p.stringPropertyNames()) {
      String k = key.startsWith("%") && key.indexOf('.') > 0 ? key.substring(key.indexOf('.') + 1) : key;
      env.add(Conventions.envName(k));
      Matcher m = REFERENCE.matcher(p.getProperty(key));
      while (m.find()) {
        env.add(m.group(1));
      }
    }
    return env;
  }

  private static Set<String> configMappings(Path root) throws IOException {
    Set<String> env = new HashSet<>();
    List<Path> sources = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(Files::isDirectory).toList()) {
        Path java = module.resolve("src/main/java");
        if (Files.isDirectory(java)) {
          try (Stream<Path> walk = Files.walk(java)) {
            walk.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
          }
        }
      }
    }
    for (Path f : sources) {
      String src = Files.readString(f);
      if (src.contains("@ConfigMapping")) {
        env.addAll(mappingEnv(src));
      }
    }
    return env;
  }

  /** prefix.method and prefix.group.method for every method (and @WithName) of a @ConfigMapping source file. */
  static Set<String> mappingEnv(String src) {
    Set<String> env = new HashSet<>();
    Matcher pm = MAPPING.matcher(src);
    List<String> names = new ArrayList<>();
    Matcher mm = METHOD.matcher(src);
    while (mm.find()) {
      names.add(kebab(mm.group(1)));
    }
    Matcher wm = WITH_NAME.matcher(src);
    while (wm.find()) {
      names.add(wm.group(1));
    }
    while (pm.find()) {
      String prefix = pm.group(1);
      for (String a : names) {
        env.add(Conventions.envName(prefix + "." + a));
        for (String b : names) {
          env.add(Conventions.envName(prefix + "." + a + "." + b));
        }
      }
    }
    return env;
  }

  /** SmallRye Config's default naming of a mapping method: accessKey → access-key. */
  static String kebab(String method) {
    return method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
