package dev.nextgpt.runtime.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Greedy generation against {@code models/reference/nano/llm.generate.*} (the Python reference generator). */
class GenerationParityTest {
    static final float LOGITS_TOLERANCE = 1e-3f;
    static final float HIDDEN_TOLERANCE = 1e-4f;

    /** What the hook saw: the raw logits of each sampled step and the step indices (forced group tokens are not sampled). */
    private record Run(GenerationResult result, List<float[]> stepLogits, List<Integer> steps) {
        /** The reference's step logits of the steps the hook saw. */
        float[] referenceRows(float[] all, int vocab) {
            float[] out = new float[steps.size() * vocab];
            for (int i = 0; i < steps.size(); i++) {
                System.arraycopy(all, steps.get(i) * vocab, out, i * vocab, vocab);
            }
            return out;
        }
    }

    private static Run generate(int[] promptIds, int maxNew, Integer forcedFirst) {
        LlmTier tier = LlmTestSupport.tier();
        List<float[]> logits = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        LogitsProcessor hook = (request, step, row) -> {
            logits.add(row.clone());
            steps.add(step);
            if (step == 0 && forcedFirst != null) {
                Arrays.fill(row, Float.NEGATIVE_INFINITY);
                row[forcedFirst] = 0;
            }
        };
        GenerationResult r = tier.generate(List.of(new GenerationRequest(Prompt.ofTokens(promptIds),
                GenerationParams.greedy(maxNew))), TokenListener.NONE, hook).get(0);
        return new Run(r, logits, steps);
    }

    @Test
    void freeGreedyRunGivesTheReferenceTokensAndLogits() {
        JsonNode doc = LlmTestSupport.referenceJson("llm.generate.json");
        JsonNode run = doc.get("runs").get("free");
        int[] prompt = LlmTestSupport.ints(doc.get("prompt_ids"));
        Run mine = generate(prompt, doc.get("max_new_tokens").asInt(), null);
        assertArrayEquals(LlmTestSupport.ints(run.get("ids")), mine.result().tokenIds());
        JsonNode groups = run.get("groups");
        assertEquals(groups.size(), mine.result().signalGroups().size(), "the groups the reference run emitted");
        for (int g = 0; g < groups.size(); g++) {
            SignalGroup group = mine.result().signalGroups().get(g);
            assertEquals(groups.get(g).get("modality").asText(), group.modality().wireName());
            assertArrayEquals(LlmTestSupport.ints(groups.get(g).get("ids")), group.tokenIds());
        }
        try (NDManager m = LlmTestSupport.tier().bundle().newScope()) {
            Map<String, NDArray> ref = LlmTestSupport.referenceTensors(m, "llm.generate.safetensors");
            NDArray refLogits = ref.get("free.step_logits");
            float[] expected = mine.referenceRows(refLogits.toFloatArray(), 1036);
            // the reference has a row per step (forced group tokens included); the hook sees the sampled ones
            assertEquals(refLogits.getShape().get(0), mine.steps().get(mine.steps().size() - 1) + 1L,
                    "the reference run's last sampling step");
            for (int g = 0; g < groups.size(); g++) {
                float d = LlmTestSupport.maxAbsDiff(ref.get("free.group." + g + ".hidden").toFloatArray(),
                        mine.result().signalGroups().get(g).hiddenStates());
                assertTrue(d <= HIDDEN_TOLERANCE, "group " + g + " hidden states differ by " + d);
            }
            float diff = LlmTestSupport.maxAbsDiff(expected, concat(mine.stepLogits()));
            System.out.printf("generate parity (free): %d tokens, step logits max |diff| %.3g%n", mine.stepLogits().size(), diff);
            assertTrue(diff <= LOGITS_TOLERANCE, "step logits differ by " + diff);
        }
        // the text is the SentencePiece decoding of the generated ids
        assertEquals(LlmTestSupport.tier().tokenizer().decode(mine.result().tokenIds()), mine.result().text());
    }

    @Test
    void forcedImageRunGivesTheReferenceTokensAndSignalHiddenStates() {
        JsonNode doc = LlmTestSupport.referenceJson("llm.generate.json");
        JsonNode run = doc.get("runs").get("forced_image");
        int[] prompt = LlmTestSupport.ints(doc.get("prompt_ids"));
        Run mine = generate(prompt, doc.get("max_new_tokens").asInt(), run.get("forced_first").asInt());
        GenerationResult r = mine.result();
        assertArrayEquals(LlmTestSupport.ints(run.get("ids")), r.tokenIds());
        assertEquals(1, r.signalGroups().size());
        SignalGroup group = r.signalGroups().get(0);
        assertEquals(Modality.IMAGE, group.modality());
        assertFalse(group.forced());
        assertArrayEquals(LlmTestSupport.ints(run.get("groups").get(0).get("ids")), group.tokenIds());
        assertFalse(r.text().contains("[IMG"), "signal tokens are not part of the text");
        try (NDManager m = LlmTestSupport.tier().bundle().newScope()) {
            Map<String, NDArray> ref = LlmTestSupport.referenceTensors(m, "llm.generate.safetensors");
            float hiddenDiff = LlmTestSupport.maxAbsDiff(ref.get("forced_image.group.0.hidden").toFloatArray(), group.hiddenStates());
            float logitsDiff = LlmTestSupport.maxAbsDiff(
                    mine.referenceRows(ref.get("forced_image.step_logits").toFloatArray(), 1036), concat(mine.stepLogits()));
            assertEquals(0, mine.steps().get(0));
            if (mine.steps().size() > 1) {
                assertEquals(4, mine.steps().get(1), "the group's tokens 1..3 are forced, not sampled");
            }
            System.out.printf("generate parity (forced image): signal hidden max |diff| %.3g, step logits max |diff| %.3g%n",
                    hiddenDiff, logitsDiff);
            assertTrue(hiddenDiff <= HIDDEN_TOLERANCE, "signal hidden states differ by " + hiddenDiff);
            assertTrue(logitsDiff <= LOGITS_TOLERANCE, "step logits differ by " + logitsDiff);
        }
    }

    /** The logits the hook saw, in step order. */
    private static float[] concat(List<float[]> rows) {
        int n = rows.stream().mapToInt(r -> r.length).sum();
        float[] out = new float[n];
        int k = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, out, k, r.length);
            k += r.length;
        }
        return out;
    }
}
