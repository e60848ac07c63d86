package dev.nextgpt.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.nextgpt.runtime.testing.NanoBundle;
import dev.nextgpt.runtime.testing.ReferenceTensors;
import dev.nextgpt.runtime.testing.RepoPaths;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every component of the nano bundle, run by DJL's libtorch, gives the outputs the Python tooling recorded with
 * torch on the same inputs ({@code models/reference/nano/<component>.safetensors}).
 * Tolerance: max |java − python| ≤ 1e-4 × max(1, max |python|) per output.
 */
class ComponentParityTest {
    static final double RELATIVE_TOLERANCE = 1e-4;

    static Stream<String> components() {
        return ComponentNames.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("components")
    void javaOutputsEqualPythonReferenceOutputs(String component) {
        var file = RepoPaths.reference(component + ".safetensors");
        assertTrue(Files.isRegularFile(file), "reference tensors missing for " + component + ": " + file);
        ModelBundle bundle = NanoBundle.get();
        try (NDManager scope = bundle.newScope()) {
            Map<String, NDArray> ref = ReferenceTensors.read(scope, file);
            NDList inputs = new NDList();
            for (int i = 0; ref.containsKey("input." + i); i++) {
                inputs.add(ref.get("input." + i));
            }
            NDList outputs = bundle.component(component).forward(inputs);
            for (int i = 0; ref.containsKey("output." + i); i++) {
                NDArray expected = ref.get("output." + i);
                float scale = Math.max(1f, expected.abs().max().getFloat());
                float diff = ReferenceTensors.maxAbsDiff(expected, outputs.get(i));
                assertTrue(diff <= RELATIVE_TOLERANCE * scale,
                        component + " output " + i + ": max abs diff " + diff + " > " + RELATIVE_TOLERANCE * scale);
            }
        }
    }
}
