package dev.nextgpt.runtime.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.contracts.Modality;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prompt assembly against {@code models/reference/nano/prompt.json} and {@code prompt.safetensors}. */
class PromptBuilderTest {

    private static MediaEmbedding referenceImage(NDManager m) {
        NDArray embeds = LlmTestSupport.referenceTensors(m, "prompt.safetensors").get("media_embeds"); // [1,1,H]
        int tokens = (int) embeds.getShape().get(1);
        int hidden = (int) embeds.getShape().get(2);
        return new MediaEmbedding(Modality.IMAGE, tokens, hidden, embeds.toFloatArray());
    }

    private static Conversation referenceConversation(JsonNode doc, MediaEmbedding image) {
        JsonNode turns = doc.get("turns");
        assertEquals(2, turns.size());
        JsonNode first = turns.get(0);
        assertEquals("image", first.get("media").get(0).asText());
        return new Conversation(
                List.of(new Conversation.Turn(UserMessage.of(first.get("text").asText(), image), first.get("answer").asText())),
                UserMessage.text(turns.get(1).get("text").asText()));
    }

    @Test
    void twoTurnConversationGivesTheReferenceSegmentsAndIds() {
        JsonNode doc = LlmTestSupport.referenceJson("prompt.json");
        LlmTier tier = LlmTestSupport.tier();
        try (NDManager m = tier.bundle().newScope()) {
            MediaEmbedding image = referenceImage(m);
            Prompt prompt = tier.promptBuilder().build(referenceConversation(doc, image));
            JsonNode expected = doc.get("segments");
            assertEquals(expected.size(), prompt.segments().size(), prompt.segments().toString());
            for (int i = 0; i < expected.size(); i++) {
                JsonNode e = expected.get(i);
                PromptSegment s = prompt.segments().get(i);
                switch (e.get("kind").asText()) {
                    case "media" -> assertSame(image, assertInstanceOf(PromptSegment.Media.class, s).embedding());
                    case "text" -> {
                        PromptSegment.Tokens t = assertInstanceOf(PromptSegment.Tokens.class, s);
                        assertEquals(e.get("text").asText(), t.text());
                        assertArrayEquals(LlmTestSupport.ints(e.get("ids")), t.ids(), "segment " + i);
                    }
                    default -> assertArrayEquals(LlmTestSupport.ints(e.get("ids")),
                            assertInstanceOf(PromptSegment.Tokens.class, s).ids(), "segment " + i);
                }
            }
            assertEquals(doc.get("length").asInt(), prompt.length());
        }
    }

    @Test
    void prefillOfTheReferencePromptGivesTheReferenceLastLogits() {
        JsonNode doc = LlmTestSupport.referenceJson("prompt.json");
        LlmTier tier = LlmTestSupport.tier();
        try (NDManager m = tier.bundle().newScope()) {
            Map<String, NDArray> ref = LlmTestSupport.referenceTensors(m, "prompt.safetensors");
            Prompt prompt = tier.promptBuilder().build(referenceConversation(doc, referenceImage(m)));
            float[][] seen = new float[1][];
            tier.generate(List.of(new GenerationRequest(prompt, GenerationParams.greedy(1))), TokenListener.NONE,
                    (request, step, logits) -> seen[0] = logits.clone());
            float diff = LlmTestSupport.maxAbsDiff(ref.get("last_logits").toFloatArray(), seen[0]);
            System.out.printf("prompt parity: last-position logits max |diff| %.3g%n", diff);
            assertTrue(diff <= 1e-4f, "last logits differ by " + diff);
        }
    }

    @Test
    void mediaItemsAreWrappedInTheirTagsAndTextIsTokenizedPerSegment() {
        LlmTier tier = LlmTestSupport.tier();
        int h = tier.hiddenSize();
        MediaEmbedding audio = new MediaEmbedding(Modality.AUDIO, 1, h, new float[h]);
        MediaEmbedding video = new MediaEmbedding(Modality.VIDEO, 2, h, new float[2 * h]);
        Prompt prompt = tier.promptBuilder().build(Conversation.of(UserMessage.of("what happens?", audio, video)));
        List<PromptSegment> s = prompt.segments();
        assertEquals(6, s.size(), s.toString());
        assertArrayEquals(new int[] {tier.tokenizer().bosId()}, ((PromptSegment.Tokens) s.get(0)).ids());
        assertEquals("### Human: <Aud>", ((PromptSegment.Tokens) s.get(1)).text());
        assertSame(audio, ((PromptSegment.Media) s.get(2)).embedding());
        assertEquals("</Aud><Vid>", ((PromptSegment.Tokens) s.get(3)).text());
        assertSame(video, ((PromptSegment.Media) s.get(4)).embedding());
        PromptSegment.Tokens last = (PromptSegment.Tokens) s.get(5);
        assertEquals("</Vid> what happens?\n### Assistant:", last.text());
        assertArrayEquals(tier.tokenizer().encode(last.text()), last.ids());
        assertEquals(1 + ((PromptSegment.Tokens) s.get(1)).ids().length + 1 + ((PromptSegment.Tokens) s.get(3)).ids().length
                + 2 + last.ids().length, prompt.length());
    }

    @Test
    void textOnlyTurnFollowsTheTemplate() {
        LlmTier tier = LlmTestSupport.tier();
        Prompt prompt = tier.promptBuilder().build(Conversation.of("draw a red circle"));
        JsonNode gen = LlmTestSupport.referenceJson("llm.generate.json");
        assertArrayEquals(LlmTestSupport.ints(gen.get("prompt_ids")), prompt.tokenIds());
        assertEquals("### Human: draw a red circle\n### Assistant:", ((PromptSegment.Tokens) prompt.segments().get(1)).text());
    }

    @Test
    void mediaOfTheWrongWidthIsRejected() {
        LlmTier tier = LlmTestSupport.tier();
        MediaEmbedding wrong = new MediaEmbedding(Modality.IMAGE, 1, 8, new float[8]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tier.promptBuilder().build(Conversation.of(UserMessage.of("hi", wrong))));
        assertTrue(e.getMessage().contains("hidden size"), e.getMessage());
    }
}
