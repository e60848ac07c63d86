package dev.nextgpt.gateway.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /v1/jobs}, for the OpenAPI document only: the gateway reads requests field by field
 * ({@code rest/JobRequestReader}) so each refusal names its field.
 */
@Schema(name = "JobRequest", description = "A job: the conversation, the outputs, parameters, deadline, webhook")
public record JobRequestSchema(
        @Schema(required = true, description = "Turns, oldest first; the last one is the user's") List<Turn> messages,
        @Schema(description = "\"auto\" (the model decides; default) or the modalities to force, e.g. [\"image\"]",
                oneOf = {String.class, String[].class}) Object outputs,
        @Schema(description = "Diffusion settings per output modality: keys image, audio, video")
        Map<String, Diffusion> params,
        Generation generation,
        @JsonProperty("deadline_seconds") @Schema(description = "Fail the job if it is not done this many seconds "
                + "after submission", minimum = "1") Integer deadlineSeconds,
        Webhook webhook) {

    /** A turn. */
    public record Turn(@Schema(enumeration = {"user", "assistant"}, required = true) String role,
            @Schema(required = true, description = "A string, or a list of parts") List<Part> content) {
    }

    /** A content part. */
    public record Part(
            @Schema(enumeration = {"text", "image", "audio", "video"}, required = true) String type,
            @Schema(description = "The text of a text part") String text,
            @JsonProperty("file_id") @Schema(description = "file-<sha256> from POST /v1/files") String fileId,
            @Schema(description = "Base64 media bytes (or a data: URL)") String data,
            @Schema(description = "Multipart requests: the form field holding the file") String part) {
    }

    /** Diffusion settings of one modality's outputs; absent fields take the bundle's defaults. */
    public record Diffusion(
            @Schema(minimum = "1", description = "Denoising steps (up to the configured maximum)") Integer steps,
            @Schema(minimum = "0", description = "Classifier-free guidance scale") Double guidance,
            @Schema(minimum = "0", maximum = "4294967295") Long seed,
            @Schema(enumeration = {"ddim", "dpmpp_2m"}) String scheduler,
            @Schema(description = "image, video: WIDTHxHEIGHT, one the deployment produces") String size,
            @Schema(description = "video: frame count within the configured bounds") Integer frames,
            @Schema(description = "audio: length in seconds within the configured bounds") Double seconds) {
    }

    /** Text generation settings. */
    public record Generation(
            @JsonProperty("max_tokens") @Schema(minimum = "1") Integer maxTokens,
            @Schema(minimum = "0") Double temperature,
            @JsonProperty("top_p") @Schema(minimum = "0", exclusiveMinimum = true, maximum = "1") Double topP,
            @JsonProperty("top_k") @Schema(minimum = "0") Integer topK,
            @Schema(minimum = "0", maximum = "4294967295") Long seed) {
    }

    /** Where the terminal state is posted, signed with the secret. */
    public record Webhook(@Schema(required = true, description = "http(s) URL of a public host") String url,
            @Schema(required = true, minLength = 8, maxLength = 256) String secret) {
    }
}
