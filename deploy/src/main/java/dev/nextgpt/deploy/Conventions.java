package dev.nextgpt.deploy;

import java.util.List;

/**
 * The environment variables the deploy files set, by the configuration conventions of {@code docs/services.md}
 * (the consistency test reads that table and compares), plus the few the images and init steps read.
 */
public final class Conventions {
  private Conventions() {}

  // docs/services.md, "Configuration conventions"
  public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
  public static final String S3_ENDPOINT = "NEXTGPT_S3_ENDPOINT";
  public static final String S3_REGION = "NEXTGPT_S3_REGION";
  public static final String S3_BUCKET = "NEXTGPT_S3_BUCKET";
  public static final String S3_ACCESS_KEY = "NEXTGPT_S3_ACCESS_KEY";
  public static final String S3_SECRET_KEY = "NEXTGPT_S3_SECRET_KEY";
  public static final String BUNDLE_PATH = "NEXTGPT_BUNDLE_PATH";
  public static final String HTTP_PORT = "QUARKUS_HTTP_PORT";
  public static final String HTTP_HOST = "QUARKUS_HTTP_HOST";
  /** Services bind 127.0.0.1 by default (local processes); in a container they must listen on every interface. */
  public static final String CONTAINER_HTTP_HOST = "0.0.0.0";
  public static final String API_KEY = "NEXTGPT_API_KEY";

  /** The table's variables, in its order. */
  public static final List<String> TABLE = List.of(KAFKA_BOOTSTRAP_SERVERS, S3_ENDPOINT, S3_REGION, S3_BUCKET,
      S3_ACCESS_KEY, S3_SECRET_KEY, BUNDLE_PATH, HTTP_PORT, HTTP_HOST, API_KEY);

  // Quarkus' own property: how long a stopping service may finish in-flight work (below the grace period)
  public static final String SHUTDOWN_TIMEOUT = "QUARKUS_SHUTDOWN_TIMEOUT";
  // model-runtime's TorchRuntime reads NEXTGPT_DEVICE (cpu, gpu, gpu1…)
  public static final String DEVICE = "NEXTGPT_DEVICE";
  // the image's entrypoint (deploy/docker/entrypoint.sh)
  public static final String JAVA_OPTS = "JAVA_OPTS";

  // bundle-fetch (deploy/docker/bundle-fetch.sh), the init step; not read by the services
  public static final String BUNDLE_URL = "NEXTGPT_BUNDLE_URL";
  public static final String BUNDLE_EXCLUDE = "NEXTGPT_BUNDLE_EXCLUDE";

  /** Variables a service container gets that are not properties of the service's own configuration. */
  public static final List<String> NOT_SERVICE_PROPERTIES = List.of(JAVA_OPTS, DEVICE);

  /** Quarkus or SmallRye properties every Quarkus service knows without declaring them. */
  public static final List<String> FRAMEWORK_PROPERTIES = List.of("quarkus.http.port", "quarkus.http.host", "quarkus.shutdown.timeout",
      "kafka.bootstrap.servers");

  /** Quarkus' mapping of a property name to its environment variable: upper case, non-alphanumerics to '_'. */
  public static String envName(String property) {
    return property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
