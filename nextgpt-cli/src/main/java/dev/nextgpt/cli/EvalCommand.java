package dev.nextgpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.cli.CliErrors.BadInputException;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.llm.GenerationParams;
import dev.nextgpt.runtime.llm.TokenListener;
import dev.nextgpt.runtime.media.MediaKind;
import dev.nextgpt.runtime.media.MediaSniffer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nextgpt eval}: runs the cases of a JSON Lines file through all tiers, {@code --batch} cases per batch, and
 * writes each case's answer and media to {@code OUT/<id>/} and one result line per case to
 * {@code OUT/results.jsonl}, in input order, for an evaluation script to judge. A case that cannot run is reported
 * in its line and the others still run. See {@link EvalCases} for the cases' format.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Runs the cases of a JSONL file in batches; writes OUT/<id>/text.txt + media and OUT/results.jsonl.")
final class EvalCommand implements Callable<Integer> {
    /** The result lines' file in {@code --out}. */
    static final String RESULTS_FILE = "results.jsonl";

    /** Files of an earlier run in a case folder: removed before the case writes its own. */
    private static final Pattern OUTPUT_FILE = Pattern.compile(
            Pattern.quote(MediaFiles.TEXT_FILE) + "|image-\\d+\\.png|audio-\\d+\\.wav|video-\\d+\\.mp4");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--cases", required = true, description = "JSON Lines file, one case a line.")
    Path cases;

    @Option(names = "--out", required = true, description = "Folder to write OUT/<id>/ and OUT/results.jsonl to (created if missing).")
    Path out;

    @Option(names = "--bundle", description = "Model bundle folder (default: models/nano of this checkout).")
    Path bundle;

    @Option(names = "--batch", description = "Cases per batch, 1..64 (default ${DEFAULT-VALUE}).", defaultValue = "16")
    int batch;

    @Option(names = "--steps", description = "Diffusion steps (default: the bundle's).")
    Integer steps;

    @Option(names = "--guidance", description = "Classifier-free guidance scale (default: the bundle's).")
    Double guidance;

    @Option(names = "--scheduler", description = "ddim or dpmpp_2m (default: the bundle's).")
    String scheduler;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        if (batch < 1 || batch > 64) {
            throw new BadInputException("--batch must be within 1..64, got " + batch);
        }
        if (!Files.isRegularFile(cases)) {
            throw new BadInputException("--cases " + cases + ": no such file");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(cases, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException("--cases " + cases + ": cannot be read: " + e.getMessage(), e);
        }
        List<EvalCases.Entry> entries = EvalCases.parse(lines, cases.toAbsolutePath().getParent());
        Path bundleDir = bundle != null ? bundle : Launcher.defaultBundle();
        Files.createDirectories(out);

        int errors;
        double loadMs;
        try (OneShotPipeline pipeline = new OneShotPipeline(bundleDir)) {
            loadMs = pipeline.loadMs;
            checkDiffusionOverrides(pipeline);
            errors = runAll(pipeline, entries);
        }
        double wallS = Stopwatch.ms(start) / 1000;
        double runS = Math.max(wallS - loadMs / 1000, 1e-9);
        System.out.printf("eval: %d cases, %d errors, %.1f s wall (load %.1f s), %.2f cases/s; results in %s%n",
                entries.size(), errors, wallS, loadMs / 1000, (entries.size() - errors) / runS, out.resolve(RESULTS_FILE));
        return 0;
    }

