package dev.nextgpt.runtime.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Several requests in one batch give what each gives alone. */
class BatchingTest {

    private static List<GenerationRequest> fourDifferentPrompts() {
        LlmTier tier = LlmTestSupport.tier();
        int h = tier.hiddenSize();
        float[] data = new float[h];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < h; i++) {
            data[i] = (float) rnd.nextGaussian() * 0.05f;
        }
        MediaEmbedding image = new MediaEmbedding(Modality.IMAGE, 1, h, data);
        PromptBuilder b = tier.promptBuilder();
        return List.of(
                // lengths differ (left padding), max new tokens differ (sequences leave the batch at different steps)
                new GenerationRequest(b.build(Conversation.of("draw a red circle")), GenerationParams.greedy(12)),
                new GenerationRequest(b.build(new Conversation(
                        List.of(new Conversation.Turn(UserMessage.of("what colour is this?", image), "it is red.")),
                        UserMessage.text("now play two beeps at a high tone"))), GenerationParams.greedy(5)),
                new GenerationRequest(b.build(Conversation.of("hi")), GenerationParams.greedy(9)
                        .withForcedModalities(Set.of(Modality.AUDIO))),
                new GenerationRequest(b.build(Conversation.of(UserMessage.of("describe this image.", image))),
                        GenerationParams.greedy(16)));
    }

    @Test
    void aBatchOfFourDifferentPromptsGivesTheSameGreedyTokensAsEachAlone() {
        LlmTier tier = LlmTestSupport.tier();
        List<GenerationRequest> requests = fourDifferentPrompts();
        List<GenerationResult> batched = tier.generate(requests, TokenListener.NONE);
        assertEquals(4, batched.size());
        float worstHidden = 0;
        for (int i = 0; i < requests.size(); i++) {
            GenerationResult alone = tier.generate(requests.get(i).prompt(), requests.get(i).params());
            GenerationResult inBatch = batched.get(i);
            assertArrayEquals(alone.tokenIds(), inBatch.tokenIds(), "request " + i);
            assertEquals(alone.text(), inBatch.text(), "request " + i);
            assertEquals(alone.finishReason(), inBatch.finishReason(), "request " + i);
            assertEquals(alone.promptTokens(), inBatch.promptTokens());
            assertEquals(alone.signalGroups().size(), inBatch.signalGroups().size());
            for (int g = 0; g < alone.signalGroups().size(); g++) {
                SignalGroup a = alone.signalGroups().get(g);
                SignalGroup b = inBatch.signalGroups().get(g);
                assertEquals(a.modality(), b.modality());
                assertArrayEquals(a.tokenIds(), b.tokenIds());
                worstHidden = Math.max(worstHidden, LlmTestSupport.maxAbsDiff(a.hiddenStates(), b.hiddenStates()));
            }
        }
        assertEquals(Modality.AUDIO, batched.get(2).signalGroups().get(0).modality());
        System.out.printf("batch of 4 vs alone: same tokens; signal hidden max |diff| %.3g%n", worstHidden);
        assertTrue(worstHidden <= 1e-4f, "signal hidden states differ by " + worstHidden);
    }

    @Test
    void streamedTokensOfEachRequestArriveInOrderAndMatchItsResult() {
        LlmTier tier = LlmTestSupport.tier();
        List<GenerationRequest> requests = fourDifferentPrompts();
        List<List<Integer>> tokens = new ArrayList<>();
        List<StringBuilder> texts = new ArrayList<>();
        List<GenerationResult> finished = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tokens.add(new ArrayList<>());
            texts.add(new StringBuilder());
            finished.add(null);
        }
        List<GenerationResult> results = tier.generate(requests, new TokenListener() {
            @Override
            public void onToken(int request, int tokenId, String textDelta) {
                tokens.get(request).add(tokenId);
                texts.get(request).append(textDelta);
            }

            @Override
            public void onFinish(int request, GenerationResult result) {
                finished.set(request, result);
            }
        });
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(results.get(i).tokenIds(), tokens.get(i).stream().mapToInt(Integer::intValue).toArray());
            assertEquals(results.get(i).text(), texts.get(i).toString());
            assertEquals(results.get(i), finished.get(i));
        }
    }
}
