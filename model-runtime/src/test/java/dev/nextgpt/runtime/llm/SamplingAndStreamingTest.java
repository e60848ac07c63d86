package dev.nextgpt.runtime.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Modality;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Seeded sampling, stop strings, streaming and context limits with the real nano model. */
class SamplingAndStreamingTest {

    private static Prompt prompt(String text) {
        return LlmTestSupport.tier().promptBuilder().build(Conversation.of(text));
    }

    /** Hot enough that the trained nano model's confident answers still vary from seed to seed. */
    private static GenerationParams sampling(long seed) {
        return GenerationParams.greedy(16).withTemperature(1.5).withTopP(1.0).withTopK(50).withSeed(seed);
    }

    @Test
    void theSameSeedGivesTheSameTokensAndDifferentSeedsDifferentOnes() {
        LlmTier tier = LlmTestSupport.tier();
        Prompt p = prompt("draw a red circle");
        GenerationResult a = tier.generate(p, sampling(42));
        GenerationResult b = tier.generate(p, sampling(42));
        assertArrayEquals(a.tokenIds(), b.tokenIds());
        assertEquals(a.text(), b.text());
        assertEquals(42, a.seed());
        int different = 0;
        for (long seed = 1; seed <= 3; seed++) {
            if (!Arrays.equals(a.tokenIds(), tier.generate(p, sampling(seed)).tokenIds())) {
                different++;
            }
        }
        assertTrue(different >= 2, "sampling with other seeds gave the same tokens " + (3 - different) + " times of 3");
    }

    @Test
    void aSeedGivesTheSameTokensAloneAndInABatch() {
        LlmTier tier = LlmTestSupport.tier();
        Prompt p = prompt("play two beeps at a high tone");
        GenerationResult alone = tier.generate(p, sampling(7));
        List<GenerationResult> batch = tier.generate(List.of(new GenerationRequest(prompt("hi"), sampling(8)),
                new GenerationRequest(p, sampling(7))), TokenListener.NONE);
        assertArrayEquals(alone.tokenIds(), batch.get(1).tokenIds());
    }

    @Test
    void topKOfOneIsGreedy() {
        LlmTier tier = LlmTestSupport.tier();
        Prompt p = prompt("a green triangle moving left");
        GenerationResult greedy = tier.generate(p, GenerationParams.greedy(10));
        GenerationResult topOne = tier.generate(p, GenerationParams.greedy(10).withTemperature(1.5).withTopK(1).withSeed(5L));
        assertArrayEquals(greedy.tokenIds(), topOne.tokenIds());
    }

    /** Steers the model to spell {@code target} token by token, then lets it go on freely. */
    private static LogitsProcessor spell(int[] target) {
        return (request, step, logits) -> {
            if (step < target.length) {
                logits[target[step]] = 1e6f;
            }
        };
    }

    @Test
    void aStopStringCutsTheTextAndNothingAfterItIsStreamed() {
        LlmTier tier = LlmTestSupport.tier();
        int[] target = tier.tokenizer().encode("it is red. ### Human: more text");
        StringBuilder streamed = new StringBuilder();
        List<Integer> streamedTokens = new ArrayList<>();
        GenerationParams params = GenerationParams.greedy(30).withStopStrings(List.of("###"));
        GenerationResult r = tier.generate(List.of(new GenerationRequest(prompt("what colour?"), params)),
                (request, tokenId, delta) -> {
                    assertFalse(delta.contains("#"), "streamed past the stop string: '" + delta + "'");
                    streamed.append(delta);
                    streamedTokens.add(tokenId);
                }, spell(target)).get(0);
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals("it is red. ", r.text());
        assertEquals(r.text(), streamed.toString());
        // generation stopped at the token that completed the stop string
        String decoded = tier.tokenizer().decode(r.tokenIds());
        assertTrue(decoded.endsWith("###") || decoded.contains("###"), decoded);
        assertTrue(r.tokenIds().length < target.length);
        assertEquals(r.tokenIds().length, streamedTokens.size());
    }

    @Test
    void theBundleDefaultStopStringApplies() {
        LlmTier tier = LlmTestSupport.tier();
        assertEquals(List.of("###"), tier.defaultParams().stopStrings());
        int[] target = tier.tokenizer().encode("yes.\n### Human: again");
        GenerationResult r = tier.generate(List.of(new GenerationRequest(prompt("ok?"), tier.defaultParams())),
                TokenListener.NONE, spell(target)).get(0);
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals("yes.\n", r.text());
    }

