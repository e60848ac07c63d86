package dev.nextgpt.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A server runtime (Kafka, s3proxy) in its own class loader. Its parent is the JDK's platform loader, so neither
 * the test's class path (Quarkus' Kafka client, Jackson, JUnit…) leaks in nor the runtime's jars leak out. The jars
 * come from a {@code *.classpath} resource written at build time (absolute paths into the local Maven repository);
 * the small adapter classes in {@code isolated/} are defined inside the loader from this library's own bytes.
 */
final class IsolatedRuntime {
  private static final String ADAPTER_PACKAGE = "dev.nextgpt.platform.testing.isolated.";

  private final String name;
  private final IsolatingClassLoader loader;

  private IsolatedRuntime(String name, IsolatingClassLoader loader) {
    this.name = name;
    this.loader = loader;
  }

  /** Opens the runtime listed in {@code <resource>.classpath} next to this class. */
  static IsolatedRuntime open(String name) {
    String resource = name + ".classpath";
    String listing;
    try (InputStream in = IsolatedRuntime.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from platform-testing; build it with Maven "
            + "(generate-resources writes it)");
      }
      listing = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
    List<URL> urls = new ArrayList<>();
    for (String entry : listing.split(java.io.File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(name + ": " + jar + " is missing; rebuild platform-testing so that Maven "
            + "downloads it again");
      }
      try {
        urls.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalStateException(e);
      }
    }
    return new IsolatedRuntime(name, new IsolatingClassLoader(name, urls.toArray(URL[]::new)));
  }

  /** Creates an adapter ({@code isolated.<simpleName>}) with the given constructor arguments (JDK types only). */
  Object create(String simpleName, Class<?>[] types, Object... args) {
    return inRuntime(() -> {
      Class<?> type = Class.forName(ADAPTER_PACKAGE + simpleName, true, loader);
      Constructor<?> constructor = type.getConstructor(types);
      return constructor.newInstance(args);
    });
  }

  /** Calls a public method of an adapter (JDK types only). */
  Object call(Object adapter, String method, Class<?>[] types, Object... args) {
    return inRuntime(() -> {
      Method m = adapter.getClass().getMethod(method, types);
      return m.invoke(adapter, args);
    });
  }

  /** Runs with the runtime's loader as context loader: Kafka and Jetty look classes up through it. */
  private <T> T inRuntime(Callable<T> action) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return action.call();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(name + ": " + cause, cause);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(name + ": " + e, e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** Platform parent; adapter classes defined from the host's resources; everything else from the listed jars. */
  private static final class IsolatingClassLoader extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    IsolatingClassLoader(String name, URL[] jars) {
      super(name, jars, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String className) throws ClassNotFoundException {
      if (className.startsWith(ADAPTER_PACKAGE)) {
        String path = className.replace('.', '/') + ".class";
        try (InputStream in = IsolatedRuntime.class.getClassLoader().getResourceAsStream(path)) {
          if (in == null) {
            throw new ClassNotFoundException(className);
          }
          byte[] bytes = in.readAllBytes();
          return defineClass(className, bytes, 0, bytes.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(className, e);
        }
      }
      return super.findClass(className);
    }

    /**
     * Kafka logs through slf4j-simple, s3proxy through logback; this library's settings for both come first so the
     * runtimes only print warnings and errors (the fat jar's own logback.xml logs every request).
     */
    @Override
    public URL findResource(String resourceName) {
      if (resourceName.equals("simplelogger.properties")) {
        return IsolatedRuntime.class.getResource("isolated-simplelogger.properties");
      }
      if (resourceName.equals("logback.xml")) {
        return IsolatedRuntime.class.getResource("isolated-logback.xml");
      }
      return super.findResource(resourceName);
    }
  }
}
