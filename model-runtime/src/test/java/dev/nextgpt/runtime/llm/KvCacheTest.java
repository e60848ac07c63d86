package dev.nextgpt.runtime.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generation with the KV cache equals recomputing the whole sequence without a cache at every step. */
class KvCacheTest {

    @Test
    void cachedDecodingEqualsFullRecomputationAtEveryStep() {
        LlmTier tier = LlmTestSupport.tier();
        LlmModel model = new LlmModel(tier.bundle());
        Prompt prompt = tier.promptBuilder().build(Conversation.of("a green triangle moving left"));
        List<float[]> cached = new ArrayList<>();
        int steps = 6;
        GenerationResult r = tier.generate(List.of(new GenerationRequest(prompt, GenerationParams.greedy(steps))),
                TokenListener.NONE, (req, step, logits) -> cached.add(logits.clone())).get(0);
        int[] promptIds = prompt.tokenIds();
        assertEquals(steps, r.tokenIds().length, "the nano model does not stop within " + steps + " tokens");
        float worst = 0;
        try (NDManager m = tier.bundle().newScope()) {
            for (int k = 0; k < steps; k++) {
                int n = promptIds.length + k;
                long[] ids = new long[n];
                for (int i = 0; i < promptIds.length; i++) {
                    ids[i] = promptIds[i];
                }
                for (int i = 0; i < k; i++) {
                    ids[promptIds.length + i] = r.tokenIds()[i];
                }
                long[] mask = new long[n];
                Arrays.fill(mask, 1);
                long[] pos = new long[n];
                Arrays.setAll(pos, i -> i);
                NDArray embeds = model.embed(m, ids, 1, n);
                LlmModel.Output out = model.forward(embeds, m.create(mask, new Shape(1, n)), m.create(pos, new Shape(1, n)),
                        model.emptyPast(m, 1));
                float[] full = out.logits().get(":, " + (n - 1) + ", :").toFloatArray();
                worst = Math.max(worst, LlmTestSupport.maxAbsDiff(full, cached.get(k)));
                assertEquals(Sampler.argmax(full), r.tokenIds()[k], "step " + k);
            }
        }
        System.out.printf("KV cache vs full recomputation over %d steps: logits max |diff| %.3g%n", steps, worst);
        assertTrue(worst <= 1e-4f, "cached logits differ by " + worst);
    }
}
