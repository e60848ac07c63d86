package dev.nextgpt.cli;

import dev.nextgpt.cli.CliErrors.BadInputException;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.llm.GenerationParams;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a command asks of generation — the seed, sampling overrides ({@code null}: the bundle's) and the outputs to
 * force — and how that becomes {@link GenerationParams}. Shared by {@code run}, {@code bench} and {@code eval}.
 */
record GenerationOptions(long seed, Integer maxTokens, Double temperature, Double topP, Integer topK, Set<Modality> forced) {

    GenerationOptions {
        forced = forced == null || forced.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(forced));
    }

    /** The bundle's defaults with the seed, the forced outputs and every override given applied. */
    GenerationParams apply(GenerationParams defaults) {
        GenerationParams p = defaults.withSeed(seed).withForcedModalities(forced);
        if (maxTokens != null) {
            p = p.withMaxNewTokens(maxTokens);
        }
        if (temperature != null) {
            p = p.withTemperature(temperature);
        }
        if (topP != null) {
            p = p.withTopP(topP);
        }
        if (topK != null) {
            p = p.withTopK(topK);
        }
        return p;
    }

    /** {@code auto} (or nothing): the model decides; else a comma-separated list of image, audio, video to force. */
    static Set<Modality> parseOutputs(String what, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("auto")) {
            return EnumSet.noneOf(Modality.class);
        }
        return forcedOutputs(what, Arrays.asList(v.split(",")));
    }

    /** Modality names (image, audio, video; blanks skipped) to force; a bad one is bad input labelled {@code what}. */
    static Set<Modality> forcedOutputs(String what, Iterable<String> names) {
        Set<Modality> forced = EnumSet.noneOf(Modality.class);
        for (String name : names) {
            if (name == null || name.isBlank()) {
                continue;
            }
            try {
                forced.add(Modality.fromWire(name.trim()));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(what + ": " + e.getMessage());
            }
        }
        return forced;
    }
}
