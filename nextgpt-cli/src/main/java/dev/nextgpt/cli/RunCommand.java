package dev.nextgpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nextgpt.cli.CliErrors.BadInputException;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.llm.GenerationParams;
import dev.nextgpt.runtime.llm.GenerationResult;
import dev.nextgpt.runtime.llm.TokenListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nextgpt run}: every tier once, in this JVM; writes text and media files and prints stage timings as JSON. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs encode → LLM → decode once and writes text.txt and image-N.png / audio-N.wav / video-N.mp4.")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--bundle", description = "Model bundle folder (default: models/nano of this checkout).")
    Path bundle;

    @Option(names = "--text", description = "The user's text.", defaultValue = "")
    String text;

    @Option(names = "--image", description = "Image input (PNG or JPEG); repeatable.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--audio", description = "Audio input (WAV, MP3, FLAC, OGG, M4A); repeatable.")
    List<Path> audios = new ArrayList<>();

    @Option(names = "--video", description = "Video input (MP4); repeatable.")
    List<Path> videos = new ArrayList<>();

    @Option(names = "--outputs", description = "auto (the model decides) or a list of image,audio,video to force.",
            defaultValue = "auto")
    String outputs;

    @Option(names = "--seed", description = "Seed for sampling and diffusion noise (default ${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Option(names = "--max-tokens", description = "Maximum new tokens (default: the bundle's).")
    Integer maxTokens;

    @Option(names = "--temperature", description = "Sampling temperature; 0 is greedy (default: the bundle's).")
    Double temperature;

    @Option(names = "--top-p", description = "Nucleus sampling mass (default: the bundle's).")
    Double topP;

    @Option(names = "--top-k", description = "Top-k sampling, 0 = off (default: the bundle's).")
    Integer topK;

    @Option(names = "--steps", description = "Diffusion steps (default: the bundle's).")
    Integer steps;

    @Option(names = "--guidance", description = "Classifier-free guidance scale (default: the bundle's).")
    Double guidance;

    @Option(names = "--scheduler", description = "ddim or dpmpp_2m (default: the bundle's).")
    String scheduler;

    @Option(names = "--out", required = true, description = "Folder to write the results to (created if missing).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Set<Modality> forced = GenerationOptions.parseOutputs("--outputs", outputs);
        List<OneShotPipeline.MediaInput> media = new ArrayList<>();
        readMedia(Modality.IMAGE, images, media);
        readMedia(Modality.AUDIO, audios, media);
        readMedia(Modality.VIDEO, videos, media);
        if (text.isBlank() && media.isEmpty()) {
            throw new BadInputException("nothing to run: give --text and/or --image/--audio/--video");
        }
        Path bundleDir = bundle != null ? bundle : Launcher.defaultBundle();
        Files.createDirectories(out);

        Stopwatch clock = new Stopwatch();
        long total = System.nanoTime();
        try (OneShotPipeline pipeline = new OneShotPipeline(bundleDir)) {
            clock.add("load", pipeline.loadMs);
            GenerationParams gen = new GenerationOptions(seed, maxTokens, temperature, topP, topK, forced)
                    .apply(pipeline.llm().defaultParams());
            OneShotPipeline.Request request = new OneShotPipeline.Request(text, media, List.of(), gen,
                    new OneShotPipeline.DiffusionOverrides(steps, guidance, scheduler, seed));
            OneShotPipeline.Result result = pipeline.run(List.of(request), TokenListener.NONE).get(0);
            result.timings().stages().forEach(clock::add);

            long t = System.nanoTime();
            List<Map<String, Object>> written = MediaFiles.writeResult(out, result);
            clock.add("write_media", Stopwatch.ms(t));
            clock.add("total", Stopwatch.ms(total));
            System.out.println(summary(pipeline, result.generation(), written, clock));
        }
        return 0;
    }

    private static void readMedia(Modality modality, List<Path> files, List<OneShotPipeline.MediaInput> into) {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new BadInputException("--" + modality.wireName() + " " + f + ": no such file");
            }
            try {
                into.add(new OneShotPipeline.MediaInput(modality, f, Files.readAllBytes(f)));
            } catch (IOException e) {
                throw new BadInputException("--" + modality.wireName() + " " + f + ": cannot be read: " + e.getMessage(), e);
            }
        }
    }

    private String summary(OneShotPipeline pipeline, GenerationResult gen, List<Map<String, Object>> written, Stopwatch clock)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bundle", pipeline.bundle().manifest().name());
        json.put("text", gen.text());
        json.put("finish_reason", gen.finishReason().name().toLowerCase(Locale.ROOT));
        json.put("prompt_tokens", gen.promptTokens());
        json.put("generated_tokens", gen.generatedTokens());
        json.put("outputs", written);
        json.put("out", out.toAbsolutePath().toString());
        Map<String, Object> timings = new LinkedHashMap<>();
        clock.stages().forEach((k, v) -> timings.put(k, Math.round(v * 100) / 100.0));
        json.put("timings_ms", timings);
        return new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json);
    }
}
