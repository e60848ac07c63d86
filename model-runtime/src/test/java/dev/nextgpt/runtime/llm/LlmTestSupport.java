package dev.nextgpt.runtime.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.runtime.testing.NanoBundle;
import dev.nextgpt.runtime.testing.ReferenceTensors;
import dev.nextgpt.runtime.testing.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Shared fixtures of the LLM-tier tests: one {@link LlmTier} on the nano bundle per JVM, reference files. */
final class LlmTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    private static LlmTier tier;

    private LlmTestSupport() {}

    static synchronized LlmTier tier() {
        if (tier == null) {
            tier = new LlmTier(NanoBundle.get());
        }
        return tier;
    }

    static JsonNode referenceJson(String file) {
        try {
            return JSON.readTree(RepoPaths.reference(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, NDArray> referenceTensors(NDManager manager, String file) {
        return ReferenceTensors.read(manager, RepoPaths.reference(file));
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + b.length + " != expected " + a.length);
        }
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            float d = Math.abs(a[i] - b[i]);
            if (!(d <= max)) {
                max = Float.isNaN(d) ? Float.NaN : d;
                if (Float.isNaN(d)) {
                    return d;
                }
            }
        }
        return max;
    }
}
