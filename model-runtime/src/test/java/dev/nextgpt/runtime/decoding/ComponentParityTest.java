package dev.nextgpt.runtime.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.nextgpt.runtime.Modality;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.bundle.ComponentNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each decoding component against the tensors the Python tooling wrote ({@code <component>.safetensors}:
 * {@code input.N} / {@code output.N}). Tolerance: {@value #TOLERANCE} max abs (TorchScript from torch 1.13 run by
 * libtorch 2.7.1; differences are float32 rounding).
 */
class ComponentParityTest {
    static final float TOLERANCE = 1e-4f;

    private static float runAgainstReference(String component) {
        try (NDManager scope = DecodingFixtures.bundle().newScope()) {
            Map<String, NDArray> ref = DecodingFixtures.reference(scope, component + ".safetensors");
            NDList inputs = new NDList();
            for (int i = 0; ref.containsKey("input." + i); i++) {
                inputs.add(ref.get("input." + i));
            }
            NDList outputs = DecodingFixtures.bundle().component(component).forward(inputs);
            float worst = 0;
            for (int i = 0; ref.containsKey("output." + i); i++) {
                worst = Math.max(worst, ReferenceDiff.of(ref.get("output." + i), outputs.get(i)));
            }
            System.out.printf("parity %-32s max abs %.3g%n", component, worst);
            return worst;
        }
    }

    @ParameterizedTest
    @EnumSource(Modality.class)
    void outputProjectionComponentMatchesItsReference(Modality m) {
        float diff = runAgainstReference(ComponentNames.outputProjection(m));
        assertTrue(diff < TOLERANCE, "max abs " + diff);
    }

    /** The diffusion references hold real signal-token embeddings (rows of llm.embed); the component ones random inputs. */
    @ParameterizedTest
    @EnumSource(Modality.class)
    void outputProjectionFromSignalGroupsMatchesItsReference(Modality m) {
        OutputProjection projection = DecodingFixtures.decoder(m).projection();
        try (NDManager scope = DecodingFixtures.bundle().newScope()) {
            Map<String, NDArray> ref = DecodingFixtures.reference(scope, "diffusion." + m.key() + ".ddim.safetensors");
            NDArray hidden = ref.get("signal_hidden");
            NDArray embeds = ref.get("signal_embeds");
            // the embeddings computed once at construction are the rows of llm.embed the reference used
            for (int b = 0; b < embeds.getShape().get(0); b++) {
                float e = ReferenceDiff.of(embeds.get("{}:{}", b, b + 1), projection.signalEmbeddings());
                assertTrue(e < 1e-6f, "signal embeddings differ by " + e);
            }
            List<SignalGroup> groups = new ArrayList<>();
            for (int b = 0; b < hidden.getShape().get(0); b++) {
                groups.add(DecodingFixtures.signalGroup(m, hidden, b));
            }
            NDArray conditioning = projection.project(scope, groups);
            float diff = ReferenceDiff.of(ref.get("conditioning"), conditioning);
            System.out.printf("parity %-32s max abs %.3g%n", "OutputProjection." + m.key(), diff);
            assertTrue(diff < TOLERANCE, "max abs " + diff);
            assertEquals(scope, conditioning.getManager(), "the conditioning belongs to the request scope");
        }
    }

    @ParameterizedTest
    @EnumSource(Modality.class)
    void textEncoderMatchesItsReference(Modality m) {
        float diff = runAgainstReference(ComponentNames.textEncoder(m));
        assertTrue(diff < TOLERANCE, "max abs " + diff);
    }

    @ParameterizedTest
    @EnumSource(Modality.class)
    void denoiserMatchesItsReference(Modality m) {
        float diff = runAgainstReference(ComponentNames.denoiser(m));
        assertTrue(diff < TOLERANCE, "max abs " + diff);
    }

    @ParameterizedTest
    @EnumSource(Modality.class)
    void vaeDecoderMatchesItsReference(Modality m) {
        float diff = runAgainstReference(ComponentNames.vaeDecoder(m));
        assertTrue(diff < TOLERANCE, "max abs " + diff);
    }

    @org.junit.jupiter.api.Test
    void vocoderMatchesItsReference() {
        float diff = runAgainstReference(ComponentNames.AUDIO_VOCODER);
        assertTrue(diff < TOLERANCE, "max abs " + diff);
    }
}
