package dev.nextgpt.runtime.llm;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.bundle.BundleManifest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Sampling parameters of one request. Start from {@link #defaults(BundleManifest)} (the bundle's
 * {@code llm.generation} and {@code llm.stop_strings}) and change what the caller asks for with the {@code with…}
 * methods.
 *
 * @param maxNewTokens most tokens to generate (≥ 0); a signal group started at the end is still completed
 * @param temperature 0 for greedy (argmax), else the softmax temperature
 * @param topP nucleus sampling: keep the smallest set of most likely tokens whose probability reaches topP (1 = off)
 * @param topK keep only the k most likely tokens (0 = off)
 * @param seed seed of the request's random generator (same seed, same tokens); {@code null} picks one
 * @param stopStrings generation stops when the text contains one; the text is cut before it
 * @param forcedModalities modalities the caller wants generated: a group the model did not emit is appended at the end
 */
public record GenerationParams(
        int maxNewTokens,
        double temperature,
        double topP,
        int topK,
        Long seed,
        List<String> stopStrings,
        Set<Modality> forcedModalities) {

    public GenerationParams {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be ≥ 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number ≥ 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be ≥ 0 (0 = off), got " + topK);
        }
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
        forcedModalities = forcedModalities == null || forcedModalities.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(forcedModalities));
    }

    /** The bundle's defaults: {@code llm.generation} and {@code llm.stop_strings}, no seed, nothing forced. */
    public static GenerationParams defaults(BundleManifest manifest) {
        BundleManifest.LlmSpec llm = manifest.llm();
        BundleManifest.GenerationDefaults g = llm.generation();
        if (g == null) {
            return new GenerationParams(64, 0, 1, 0, null, llm.stopStrings(), Set.of());
        }
        return new GenerationParams(g.maxNewTokens(), g.temperature(), g.topP() <= 0 ? 1 : g.topP(), g.topK(), null,
                llm.stopStrings(), Set.of());
    }

    /** Greedy decoding with these limits and no stop strings (handy for tests and parity checks). */
    public static GenerationParams greedy(int maxNewTokens) {
        return new GenerationParams(maxNewTokens, 0, 1, 0, null, List.of(), Set.of());
    }

    public boolean greedy() {
        return temperature == 0;
    }

    public GenerationParams withMaxNewTokens(int value) {
        return new GenerationParams(value, temperature, topP, topK, seed, stopStrings, forcedModalities);
    }

    public GenerationParams withTemperature(double value) {
        return new GenerationParams(maxNewTokens, value, topP, topK, seed, stopStrings, forcedModalities);
    }

    public GenerationParams withTopP(double value) {
        return new GenerationParams(maxNewTokens, temperature, value, topK, seed, stopStrings, forcedModalities);
    }

    public GenerationParams withTopK(int value) {
        return new GenerationParams(maxNewTokens, temperature, topP, value, seed, stopStrings, forcedModalities);
    }

    public GenerationParams withSeed(Long value) {
        return new GenerationParams(maxNewTokens, temperature, topP, topK, value, stopStrings, forcedModalities);
    }

    public GenerationParams withStopStrings(List<String> value) {
        return new GenerationParams(maxNewTokens, temperature, topP, topK, seed, value, forcedModalities);
    }

    public GenerationParams withForcedModalities(Set<Modality> value) {
        return new GenerationParams(maxNewTokens, temperature, topP, topK, seed, stopStrings, value);
    }
}
