package dev.nextgpt.runtime.decoding;

import dev.nextgpt.runtime.testing.ReferenceTensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.bundle.ComponentNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link OutputProjection} from signal groups equals the Python reference (the component-level parity of every
 * decoding component is in {@code bundle.ComponentParityTest}). Tolerance: {@value #TOLERANCE} max abs.
 */
class OutputProjectionParityTest {
    static final float TOLERANCE = 1e-4f;

    /** The diffusion references hold real signal-token embeddings (rows of llm.embed); the component ones random inputs. */
    @ParameterizedTest
    @EnumSource(Modality.class)
    void outputProjectionFromSignalGroupsMatchesItsReference(Modality m) {
        OutputProjection projection = DecodingFixtures.decoder(m).projection();
        try (NDManager scope = DecodingFixtures.bundle().newScope()) {
            Map<String, NDArray> ref = DecodingFixtures.reference(scope, "diffusion." + m.wireName() + ".ddim.safetensors");
            NDArray hidden = ref.get("signal_hidden");
            NDArray embeds = ref.get("signal_embeds");
            // the embeddings computed once at construction are the rows of llm.embed the reference used
            for (int b = 0; b < embeds.getShape().get(0); b++) {
                float e = ReferenceTensors.maxAbsDiff(embeds.get("{}:{}", b, b + 1), projection.signalEmbeddings());
                assertTrue(e < 1e-6f, "signal embeddings differ by " + e);
            }
            List<SignalGroup> groups = new ArrayList<>();
            for (int b = 0; b < hidden.getShape().get(0); b++) {
                groups.add(DecodingFixtures.signalGroup(m, hidden, b));
            }
            NDArray conditioning = projection.project(scope, groups);
            float diff = ReferenceTensors.maxAbsDiff(ref.get("conditioning"), conditioning);
            System.out.printf("parity %-32s max abs %.3g%n", "OutputProjection." + m.wireName(), diff);
            assertTrue(diff < TOLERANCE, "max abs " + diff);
            assertEquals(scope, conditioning.getManager(), "the conditioning belongs to the request scope");
        }
    }
}
