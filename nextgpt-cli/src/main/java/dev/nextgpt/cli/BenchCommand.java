package dev.nextgpt.cli;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.bundle.BundleManifest;
import dev.nextgpt.runtime.llm.GenerationParams;
import dev.nextgpt.runtime.llm.TokenListener;
import dev.nextgpt.runtime.media.Mp4Writer;
import dev.nextgpt.runtime.media.PngWriter;
import dev.nextgpt.runtime.media.RgbImage;
import dev.nextgpt.runtime.media.WavWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nextgpt bench}: per-stage latency of the full any-to-any path at several batch sizes, each next to the
 * baseline measured in the same run — the same requests served one at a time, as the reference code does.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Prints per-stage latency (ms, median of --repeat runs) at each batch size, batched vs one at a time.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--bundle", description = "Model bundle folder (default: models/nano of this checkout).")
    Path bundle;

    @Option(names = "--batch", split = ",", description = "Batch sizes (default ${DEFAULT-VALUE}).", defaultValue = "1,4,8")
    int[] batches;

    @Option(names = "--repeat", description = "Measured runs per configuration, after one warm-up (default ${DEFAULT-VALUE}).",
            defaultValue = "5")
    int repeat;

    @Option(names = "--tokens", description = "Max new tokens per request (default ${DEFAULT-VALUE}).", defaultValue = "16")
    int tokens;

    @Option(names = "--steps", description = "Diffusion steps (default: the bundle's).")
    Integer steps;

    @Option(names = "--inputs", description = "Media inputs per request: any of image,audio,video or none (default ${DEFAULT-VALUE}).",
            defaultValue = "image,audio,video")
    String inputs;

    @Option(names = "--outputs", description = "Outputs forced per request (default ${DEFAULT-VALUE}).",
            defaultValue = "image,audio,video")
    String outputs;

    @Override
    public Integer call() {
        if (repeat < 1 || tokens < 1 || Arrays.stream(batches).anyMatch(b -> b < 1 || b > 64)) {
            throw new CliErrors.BadInputException("--repeat and --tokens must be ≥ 1 and --batch sizes within 1..64");
        }
        Path bundleDir = bundle != null ? bundle : Launcher.defaultBundle();
        try (OneShotPipeline pipeline = new OneShotPipeline(bundleDir)) {
            List<OneShotPipeline.MediaInput> media = syntheticInputs(pipeline.bundle().manifest(), inputs);
            GenerationParams gen = pipeline.llm().defaultParams()
                    .withMaxNewTokens(tokens).withForcedModalities(GenerationOptions.parseOutputs("--outputs", outputs));
            System.out.printf("bundle %s on %s, %d threads; load %.0f ms; %d new tokens, inputs [%s], outputs [%s]%n",
                    pipeline.bundle().manifest().name(), dev.nextgpt.runtime.bundle.TorchRuntime.device(),
                    Runtime.getRuntime().availableProcessors(), pipeline.loadMs, tokens, inputs, outputs);
            List<String> rows = new ArrayList<>();
            List<Map<String, Double>> results = new ArrayList<>();
            // warm every batch shape once before measuring anything, so no row pays first-call costs
            for (int b : batches) {
                pipeline.run(requests(b, media, gen), TokenListener.NONE);
            }
            for (int b : batches) {
                List<OneShotPipeline.Request> requests = requests(b, media, gen);
                Map<String, Double> batched = measure(() -> List.of(pipeline.run(requests, TokenListener.NONE).get(0).timings()));
                Map<String, Double> sequential = measure(() -> {
                    List<Stopwatch> each = new ArrayList<>();
                    for (OneShotPipeline.Request r : requests) {
                        each.add(pipeline.run(List.of(r), TokenListener.NONE).get(0).timings());
                    }
                    return each;
                });
                rows.add("batch " + b + " (one batch)");
                results.add(batched);
                rows.add("batch " + b + " (one at a time)");
                results.add(sequential);
            }
            print(rows, results, batches);
        }
        return 0;
    }

    private List<OneShotPipeline.Request> requests(int batch, List<OneShotPipeline.MediaInput> media, GenerationParams gen) {
        List<OneShotPipeline.Request> requests = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            requests.add(new OneShotPipeline.Request("describe these and make more like them", media, List.of(),
                    gen.withSeed((long) i), new OneShotPipeline.DiffusionOverrides(steps, null, null, i)));
        }
        return requests;
    }

    /** Median over {@code repeat} runs (after a warm-up) of each stage's total across the runs' stopwatches. */
    private Map<String, Double> measure(java.util.function.Supplier<List<Stopwatch>> run) {
        run.get();
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (int r = 0; r < repeat; r++) {
            long t = System.nanoTime();
            Map<String, Double> sum = new LinkedHashMap<>();
            for (Stopwatch s : run.get()) {
                s.stages().forEach((k, v) -> sum.merge(k, v, Double::sum));
            }
            sum.put("total", Stopwatch.ms(t));
            sum.forEach((k, v) -> samples.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        Map<String, Double> median = new LinkedHashMap<>();
        samples.forEach((k, v) -> {
            double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            median.put(k, a[a.length / 2]);
        });
        return median;
    }

    private static void print(List<String> rows, List<Map<String, Double>> results, int[] batches) {
        LinkedHashSet<String> stages = new LinkedHashSet<>();
        results.forEach(r -> stages.addAll(r.keySet()));
        stages.remove("llm");
        stages.remove("total");
        StringBuilder header = new StringBuilder(String.format("%-28s", "ms (median)"));
        for (String s : stages) {
            header.append(String.format("%14s", s));
        }
        header.append(String.format("%12s%12s%10s", "total", "req/s", "speedup"));
        System.out.println(header);
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Double> r = results.get(i);
            int b = batches[i / 2];
            StringBuilder line = new StringBuilder(String.format("%-28s", rows.get(i)));
            for (String s : stages) {
                line.append(String.format("%14.1f", r.getOrDefault(s, 0.0)));
            }
            double total = r.get("total");
            double baseline = results.get(i - i % 2 + 1).get("total");
            line.append(String.format("%12.1f%12.2f%9.2fx", total, b * 1000.0 / total, baseline / total));
            System.out.println(line);
        }
        System.out.println("speedup = (one at a time total) / (this row's total); llm_prefill/llm_decode are per batch, not per request");
    }

    /** One image, one 1.5 s audio clip and one 2 s video, made in memory at the bundle's sizes. */
    static List<OneShotPipeline.MediaInput> syntheticInputs(BundleManifest manifest, String which) {
        EnumSet<Modality> kinds = EnumSet.noneOf(Modality.class);
        if (!which.isBlank() && !which.equals("none")) {
            kinds.addAll(GenerationOptions.parseOutputs("--inputs", which));
        }
        List<OneShotPipeline.MediaInput> media = new ArrayList<>();
        int size = Math.max(manifest.encoders().image().size(), 32);
        if (kinds.contains(Modality.IMAGE)) {
            media.add(new OneShotPipeline.MediaInput(Modality.IMAGE, null, PngWriter.write(gradient(size, size, 0))));
        }
        if (kinds.contains(Modality.AUDIO)) {
            int rate = manifest.encoders().audio().sampleRate();
            float[] tone = new float[rate * 3 / 2];
            for (int i = 0; i < tone.length; i++) {
                tone[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / rate));
            }
            media.add(new OneShotPipeline.MediaInput(Modality.AUDIO, null, WavWriter.writePcm16(tone, rate)));
        }
        if (kinds.contains(Modality.VIDEO)) {
            List<RgbImage> frames = new ArrayList<>();
            for (int f = 0; f < 16; f++) {
                frames.add(gradient(size, size, f * 8));
            }
            media.add(new OneShotPipeline.MediaInput(Modality.VIDEO, null, new Mp4Writer().write(frames, 8)));
        }
        return media;
    }

    private static RgbImage gradient(int w, int h, int shift) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                rgb[i] = (byte) ((x * 255 / w + shift) & 0xff);
                rgb[i + 1] = (byte) (y * 255 / h);
                rgb[i + 2] = (byte) 128;
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
