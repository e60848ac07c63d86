package dev.nextgpt.llm.service;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.messages.ContentPart;
import dev.nextgpt.contracts.messages.EncodedMedia;
import dev.nextgpt.contracts.messages.JobEncoded;
import dev.nextgpt.contracts.messages.Role;
import dev.nextgpt.contracts.messages.Turn;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.TensorCodec;
import dev.nextgpt.objectstore.ObjectStoreUnavailableException;
import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.runtime.llm.Conversation;
import dev.nextgpt.runtime.llm.UserMessage;
import dev.nextgpt.worker.StageFailure;
import dev.nextgpt.worker.TransientFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the runtime's {@link Conversation} from an encoded job: each user turn becomes a {@link UserMessage}
 * (its media embeddings in order, then its text parts joined by a space, as NExT-GPT places media first), each
 * assistant turn the answer of the user turn before it; the last user turn is the new message.
 */
public final class ConversationAssembler {
    private static final TensorCodec CODEC = new TensorCodec();

    private final ClaimCheck claims;
    private final int hidden;

    public ConversationAssembler(ClaimCheck claims, int hidden) {
        this.claims = claims;
        this.hidden = hidden;
    }

    public Conversation assemble(JobEncoded job) {
        List<Turn> turns = job.turns();
        List<Conversation.Turn> history = new ArrayList<>();
        UserMessage pending = null;
        for (int t = 0; t < turns.size() - 1; t++) {
            Turn turn = turns.get(t);
            if (turn.role() == Role.USER) {
                if (pending != null) {
                    history.add(new Conversation.Turn(pending, ""));
                }
                pending = userMessage(job, t);
            } else {
                String answer = text(turn);
                history.add(new Conversation.Turn(pending == null ? UserMessage.text("") : pending, answer));
                pending = null;
            }
        }
        if (pending != null) {
            history.add(new Conversation.Turn(pending, ""));
        }
        return new Conversation(history, userMessage(job, turns.size() - 1));
    }

    private UserMessage userMessage(JobEncoded job, int t) {
        List<ContentPart> content = job.turns().get(t).content();
        List<MediaEmbedding> media = new ArrayList<>();
        for (int p = 0; p < content.size(); p++) {
            if (content.get(p) instanceof ContentPart.Media) {
                media.add(embedding(job, t, p));
            }
        }
        return new UserMessage(media, text(job.turns().get(t)));
    }

    private static String text(Turn turn) {
        StringBuilder text = new StringBuilder();
        for (ContentPart part : turn.content()) {
            if (part instanceof ContentPart.Text s) {
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(s.text());
            }
        }
        return text.toString();
    }

    private MediaEmbedding embedding(JobEncoded job, int t, int p) {
        EncodedMedia media = job.mediaAt(t, p);
        String where = "media turns[" + t + "].content[" + p + "] (" + media.modality().wireName() + ")";
        byte[] blob;
        try {
            blob = media.embeddings().resolve(claims);
        } catch (ObjectStoreUnavailableException e) {
            throw new TransientFailure("object store unavailable while reading " + media.embeddings().claimCheck(), e);
        } catch (RuntimeException e) {
            throw new StageFailure(job.jobId(), where + ": embeddings cannot be read: " + e.getMessage(), e);
        }
        FloatTensor tensor;
        try {
            tensor = CODEC.decode(blob).require(EncodedMedia.TENSOR);
        } catch (RuntimeException e) {
            throw new StageFailure(job.jobId(), where + ": embeddings are not valid safetensors: " + e.getMessage(), e);
        }
        if (tensor.rank() != 2 || tensor.dim(1) != hidden || tensor.dim(0) < 1) {
            throw new StageFailure(job.jobId(), where + ": embeddings have shape " + java.util.Arrays.toString(tensor.shape())
                    + ", the LLM needs [n, " + hidden + "]");
        }
        return new MediaEmbedding(media.modality(), (int) tensor.dim(0), hidden, tensor.values());
    }
}
