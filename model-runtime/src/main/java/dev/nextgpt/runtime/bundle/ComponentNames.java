package dev.nextgpt.runtime.bundle;

import dev.nextgpt.contracts.Modality;
import java.util.ArrayList;
import java.util.List;

/** The component names of the bundle contract, and which of them each tier needs. */
public final class ComponentNames {
    public static final String LLM_EMBED = "llm.embed";
    public static final String LLM_FORWARD = "llm.forward";

    private ComponentNames() {}

    public static String encoder(Modality m) {
        return "encoder." + m.wireName();
    }

    public static String inputProjection(Modality m) {
        return "input_projection." + m.wireName();
    }

    public static String outputProjection(Modality m) {
        return "output_projection." + m.wireName();
    }

    public static String textEncoder(Modality m) {
        return "decoder." + m.wireName() + ".text_encoder";
    }

    public static String denoiser(Modality m) {
        return "decoder." + m.wireName() + ".denoiser";
    }

    public static String vaeDecoder(Modality m) {
        return "decoder." + m.wireName() + ".vae_decoder";
    }

    public static final String AUDIO_VOCODER = "decoder.audio.vocoder";

    /** Encoding tier: encoder and input projection of each modality. */
    public static List<String> encodingTier() {
        List<String> names = new ArrayList<>();
        for (Modality m : Modality.values()) {
            names.add(encoder(m));
            names.add(inputProjection(m));
        }
        return names;
    }

    /** Reasoning tier: token embeddings and the LLM forward. */
    public static List<String> llmTier() {
        return List.of(LLM_EMBED, LLM_FORWARD);
    }

    /** Decoding tier of one modality (it also reads the signal-token rows of {@link #LLM_EMBED}). */
    public static List<String> decodingTier(Modality m) {
        List<String> names = new ArrayList<>(List.of(
                LLM_EMBED, outputProjection(m), textEncoder(m), denoiser(m), vaeDecoder(m)));
        if (m == Modality.AUDIO) {
            names.add(AUDIO_VOCODER);
        }
        return names;
    }

    /** Every component of the contract. */
    public static List<String> all() {
        List<String> names = new ArrayList<>(encodingTier());
        names.addAll(llmTier());
        for (Modality m : Modality.values()) {
            for (String n : decodingTier(m)) {
                if (!names.contains(n)) {
                    names.add(n);
                }
            }
        }
        return names;
    }
}