    @Test
    void textHeldBackAsAPossibleStopStringIsReleasedWhenItIsNot() {
        LlmTier tier = LlmTestSupport.tier();
        int[] target = tier.tokenizer().encode("a ## b");
        GenerationParams params = GenerationParams.greedy(target.length).withStopStrings(List.of("###"));
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = tier.generate(List.of(new GenerationRequest(prompt("x"), params)),
                (request, tokenId, delta) -> streamed.append(delta), spell(target)).get(0);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals("a ## b", r.text());
        assertEquals(r.text(), streamed.toString());
    }

    @Test
    void streamedDeltasConcatenateToTheFinalTextAndNeverSplitACharacter() {
        LlmTier tier = LlmTestSupport.tier();
        // the free nano model writes byte pieces; sampling makes it write many
        for (long seed = 1; seed <= 3; seed++) {
            StringBuilder streamed = new StringBuilder();
            List<String> deltas = new ArrayList<>();
            GenerationResult r = tier.generate(List.of(new GenerationRequest(prompt("hello"),
                    GenerationParams.greedy(32).withTemperature(1.2).withSeed(seed))), (request, tokenId, delta) -> {
                        streamed.append(delta);
                        deltas.add(delta);
                    }).get(0);
            assertEquals(r.text(), streamed.toString());
            assertEquals(r.tokenIds().length, deltas.size());
            assertEquals(tier.tokenizer().decode(r.tokenIds()), r.text());
        }
        // a character spelled as byte pieces arrives whole
        int[] target = tier.tokenizer().encode("中文");
        List<String> deltas = new ArrayList<>();
        GenerationResult r = tier.generate(List.of(new GenerationRequest(prompt("x"), GenerationParams.greedy(target.length))),
                (request, tokenId, delta) -> deltas.add(delta), spell(target)).get(0);
        assertEquals("中文", r.text());
        assertTrue(deltas.contains("中") && deltas.contains("文"), deltas.toString());
    }

    @Test
    void anOverLongPromptIsRejectedWithAClearMessage() {
        LlmTier tier = LlmTestSupport.tier();
        Prompt tooLong = prompt("red ".repeat(600));
        assertTrue(tooLong.length() > tier.maxPositions());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tier.generate(tooLong, tier.defaultParams()));
        assertTrue(e.getMessage().contains("prompt too long") && e.getMessage().contains("max_positions")
                && e.getMessage().contains(String.valueOf(tooLong.length())), e.getMessage());
    }

    @Test
    void aPromptThatLeavesNoRoomForTheForcedGroupsIsRejected() {
        LlmTier tier = LlmTestSupport.tier();
        int[] ids = new int[tier.maxPositions() - 10];
        Arrays.fill(ids, 300);
        ids[0] = tier.tokenizer().bosId();
        Prompt p = Prompt.ofTokens(ids);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tier.generate(p, GenerationParams.greedy(4).withForcedModalities(Set.of(Modality.VIDEO))));
        assertTrue(e.getMessage().contains("forced"), e.getMessage());
    }

    @Test
    void generationStopsWhenTheContextIsFullAndKeepsRoomForForcedGroups() {
        LlmTier tier = LlmTestSupport.tier();
        int[] ids = new int[tier.maxPositions() - 12];
        Arrays.fill(ids, 300);
        ids[0] = tier.tokenizer().bosId();
        GenerationResult r = tier.generate(List.of(new GenerationRequest(Prompt.ofTokens(ids),
                        GenerationParams.greedy(48).withForcedModalities(Set.of(Modality.IMAGE)))), TokenListener.NONE,
                (request, step, logits) -> logits[tier.tokenizer().eosId()] = Float.NEGATIVE_INFINITY).get(0);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(12 - 4, r.tokenIds().length, "12 free positions, 4 kept for the forced image group");
        assertEquals(4, r.signalGroup(Modality.IMAGE).orElseThrow().tokens());
    }

    @Test
    void resultsReportCountsAndTimings() {
        LlmTier tier = LlmTestSupport.tier();
        Prompt p = prompt("draw a red circle");
        GenerationResult r = tier.generate(p, GenerationParams.greedy(8));
        assertEquals(p.length(), r.promptTokens());
        assertEquals(r.tokenIds().length, r.generatedTokens());
        assertTrue(r.timings().prefillMs() > 0);
        assertTrue(r.decodeMsPerToken() > 0);
        assertTrue(r.timings().decodeSteps() >= r.generatedTokens() - 1);
        System.out.printf("nano, batch 1: prefill %.1f ms for %d positions, decode %.2f ms/token%n",
                r.timings().prefillMs(), r.promptTokens(), r.decodeMsPerToken());
    }
}
