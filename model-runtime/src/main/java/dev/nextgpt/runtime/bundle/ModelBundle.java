package dev.nextgpt.runtime.bundle;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A loaded model bundle: its manifest, its verified components, and the long-lived NDManager that holds what is
 * computed once at load (negative conditioning, signal-token embeddings). Requests use {@link #newScope()}.
 */
public final class ModelBundle implements AutoCloseable {
    private final Path dir;
    private final BundleManifest manifest;
    private final Map<String, Component> components;
    private final NDManager manager;

    ModelBundle(Path dir, BundleManifest manifest, Map<String, Component> components, NDManager manager) {
        this.dir = dir;
        this.manifest = manifest;
        this.components = Map.copyOf(components);
        this.manager = manager;
    }

    public Path dir() {
        return dir;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    /** The loaded component, or a {@link BundleException} saying it was not loaded. */
    public Component component(String name) {
        Component c = components.get(name);
        if (c == null) {
            throw new BundleException("component '" + name + "' was not loaded from " + dir + " (loaded: " + components.keySet() + ")");
        }
        return c;
    }

    public boolean has(String name) {
        return components.containsKey(name);
    }

    public Set<String> componentNames() {
        return components.keySet();
    }

    /** The path of a file of the bundle (already verified if it belongs to a loaded component or the tokenizer). */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** The bundle-lifetime manager; arrays made here live until {@link #close()}. */
    public NDManager manager() {
        return manager;
    }

    /** A per-request scope on the bundle's device: close it to free every array made for the request. */
    public NDManager newScope() {
        return manager.newSubManager();
    }

    @Override
    public void close() {
        components.values().forEach(Component::close);
        manager.close();
    }
}
