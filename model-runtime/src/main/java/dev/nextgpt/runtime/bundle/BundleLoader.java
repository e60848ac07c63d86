package dev.nextgpt.runtime.bundle;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.contracts.Modality;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way to open a model bundle: reads {@code bundle.json}, refuses an unknown format version, verifies the
 * size and sha256 of every file it is going to use, loads the requested components with DJL's PyTorch engine and
 * checks (and thereby warms up) each against its tensor contract.
 */
public final class BundleLoader {
    private static final Logger LOG = LoggerFactory.getLogger(BundleLoader.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private BundleLoader() {}

    /** Reads and validates only the manifest (no checksums, no models). */
    public static BundleManifest readManifest(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BundleException(dir + ": bundle folder does not exist");
        }
        Path file = dir.resolve("bundle.json");
        if (!Files.isRegularFile(file)) {
            throw new BundleException(file + ": missing (not a model bundle)");
        }
        BundleManifest manifest;
        try {
            manifest = JSON.readValue(file.toFile(), BundleManifest.class);
        } catch (JsonProcessingException e) {
            throw new BundleException(file + ": not a valid manifest: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BundleException(file + ": cannot be read: " + e.getMessage(), e);
        }
        if (!BundleManifest.FORMAT.equals(manifest.format())) {
            throw new BundleException(file + ": format is '" + manifest.format() + "', expected '" + BundleManifest.FORMAT + "'");
        }
        if (manifest.formatVersion() != BundleManifest.FORMAT_VERSION) {
            throw new BundleException(file + ": unknown format version " + manifest.formatVersion()
                    + " (this runtime reads version " + BundleManifest.FORMAT_VERSION + ")");
        }
        require(manifest.files(), file, "files");
        require(manifest.tokenizer(), file, "tokenizer");
        require(manifest.signalTokens(), file, "signal_tokens");
        require(manifest.llm(), file, "llm");
        require(manifest.encoders(), file, "encoders");
        require(manifest.decoders(), file, "decoders");
        require(manifest.components(), file, "components");
        for (Modality m : Modality.values()) {
            manifest.signalGroup(m);
            manifest.decoder(m);
        }
        return manifest;
    }

    /** Loads every component of the contract. */
    public static ModelBundle loadAll(Path dir) {
        return load(dir, ComponentNames.all());
    }

    /** Loads the named components (and verifies the tokenizer), on {@link TorchRuntime#device()}. */
    public static ModelBundle load(Path dir, Collection<String> componentNames) {
        long started = System.nanoTime();
        BundleManifest manifest = readManifest(dir);
        Set<String> names = new LinkedHashSet<>(componentNames);
        List<String> files = new ArrayList<>();
        files.add(manifest.tokenizer().file());
        for (String name : names) {
            ComponentSpec spec = manifest.component(name);
            if (spec.file() == null || spec.inputs() == null || spec.outputs() == null) {
                throw new BundleException(dir.resolve("bundle.json") + ": component '" + name + "' needs file, inputs and outputs");
            }
            files.add(spec.file());
        }
        for (String f : files) {
            verifyFile(dir, manifest, f);
        }

        Device device = TorchRuntime.device();
        TorchRuntime.engine();
        NDManager manager = NDManager.newBaseManager(device, TorchRuntime.ENGINE);
        Map<String, Component> components = new LinkedHashMap<>();
        try {
            for (String name : names) {
                Component component = loadComponent(dir, name, manifest.component(name), device);
                components.put(name, component);
                component.checkContract(contractDims(manifest, name), manager);
            }
        } catch (RuntimeException e) {
            components.values().forEach(Component::close);
            manager.close();
            throw e;
        }
        LOG.info("bundle '{}' loaded from {}: {} components on {} in {} ms", manifest.name(), dir, components.size(),
                device, (System.nanoTime() - started) / 1_000_000);
        return new ModelBundle(dir, manifest, components, manager);
    }

    /** The values given to symbolic dims for the load-time contract check. */
    static Map<String, Long> contractDims(BundleManifest manifest, String component) {
        Map<String, Long> dims = new LinkedHashMap<>();
        dims.put("B", 2L);
        dims.put("T", 3L);
        dims.put("P", 2L);
        dims.put("N", 4L);
        dims.put("S", 16L);
        for (Modality m : Modality.values()) {
            if (component.equals(ComponentNames.outputProjection(m))) {
                dims.put("N", (long) manifest.signalGroup(m).count());
            }
            if (component.startsWith("decoder." + m.wireName() + ".")) {
                long[] ids = manifest.decoder(m).negativePromptIds();
                if (ids != null) {
                    dims.put("S", (long) ids.length);
                }
            }
        }
        return dims;
    }

    private static Component loadComponent(Path dir, String name, ComponentSpec spec, Device device) {
        Model model = Model.newInstance(name, device, TorchRuntime.ENGINE);
        try {
            model.load(dir, spec.file(), Map.of("mapLocation", "true"));
            return new Component(name, spec, model);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new BundleException(dir.resolve(spec.file()) + ": component '" + name
                    + "' is not a loadable TorchScript module: " + e.getMessage(), e);
        }
    }

    private static void verifyFile(Path dir, BundleManifest manifest, String fileName) {
        Path file = dir.resolve(fileName).normalize();
        if (!file.startsWith(dir.normalize())) {
            throw new BundleException(dir.resolve("bundle.json") + ": file '" + fileName + "' points outside the bundle");
        }
        BundleManifest.FileEntry entry = manifest.files().get(fileName);
        if (entry == null || entry.sha256() == null) {
            throw new BundleException(dir.resolve("bundle.json") + ": file '" + fileName + "' has no checksum in 'files'");
        }
        if (!Files.isRegularFile(file)) {
            throw new BundleException(file + ": missing (listed in bundle.json)");
        }
        try {
            long size = Files.size(file);
            if (size != entry.bytes()) {
                throw new BundleException(file + ": size mismatch: bundle.json says " + entry.bytes() + " bytes, file has " + size);
            }
            String actual = sha256(file);
            if (!actual.equalsIgnoreCase(entry.sha256())) {
                throw new BundleException(file + ": checksum mismatch: bundle.json says sha256 " + entry.sha256()
                        + ", file has " + actual);
            }
        } catch (IOException e) {
            throw new BundleException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Hex sha256 of a file. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // digest while reading
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void require(Object section, Path file, String name) {
        if (section == null) {
            throw new BundleException(file + ": missing section '" + name + "'");
        }
    }
}
