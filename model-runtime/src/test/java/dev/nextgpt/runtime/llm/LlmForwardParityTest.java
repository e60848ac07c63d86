package dev.nextgpt.runtime.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.nextgpt.runtime.testing.ReferenceTensors;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code llm.embed} and {@code llm.forward} in DJL against the Python outputs on the same inputs. */
class LlmForwardParityTest {
    static final float TOLERANCE = 1e-4f;

    @Test
    void embedMatchesTheReference() {
        LlmModel model = new LlmModel(LlmTestSupport.tier().bundle());
        try (NDManager m = LlmTestSupport.tier().bundle().newScope()) {
            Map<String, NDArray> ref = LlmTestSupport.referenceTensors(m, "llm.embed.safetensors");
            NDArray out = model.embed.forward(ref.get("input.0"));
            float diff = ReferenceTensors.maxAbsDiff(ref.get("output.0"), out);
            System.out.printf("llm.embed parity: max |diff| %.3g%n", diff);
            assertTrue(diff <= TOLERANCE, "llm.embed differs by " + diff);
        }
    }

    @Test
    void forwardWithACacheMatchesTheReference() {
        LlmModel model = new LlmModel(LlmTestSupport.tier().bundle());
        try (NDManager m = LlmTestSupport.tier().bundle().newScope()) {
            Map<String, NDArray> ref = LlmTestSupport.referenceTensors(m, "llm.forward.safetensors");
            assertEquals(3, ref.get("input.3").getShape().get(4), "the reference runs with a cache of 3 positions");
            NDList out = model.forward.forward(new NDList(ref.get("input.0"), ref.get("input.1"), ref.get("input.2"),
                    ref.get("input.3")));
            String[] names = {"logits", "hidden", "present"};
            StringBuilder report = new StringBuilder("llm.forward parity:");
            for (int i = 0; i < 3; i++) {
                float diff = ReferenceTensors.maxAbsDiff(ref.get("output." + i), out.get(i));
                report.append(String.format(" %s max |diff| %.3g", names[i], diff));
                assertTrue(diff <= TOLERANCE, names[i] + " differs by " + diff);
            }
            System.out.println(report);
        }
    }
}
