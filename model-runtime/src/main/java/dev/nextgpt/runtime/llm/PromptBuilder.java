package dev.nextgpt.runtime.llm;

import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.runtime.bundle.BundleManifest;
import java.util.ArrayList;
import java.util.List;

/**
 * Assembles a {@link Prompt} from a {@link Conversation} with the bundle's template (models/README.md, "Prompt"):
 * {@code BOS}, then for each past turn {@code human + content + assistant + " " + answer + turn_end}, then the new
 * turn {@code human + content + assistant}. Content is the turn's media items, each as
 * {@code open + <embeddings> + close}, followed by the text (after a space when media precede it). The text between two embeddings is tokenized
 * on its own (dummy prefix on), so a segment boundary falls exactly at each media item.
 *
 * <p>Immutable and thread-safe.
 */
public final class PromptBuilder {
    private final SentencePieceTokenizer tokenizer;
    private final BundleManifest.PromptSpec template;
    private final int hidden;

    /**
     * @param hidden the LLM hidden size every media embedding must have
     */
    public PromptBuilder(SentencePieceTokenizer tokenizer, BundleManifest.PromptSpec template, int hidden) {
        this.tokenizer = tokenizer;
        this.template = template;
        this.hidden = hidden;
        if (template == null || template.human() == null || template.assistant() == null || template.turnEnd() == null
                || template.media() == null) {
            throw new IllegalArgumentException("bundle.json: llm.prompt needs human, assistant, turn_end and media");
        }
    }

    public BundleManifest.PromptSpec template() {
        return template;
    }

    /** The prompt of a conversation. */
    public Prompt build(Conversation conversation) {
        Assembly a = new Assembly();
        a.segments.add(new PromptSegment.Tokens(null, new int[] {tokenizer.bosId()}));
        for (Conversation.Turn turn : conversation.history()) {
            a.text.append(template.human());
            a.content(turn.user());
            a.text.append(template.assistant()).append(' ').append(turn.answer()).append(template.turnEnd());
        }
        a.text.append(template.human());
        a.content(conversation.current());
        a.text.append(template.assistant());
        a.flush();
        return new Prompt(a.segments);
    }

    private final class Assembly {
        final List<PromptSegment> segments = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        void content(UserMessage message) {
            for (MediaEmbedding item : message.media()) {
                if (item.hidden() != hidden) {
                    throw new IllegalArgumentException("a " + item.modality().wireName() + " embedding has width " + item.hidden()
                            + ", the LLM's hidden size is " + hidden);
                }
                if (item.tokens() < 1) {
                    throw new IllegalArgumentException("a " + item.modality().wireName() + " embedding has no rows");
                }
                List<String> tags = template.mediaTags(item.modality());
                text.append(tags.get(0));
                flush();
                segments.add(new PromptSegment.Media(item));
                text.append(tags.get(1));
            }
            if (!message.media().isEmpty()) {
                text.append(' '); // NExT-GPT writes "### Human: <Img>…</Img> text" and "### Human: text"
            }
            text.append(message.text());
        }

        void flush() {
            if (text.length() > 0) {
                String s = text.toString();
                int[] ids = tokenizer.encode(s);
                if (ids.length > 0) {
                    segments.add(new PromptSegment.Tokens(s, ids));
                }
                text.setLength(0);
            }
        }
    }
}
