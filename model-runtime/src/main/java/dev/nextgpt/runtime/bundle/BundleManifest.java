package dev.nextgpt.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.nextgpt.contracts.Modality;
import java.util.List;
import java.util.Map;

/**
 * The typed form of {@code bundle.json} (format {@value #FORMAT}, version {@value #FORMAT_VERSION}); see
 * {@code models/README.md} for the meaning of every field.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BundleManifest(
        @JsonProperty("format") String format,
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("seed") Long seed,
        @JsonProperty("files") Map<String, FileEntry> files,
        @JsonProperty("tokenizer") TokenizerSpec tokenizer,
        @JsonProperty("signal_tokens") Map<String, SignalGroupSpec> signalTokens,
        @JsonProperty("llm") LlmSpec llm,
        @JsonProperty("encoders") EncodersSpec encoders,
        @JsonProperty("decoders") Map<String, DecoderSpec> decoders,
        @JsonProperty("components") Map<String, ComponentSpec> components) {

    public static final String FORMAT = "nextgpt-bundle";
    public static final int FORMAT_VERSION = 1;

    /** Size and checksum of one bundle file. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileEntry(@JsonProperty("sha256") String sha256, @JsonProperty("bytes") long bytes) {}

    /** The SentencePiece tokenizer and the ids the runtime needs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TokenizerSpec(
            @JsonProperty("file") String file,
            @JsonProperty("type") String type,
            @JsonProperty("bos_id") int bosId,
            @JsonProperty("eos_id") int eosId,
            @JsonProperty("unk_id") int unkId,
            @JsonProperty("pad_id") int padId,
            @JsonProperty("base_vocab_size") int baseVocabSize) {}

    /** One modality's signal-token group: consecutive ids starting at {@code firstId}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SignalGroupSpec(@JsonProperty("first_id") int firstId, @JsonProperty("tokens") List<String> tokens) {
        public int count() {
            return tokens.size();
        }

        public boolean contains(int id) {
            return id >= firstId && id < firstId + tokens.size();
        }
    }

    /** LLM dims, prompt template, stop strings and default generation parameters. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LlmSpec(
            @JsonProperty("vocab_size") int vocabSize,
            @JsonProperty("hidden_size") int hiddenSize,
            @JsonProperty("num_layers") int numLayers,
            @JsonProperty("num_heads") int numHeads,
            @JsonProperty("head_dim") int headDim,
            @JsonProperty("max_positions") int maxPositions,
            @JsonProperty("prompt") PromptSpec prompt,
            @JsonProperty("stop_strings") List<String> stopStrings,
            @JsonProperty("generation") GenerationDefaults generation) {}

    /** The conversation template (see models/README.md, "Prompt"). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PromptSpec(
            @JsonProperty("human") String human,
            @JsonProperty("assistant") String assistant,
            @JsonProperty("turn_end") String turnEnd,
            @JsonProperty("media") Map<String, List<String>> media) {

        /** The opening and closing text around a media item's embeddings, e.g. {@code <Img>} and {@code </Img>}. */
        public List<String> mediaTags(Modality modality) {
            List<String> tags = media.get(modality.wireName());
            if (tags == null || tags.size() != 2) {
                throw new BundleException("bundle.json: llm.prompt.media." + modality.wireName() + " must hold [open, close]");
            }
            return tags;
        }
    }

    /** Default sampling parameters of the bundle. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GenerationDefaults(
            @JsonProperty("max_new_tokens") int maxNewTokens,
            @JsonProperty("temperature") double temperature,
            @JsonProperty("top_p") double topP,
            @JsonProperty("top_k") int topK) {}

    /** Encoder preprocessing sizes per modality. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EncodersSpec(
            @JsonProperty("image") ImageEncoderSpec image,
            @JsonProperty("audio") AudioEncoderSpec audio,
            @JsonProperty("video") VideoEncoderSpec video,
            @JsonProperty("embedding_dim") int embeddingDim,
            @JsonProperty("tokens_per_item") int tokensPerItem) {}

    /** ImageBind vision preprocessing at the bundle's size. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ImageEncoderSpec(
            @JsonProperty("size") int size,
            @JsonProperty("mean") float[] mean,
            @JsonProperty("std") float[] std) {}

    /** ImageBind audio preprocessing: clips of Kaldi fbank. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AudioEncoderSpec(
            @JsonProperty("sample_rate") int sampleRate,
            @JsonProperty("num_mel_bins") int numMelBins,
            @JsonProperty("target_frames") int targetFrames,
            @JsonProperty("clip_seconds") double clipSeconds,
            @JsonProperty("clips") int clips,
            @JsonProperty("mean") float mean,
            @JsonProperty("std") float std) {}

    /** ImageBind video preprocessing: clips × spatial crops of a few frames. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record VideoEncoderSpec(
            @JsonProperty("size") int size,
            @JsonProperty("clips") int clips,
            @JsonProperty("clip_seconds") double clipSeconds,
            @JsonProperty("frames_per_clip") int framesPerClip,
            @JsonProperty("spatial_crops") int spatialCrops,
            @JsonProperty("mean") float[] mean,
            @JsonProperty("std") float[] std) {}

    /** A modality's output projection, latent diffusion model and media output. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DecoderSpec(
            @JsonProperty("query_count") int queryCount,
            @JsonProperty("conditioning_dim") int conditioningDim,
            @JsonProperty("latent_shape") long[] latentShape,
            @JsonProperty("latent_scale") double latentScale,
            @JsonProperty("output") OutputSpec output,
            @JsonProperty("negative_prompt_ids") long[] negativePromptIds,
            @JsonProperty("scheduler") SchedulerSpec scheduler,
            @JsonProperty("defaults") DiffusionDefaults defaults,
            @JsonProperty("limits") DiffusionLimits limits) {}

    /** Media produced by a decoder (only the fields of its modality are set). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OutputSpec(
            @JsonProperty("width") Integer width,
            @JsonProperty("height") Integer height,
            @JsonProperty("frames") Integer frames,
            @JsonProperty("fps") Integer fps,
            @JsonProperty("sample_rate") Integer sampleRate,
            @JsonProperty("seconds") Double seconds,
            @JsonProperty("mel_bins") Integer melBins,
            @JsonProperty("hop_length") Integer hopLength) {}

    /** The noise schedule the denoiser was trained with (diffusers naming). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SchedulerSpec(
            @JsonProperty("num_train_timesteps") int numTrainTimesteps,
            @JsonProperty("beta_start") double betaStart,
            @JsonProperty("beta_end") double betaEnd,
            @JsonProperty("beta_schedule") String betaSchedule,
            @JsonProperty("prediction_type") String predictionType,
            @JsonProperty("set_alpha_to_one") boolean setAlphaToOne,
            @JsonProperty("steps_offset") int stepsOffset) {}

    /** Default diffusion parameters. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DiffusionDefaults(
            @JsonProperty("steps") int steps,
            @JsonProperty("guidance_scale") double guidanceScale,
            @JsonProperty("scheduler") String scheduler) {}

    /** Bounds a request's diffusion parameters must stay within. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DiffusionLimits(@JsonProperty("max_steps") int maxSteps) {}

    /** The signal-token group of a modality. */
    public SignalGroupSpec signalGroup(Modality modality) {
        SignalGroupSpec group = signalTokens == null ? null : signalTokens.get(modality.wireName());
        if (group == null) {
            throw new BundleException("bundle.json: no signal_tokens." + modality.wireName());
        }
        return group;
    }

    /** The decoder section of a modality. */
    public DecoderSpec decoder(Modality modality) {
        DecoderSpec decoder = decoders == null ? null : decoders.get(modality.wireName());
        if (decoder == null) {
            throw new BundleException("bundle.json: no decoders." + modality.wireName());
        }
        return decoder;
    }

    /** The contract of a component. */
    public ComponentSpec component(String name) {
        ComponentSpec spec = components == null ? null : components.get(name);
        if (spec == null) {
            throw new BundleException("bundle.json: no component '" + name + "'");
        }
        return spec;
    }
}
