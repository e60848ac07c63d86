package dev.nextgpt.platform.testing.isolated;

import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * An s3proxy server over an in-memory ({@code transient-nio2}) or on-disk ({@code filesystem-nio2}) blob store.
 * Loaded only inside the s3proxy runtime's class loader; {@code S3Server} calls it reflectively.
 */
public final class S3ProxyNode implements AutoCloseable {
  private final S3Proxy proxy;
  private final BlobStore store;

  public S3ProxyNode(Map<String, String> settings) throws Exception {
    Properties properties = new Properties();
    properties.putAll(settings);
    store = BlobStores.create(properties.getProperty("jclouds.provider"), properties);
    proxy = S3Proxy.Builder.fromProperties(properties).blobStore(store).build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        proxy.stop();
        throw new IllegalStateException("s3proxy did not start within 30 s (state " + proxy.getState() + ")");
      }
      Thread.sleep(10);
    }
  }

  public int port() {
    return proxy.getPort();
  }

  public void createBucket(String name) {
    if (!store.containerExists(name)) {
      store.createContainer(name);
    }
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