    /** Runs every runnable case, {@code --batch} at a time, and writes results.jsonl; returns the number of errors. */
    private int runAll(OneShotPipeline pipeline, List<EvalCases.Entry> entries) throws IOException {
        try (Results results = new Results(out.resolve(RESULTS_FILE), entries)) {
            // greedy, with the bundle's other generation defaults (max new tokens, stop strings)
            GenerationParams defaults = pipeline.llm().defaultParams().withTemperature(0);
            List<Integer> runnable = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                EvalCases.Entry e = entries.get(i);
                if (e.runnable() == null) {
                    results.error(i, e.error());
                } else {
                    runnable.add(i);
                }
            }
            results.flush();
            int batches = (runnable.size() + batch - 1) / batch;
            for (int b = 0; b < batches; b++) {
                List<Integer> chunk = runnable.subList(b * batch, Math.min((b + 1) * batch, runnable.size()));
                long t = System.nanoTime();
                List<Integer> ready = new ArrayList<>();
                List<OneShotPipeline.Request> requests = new ArrayList<>();
                for (int i : chunk) {
                    try {
                        requests.add(request(entries.get(i).runnable(), defaults));
                        ready.add(i);
                    } catch (BadInputException e) {
                        results.error(i, "line " + entries.get(i).line() + ": " + e.getMessage());
                    }
                }
                run(pipeline, entries, ready, requests, results);
                results.flush();
                System.err.printf("eval: batch %d/%d, %d cases, %.1f s%n", b + 1, batches, chunk.size(), Stopwatch.ms(t) / 1000);
            }
            return results.errors();
        }
    }

    /** Bad --steps/--guidance/--scheduler is bad command-line input, found before any case runs. */
    private void checkDiffusionOverrides(OneShotPipeline pipeline) {
        OneShotPipeline.DiffusionOverrides overrides = new OneShotPipeline.DiffusionOverrides(steps, guidance, scheduler, 0);
        for (Modality m : Modality.values()) {
            try {
                overrides.apply(pipeline.decoder(m));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--steps/--guidance/--scheduler: " + e.getMessage(), e);
            }
        }
    }

    /** The pipeline request of a case, with its media read and their type checked from the bytes. */
    private OneShotPipeline.Request request(EvalCases.Case c, GenerationParams defaults) {
        List<OneShotPipeline.HistoryTurn> history = new ArrayList<>();
        for (EvalCases.Turn turn : c.history()) {
            history.add(new OneShotPipeline.HistoryTurn(turn.text(), read(turn.media()), turn.answer()));
        }
        GenerationParams gen = new GenerationOptions(c.seed(), c.maxTokens(), 0.0, null, null, c.forced()).apply(defaults);
        return new OneShotPipeline.Request(c.text(), read(c.media()), history, gen,
                new OneShotPipeline.DiffusionOverrides(steps, guidance, scheduler, c.seed()));
    }

    private static List<OneShotPipeline.MediaInput> read(List<EvalCases.MediaRef> refs) {
        List<OneShotPipeline.MediaInput> media = new ArrayList<>();
        for (EvalCases.MediaRef ref : refs) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(ref.file());
            } catch (IOException e) {
                throw new BadInputException(ref.label() + " " + ref.file() + ": cannot be read: " + e.getMessage(), e);
            }
            try {
                MediaSniffer.sniff(bytes, MediaKind.valueOf(ref.modality().name()));
            } catch (RuntimeException e) {
                throw new BadInputException(ref.label() + " " + ref.file() + ": " + CliErrors.oneLine(e), e);
            }
            media.add(new OneShotPipeline.MediaInput(ref.modality(), ref.file(), bytes));
        }
        return media;
    }

    /**
     * Runs the requests as one batch and writes each result. Bad input in one case (media that does not decode, a
     * prompt longer than the context) fails its whole batch: then the cases run one at a time, so that only the bad
     * one is reported. A failure that is not bad input ends the command.
     */
    private void run(OneShotPipeline pipeline, List<EvalCases.Entry> entries, List<Integer> indices,
            List<OneShotPipeline.Request> requests, Results results) {
        if (requests.isEmpty()) {
            return;
        }
        List<OneShotPipeline.Result> outcomes;
        try {
            outcomes = pipeline.run(requests, TokenListener.NONE);
        } catch (RuntimeException e) {
            if (!CliErrors.isBadInput(e)) {
                throw e;
            }
            if (requests.size() == 1) {
                results.error(indices.get(0), "line " + entries.get(indices.get(0)).line() + ": " + CliErrors.oneLine(e));
                return;
            }
            for (int k = 0; k < requests.size(); k++) {
                run(pipeline, entries, List.of(indices.get(k)), List.of(requests.get(k)), results);
            }
            return;
        }
        for (int k = 0; k < outcomes.size(); k++) {
            int i = indices.get(k);
            String id = entries.get(i).id();
            try {
                results.ok(i, id, outcomes.get(k), write(id, outcomes.get(k)));
            } catch (IOException | IllegalStateException e) {
                results.error(i, "line " + entries.get(i).line() + ": writing " + out.resolve(id) + ": " + CliErrors.oneLine(e));
            }
        }
    }

    /** Writes a case's text and media into {@code OUT/<id>/} (as {@code run} does) and returns modality → path in OUT. */
    private Map<String, String> write(String id, OneShotPipeline.Result result) throws IOException {
        Path dir = out.resolve(id);
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path f : old.filter(f -> OUTPUT_FILE.matcher(f.getFileName().toString()).matches()).toList()) {
                Files.deleteIfExists(f);
            }
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (Map<String, Object> w : MediaFiles.writeResult(dir, result)) {
            files.putIfAbsent((String) w.get("modality"), id + "/" + w.get("file"));
        }
        return files;
    }

    /**
     * {@code results.jsonl}: one line per entry, in input order, written as soon as every entry before it is done
     * (so a long run can be followed, and a failed one keeps what it finished).
     */
    private static final class Results implements AutoCloseable {
        private final List<EvalCases.Entry> entries;
        private final String[] lines;
        private final BufferedWriter writer;
        private int written;
        private int errors;

        Results(Path file, List<EvalCases.Entry> entries) throws IOException {
            this.entries = entries;
            this.lines = new String[entries.size()];
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }

        void ok(int index, String id, OneShotPipeline.Result result, Map<String, String> files) {
            List<String> signals = new ArrayList<>();
            List<String> forced = new ArrayList<>();
            for (SignalGroup g : result.generation().signalGroups()) {
                (g.forced() ? forced : signals).add(g.modality().wireName());
            }
            set(index, line(id, result.generation().text(), signals, forced, files, null));
        }

        void error(int index, String message) {
            errors++;
            set(index, line(entries.get(index).id(), null, List.of(), List.of(), Map.of(), message));
        }

        int errors() {
            return errors;
        }

        private void set(int index, String line) {
            if (index < written || lines[index] != null) {
                throw new IllegalStateException("case " + entries.get(index).id() + " reported twice");
            }
            lines[index] = line;
        }

        private static String line(String id, String text, List<String> signals, List<String> forced,
                Map<String, String> outputs, String error) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id);
            json.put("text", text);
            json.put("signals", signals);
            json.put("forced", forced);
            json.put("outputs", outputs);
            json.put("error", error);
            try {
                return JSON.writeValueAsString(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes the lines that are ready, in order. */
        void flush() throws IOException {
            while (written < lines.length && lines[written] != null) {
                writer.write(lines[written]);
                writer.write('\n');
                lines[written++] = null;
            }
            writer.flush();
        }

        @Override
        public void close() throws IOException {
            try {
                flush();
            } finally {
                writer.close();
            }
        }
    }
}
