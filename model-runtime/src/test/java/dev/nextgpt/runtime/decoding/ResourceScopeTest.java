package dev.nextgpt.runtime.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.nextgpt.contracts.Modality;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Arrays made for a request stay in its scope, and the loop does not keep arrays per step. */
class ResourceScopeTest {
    private static int arrays(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    @Test
    void decodingLeavesNothingInTheBundleManager() {
        ModalityDecoder decoder = DecodingFixtures.decoder(Modality.AUDIO);
        decoder.decode(List.of(DecodeRequest.of("warm", DecodingFixtures.syntheticGroup(Modality.AUDIO, 1, 1f),
                decoder.defaultParams(1).withSteps(2))));
        int before = arrays(DecodingFixtures.bundle().manager());
        decoder.decode(List.of(DecodeRequest.of("a", DecodingFixtures.syntheticGroup(Modality.AUDIO, 2, 1f),
                decoder.defaultParams(2).withSteps(3))));
        assertEquals(before, arrays(DecodingFixtures.bundle().manager()));
    }

    @Test
    void theArraysALoopKeepsDoNotGrowWithTheNumberOfSteps() {
        assertEquals(arraysAfterRun(2), arraysAfterRun(9));
    }

    private static int arraysAfterRun(int steps) {
        DiffusionLoop loop = DecodingFixtures.decoder(Modality.IMAGE).diffusion();
        try (NDManager scope = DecodingFixtures.bundle().newScope()) {
            NDArray conditioning = loop.negativeConditioning().duplicate();
            conditioning.attach(scope);
            List<DiffusionJob> jobs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                jobs.add(DiffusionJob.of(conditioning, new DiffusionParams(steps, 5.0, i, SchedulerKind.DPMPP_2M)));
            }
            loop.run(scope, jobs);
            return arrays(scope);
        }
    }
}
