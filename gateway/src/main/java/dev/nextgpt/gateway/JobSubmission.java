package dev.nextgpt.gateway;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.messages.DiffusionParams;
import dev.nextgpt.contracts.messages.GenerationParams;
import dev.nextgpt.contracts.messages.Role;
import java.util.List;
import java.util.Map;

/**
 * A job request that passed every check of the API: the conversation with its media still to resolve (file ids,
 * inline bytes or multipart parts), forced outputs (empty: the model decides), parameters, deadline and webhook.
 */
public record JobSubmission(
        List<TurnInput> turns,
        List<Modality> forcedOutputs,
        GenerationParams generation,
        Map<Modality, DiffusionParams> diffusion,
        Integer deadlineSeconds,
        WebhookInput webhook) {

    /** One turn of the conversation. */
    public record TurnInput(Role role, List<PartInput> parts) {
    }

    /** A content part. */
    public sealed interface PartInput permits TextInput, MediaInput {
    }

    /** A text part. */
    public record TextInput(String text) implements PartInput {
    }

    /**
     * A media part, from exactly one source.
     *
     * @param field the part's path in the request, for messages: {@code messages[0].content[1]}
     * @param fileId a {@code file-<sha256>} from {@code POST /v1/files}
     * @param data inline bytes (from base64)
     * @param formPart the name of a multipart part holding the bytes
     */
    public record MediaInput(String field, Modality modality, String fileId, byte[] data, String formPart)
            implements PartInput {
    }

    /** Where to report the terminal state, and the secret that signs the reports. */
    public record WebhookInput(String url, String secret) {
    }
}
