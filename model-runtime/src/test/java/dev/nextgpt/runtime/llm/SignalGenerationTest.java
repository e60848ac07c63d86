package dev.nextgpt.runtime.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Signal groups with the real nano model: constrained completion, forced modalities, hidden-state extraction. */
class SignalGenerationTest {

    private static GenerationResult run(Prompt prompt, GenerationParams params, LogitsProcessor hook) {
        return LlmTestSupport.tier().generate(List.of(new GenerationRequest(prompt, params)), TokenListener.NONE, hook).get(0);
    }

    private static Prompt prompt(String text) {
        return LlmTestSupport.tier().promptBuilder().build(Conversation.of(text));
    }

    /** Recomputes the last-layer hidden states of prompt + tokens without a cache: [n, H]. */
    private static float[] fullHidden(int[] promptIds, int[] tokens) {
        LlmModel model = new LlmModel(LlmTestSupport.tier().bundle());
        int n = promptIds.length + tokens.length;
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i < promptIds.length ? promptIds[i] : tokens[i - promptIds.length];
        }
        long[] mask = new long[n];
        Arrays.fill(mask, 1);
        long[] pos = new long[n];
        Arrays.setAll(pos, i -> i);
        try (NDManager m = LlmTestSupport.tier().bundle().newScope()) {
            NDArray embeds = model.embed(m, ids, 1, n);
            return model.forward(embeds, m.create(mask, new Shape(1, n)), m.create(pos, new Shape(1, n)),
                    model.emptyPast(m, 1)).hidden().toFloatArray();
        }
    }

    private static float[] rows(float[] hidden, int from, int count, int h) {
        return Arrays.copyOfRange(hidden, from * h, (from + count) * h);
    }

    @Test
    void aStartedGroupAlwaysCompletesEvenWhenTheModelWantsToStop() {
        int eos = LlmTestSupport.tier().tokenizer().eosId();
        // the model is pushed to start a video group at step 2 and to end the sequence at every other step
        LogitsProcessor hook = (request, step, logits) -> {
            Arrays.fill(logits, -10f);
            logits[step == 2 ? 1012 : eos] = -5f;
            if (step < 2) {
                logits[eos] = Float.NEGATIVE_INFINITY;
                logits[300 + step] = 10f;
            }
        };
        GenerationResult r = run(prompt("make a video"), GenerationParams.greedy(40), hook);
        int[] ids = r.tokenIds();
        assertEquals(2 + 24 + 1, ids.length, Arrays.toString(ids));
        for (int i = 0; i < 24; i++) {
            assertEquals(1012 + i, ids[2 + i], "video token " + i);
        }
        assertEquals(eos, ids[26]);
        assertEquals(FinishReason.EOS, r.finishReason());
        SignalGroup video = r.signalGroup(Modality.VIDEO).orElseThrow();
        assertEquals(24, video.tokens());
        assertFalse(video.forced());
    }

    @Test
    void maxNewTokensInsideAGroupStillCompletesItAndRunsTheLastSignalToken() {
        LogitsProcessor hook = (request, step, logits) -> logits[1004] = 1e6f; // [AUD0] as soon as it may start
        Prompt prompt = prompt("play a sound");
        GenerationResult r = run(prompt, GenerationParams.greedy(3), hook);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        int[] expected = {1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011};
        assertArrayEquals(expected, r.tokenIds(), "the group of 8 completes past max new tokens 3");
        SignalGroup audio = r.signalGroups().get(0);
        int h = LlmTestSupport.tier().hiddenSize();
        float[] full = fullHidden(prompt.tokenIds(), expected);
        float diff = LlmTestSupport.maxAbsDiff(rows(full, prompt.length(), 8, h), audio.hiddenStates());
        System.out.printf("signal hidden (completed audio group) vs full recomputation: max |diff| %.3g%n", diff);
        assertTrue(diff <= 1e-4f, "hidden differs by " + diff);
    }

    @Test
    void forcedModalitiesProduceGroupsOf4And8And24HiddenRowsOfWidthH() {
        Prompt prompt = prompt("draw a red circle");
        GenerationParams params = GenerationParams.greedy(5).withForcedModalities(EnumSet.allOf(Modality.class));
        GenerationResult r = run(prompt, params, (request, step, logits) -> {
            for (int id = 1000; id < 1036; id++) {
                logits[id] = Float.NEGATIVE_INFINITY; // the model emits no group itself
            }
        });
        int h = LlmTestSupport.tier().hiddenSize();
        assertEquals(3, r.signalGroups().size());
        int[] sizes = {4, 8, 24};
        int[] firstIds = {1000, 1004, 1012};
        Modality[] order = {Modality.IMAGE, Modality.AUDIO, Modality.VIDEO};
        int[] appended = new int[36];
        for (int i = 0; i < 36; i++) {
            appended[i] = 1000 + i;
        }
        // the groups are appended after the generated tokens and run through the LLM
        int[] sequence = new int[r.tokenIds().length + 36];
        System.arraycopy(r.tokenIds(), 0, sequence, 0, r.tokenIds().length);
        System.arraycopy(appended, 0, sequence, r.tokenIds().length, 36);
        float[] full = fullHidden(prompt.tokenIds(), sequence);
        int at = prompt.length() + r.tokenIds().length;
        float worst = 0;
        for (int g = 0; g < 3; g++) {
            SignalGroup group = r.signalGroups().get(g);
            assertEquals(order[g], group.modality());
            assertTrue(group.forced());
            assertEquals(sizes[g], group.tokens());
            assertEquals(h, group.hidden());
            assertEquals(sizes[g] * h, group.hiddenStates().length);
            assertEquals(firstIds[g], group.tokenIds()[0]);
            worst = Math.max(worst, LlmTestSupport.maxAbsDiff(rows(full, at, sizes[g], h), group.hiddenStates()));
            at += sizes[g];
        }
        for (int id : r.tokenIds()) {
            assertFalse(LlmTestSupport.tier().signalTokens().isSignal(id), "appended groups are not generated tokens");
        }
        System.out.printf("forced groups (4/8/24 rows) vs full recomputation: max |diff| %.3g%n", worst);
        assertTrue(worst <= 1e-4f, "forced group hidden states differ by " + worst);
    }

    @Test
    void withNoNewTokensAForcedGroupFollowsThePromptDirectly() {
        Prompt prompt = prompt("draw a red circle");
        GenerationResult r = run(prompt, GenerationParams.greedy(0).withForcedModalities(Set.of(Modality.IMAGE)),
                LogitsProcessor.NONE);
        assertEquals(0, r.tokenIds().length);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals("", r.text());
        SignalGroup image = r.signalGroup(Modality.IMAGE).orElseThrow();
        assertTrue(image.forced());
        int h = LlmTestSupport.tier().hiddenSize();
        float[] full = fullHidden(prompt.tokenIds(), new int[] {1000, 1001, 1002, 1003});
        assertTrue(LlmTestSupport.maxAbsDiff(rows(full, prompt.length(), 4, h), image.hiddenStates()) <= 1e-4f);
    }

    @Test
    void aForcedModalityTheModelEmitsIsNotAppendedAgainAndASecondGroupIsIgnored() {
        // image group at step 0 and again at step 6; no EOS and no audio/video group before step 12 (a trained model
        // would stop, or go on to another group, after its image)
        int eos = LlmTestSupport.tier().tokenizer().eosId();
        LogitsProcessor hook = (request, step, logits) -> {
            logits[eos] = Float.NEGATIVE_INFINITY;
            logits[1004] = Float.NEGATIVE_INFINITY; // [AUD0]
            logits[1012] = Float.NEGATIVE_INFINITY; // [VID0]
            // [IMG0] exactly at steps 0 and 6 (a trained model may start an image group by itself elsewhere)
            logits[1000] = step == 0 || step == 6 ? 1e6f : Float.NEGATIVE_INFINITY;
        };
        GenerationResult r = run(prompt("draw a red circle"),
                GenerationParams.greedy(12).withForcedModalities(Set.of(Modality.IMAGE)), hook);
        assertEquals(1, r.signalGroups().size());
        SignalGroup image = r.signalGroups().get(0);
        assertFalse(image.forced());
        int[] ids = r.tokenIds();
        assertArrayEquals(new int[] {1000, 1001, 1002, 1003}, Arrays.copyOfRange(ids, 0, 4));
        assertArrayEquals(new int[] {1000, 1001, 1002, 1003}, Arrays.copyOfRange(ids, 6, 10));
        // the kept group is the first: its hidden states are those of positions 0..3 of the answer
        Prompt prompt = prompt("draw a red circle");
        float[] full = fullHidden(prompt.tokenIds(), ids);
        int h = LlmTestSupport.tier().hiddenSize();
        assertTrue(LlmTestSupport.maxAbsDiff(rows(full, prompt.length(), 4, h), image.hiddenStates()) <= 1e-4f);
    }

    @Test
    void signalTokensWithIndexAboveZeroAreNeverSampledOutsideAGroup() {
        LogitsProcessor hook = (request, step, logits) -> {
            logits[1001] = 1e6f; // [IMG1]: masked outside a group
            logits[1013] = 1e6f; // [VID1]
        };
        GenerationResult r = run(prompt("draw"), GenerationParams.greedy(6), hook);
        for (int id : r.tokenIds()) {
            assertFalse(LlmTestSupport.tier().signalTokens().isSignal(id), Arrays.toString(r.tokenIds()));
        }
        assertTrue(r.signalGroups().isEmpty());
    }

    @Test
    void eachGroupIsAnnouncedAsSoonAsItIsCompleteBeforeGenerationEnds() {
        // an image group starts at step 1; generation then runs on for 10 more tokens, in which the model may start
        // no group of its own ([IMG0], [AUD0], [VID0] barred: the trained model would pick one); audio is forced at the end
        LogitsProcessor hook = (request, step, logits) -> {
            if (step == 1) {
                logits[1000] = 1e6f;
            } else {
                for (int start : new int[] {1000, 1004, 1012}) {
                    logits[start] = Float.NEGATIVE_INFINITY;
                }
            }
            logits[LlmTestSupport.tier().tokenizer().eosId()] = -1e6f;
        };
        List<String> events = new java.util.ArrayList<>();
        List<dev.nextgpt.runtime.SignalGroup> announced = new java.util.ArrayList<>();
        TokenListener listener = new TokenListener() {
            @Override
            public void onToken(int request, int tokenId, String textDelta) {
                events.add("token");
            }

            @Override
            public void onSignalGroup(int request, dev.nextgpt.runtime.SignalGroup group) {
                events.add("group:" + group.modality().wireName());
                announced.add(group);
            }

            @Override
            public void onFinish(int request, GenerationResult result) {
                events.add("finish");
            }
        };
        GenerationResult r = LlmTestSupport.tier().generate(List.of(new GenerationRequest(prompt("draw it"),
                GenerationParams.greedy(16).withForcedModalities(Set.of(Modality.AUDIO)))), listener, hook).get(0);

        int imageAt = events.indexOf("group:image");
        assertTrue(imageAt > 0, events.toString());
        long tokensAfterImage = events.subList(imageAt, events.size()).stream().filter("token"::equals).count();
        assertTrue(tokensAfterImage >= 5, "the image group must be announced while text is still being generated: " + events);
        assertTrue(events.indexOf("group:audio") > imageAt && events.indexOf("group:audio") < events.indexOf("finish"), events.toString());
        assertEquals(2, announced.size());
        for (dev.nextgpt.runtime.SignalGroup g : announced) {
            dev.nextgpt.runtime.SignalGroup inResult = r.signalGroup(g.modality()).orElseThrow();
            assertArrayEquals(inResult.tokenIds(), g.tokenIds());
            assertArrayEquals(inResult.hiddenStates(), g.hiddenStates(), "announced hidden states are the final ones");
        }
    }
}
