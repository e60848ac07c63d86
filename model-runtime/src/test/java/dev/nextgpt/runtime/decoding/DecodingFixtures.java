package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.bundle.BundleManifest;
import dev.nextgpt.runtime.bundle.ModelBundle;
import dev.nextgpt.runtime.testing.NanoBundle;
import dev.nextgpt.runtime.testing.ReferenceTensors;
import dev.nextgpt.runtime.testing.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** Shared test state: the nano bundle (once per JVM), one decoder per modality, reference files. */
final class DecodingFixtures {
    private static final Map<Modality, ModalityDecoder> DECODERS = new EnumMap<>(Modality.class);

    private DecodingFixtures() {}

    static ModelBundle bundle() {
        return NanoBundle.get();
    }

    static synchronized ModalityDecoder decoder(Modality m) {
        return DECODERS.computeIfAbsent(m, k -> new ModalityDecoder(bundle(), k));
    }

    static BundleManifest manifest() {
        return bundle().manifest();
    }

    static Map<String, NDArray> reference(NDManager manager, String file) {
        return ReferenceTensors.read(manager, RepoPaths.reference(file));
    }

    /** The {@code __metadata__} of a safetensors file. */
    static Map<String, String> metadata(String file) {
        try {
            byte[] bytes = Files.readAllBytes(RepoPaths.reference(file));
            long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            Map<String, Object> json = new ObjectMapper().readValue(header, new TypeReference<Map<String, Object>>() {});
            @SuppressWarnings("unchecked")
            Map<String, String> meta = (Map<String, String>) json.get("__metadata__");
            return meta == null ? Map.of() : meta;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path referencePath(String file) {
        return RepoPaths.reference(file);
    }

    /** Row {@code i} of a reference {@code [B,N,H]} array as a signal group of modality {@code m}. */
    static SignalGroup signalGroup(Modality m, NDArray signalHidden, int i) {
        BundleManifest.SignalGroupSpec spec = manifest().signalGroup(m);
        int[] ids = new int[spec.count()];
        for (int k = 0; k < ids.length; k++) {
            ids[k] = spec.firstId() + k;
        }
        float[] hidden = signalHidden.get(i).toFloatArray();
        return new SignalGroup(m, ids, (int) signalHidden.getShape().get(2), hidden, false);
    }

    /** A deterministic synthetic signal group (values of a seeded normal × scale). */
    static SignalGroup syntheticGroup(Modality m, long seed, float scale) {
        BundleManifest.SignalGroupSpec spec = manifest().signalGroup(m);
        int hidden = manifest().llm().hiddenSize();
        int[] ids = new int[spec.count()];
        for (int k = 0; k < ids.length; k++) {
            ids[k] = spec.firstId() + k;
        }
        float[] values = SeededNoise.gaussian(seed, ids.length * hidden);
        for (int k = 0; k < values.length; k++) {
            values[k] *= scale;
        }
        return new SignalGroup(m, ids, hidden, values, false);
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
