package dev.nextgpt.platform.testing;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real S3-compatible server (s3proxy 4.1.0) inside the test JVM, on loopback at a free port, with an in-memory
 * ({@code transient-nio2}) store and AWS signature checks on (V2 or V4, as the MinIO SDK signs). It runs in its own
 * class loader, so its Jetty 12, Jackson, Guava and logging never meet the test's.
 */
public final class S3Server implements AutoCloseable {
  /** The region the server answers for; give it to clients that sign requests (the MinIO SDK does). */
  public static final String REGION = "us-east-1";
  private static S3Server shared;

  private final IsolatedRuntime runtime;
  private final Object node;
  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;
  private boolean closed;

  private S3Server(IsolatedRuntime runtime, Object node, String accessKey, String secretKey) {
    this.runtime = runtime;
    this.node = node;
    int port = (Integer) runtime.call(node, "port", new Class<?>[0]);
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** Starts a server with generated credentials. */
  public static S3Server start() {
    return start(Map.of());
  }

  /** Starts a server; {@code settings} adds or overrides s3proxy properties (e.g. {@code s3proxy.identity}). */
  public static S3Server start(Map<String, String> settings) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("jclouds.provider", "transient-nio2");
    all.put("jclouds.identity", "local");
    all.put("jclouds.credential", "local");
    all.put("s3proxy.endpoint", "http://127.0.0.1:0");
    all.put("s3proxy.authorization", "aws-v2-or-v4");
    all.put("s3proxy.identity", "test-" + Long.toHexString(System.nanoTime()));
    all.put("s3proxy.credential", java.util.UUID.randomUUID().toString());
    all.put("s3proxy.jetty.max-threads", "16");
    all.putAll(settings);
    IsolatedRuntime runtime = IsolatedRuntime.open("s3proxy-runtime");
    Object node = runtime.create("S3ProxyNode", new Class<?>[] {Map.class}, all);
    return new S3Server(runtime, node, all.get("s3proxy.identity"), all.get("s3proxy.credential"));
  }

  /** One server for the whole JVM, started on first use and stopped when the JVM exits. */
  public static synchronized S3Server shared() {
    if (shared == null) {
      S3Server server = start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "nextgpt-s3-server-shutdown"));
      shared = server;
    }
    return shared;
  }

  /** The endpoint URL, e.g. {@code http://127.0.0.1:40124}. */
  public URI endpoint() {
    return endpoint;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** Creates a bucket unless it exists. */
  public void createBucket(String name) {
    runtime.call(node, "createBucket", new Class<?>[] {String.class}, name);
  }

  /** Stops the server; its in-memory objects are gone. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      runtime.call(node, "close", new Class<?>[0]);
    }
  }
}
