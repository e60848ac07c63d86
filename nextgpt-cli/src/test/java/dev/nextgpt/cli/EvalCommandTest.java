package dev.nextgpt.cli;

import static dev.nextgpt.cli.RunCommandTest.bundle;
import static dev.nextgpt.cli.RunCommandTest.cli;
import static dev.nextgpt.cli.RunCommandTest.ffprobe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.runtime.media.PngWriter;
import dev.nextgpt.runtime.media.RgbImage;
import dev.nextgpt.runtime.media.WavWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} end to end on the committed nano bundle. One run of four cases — forced outputs, an image input after
 * a history turn with an audio input, a missing media file, a malformed line — is shared by the first tests.
 */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    /** The shared four-case run: its outcome, its out folder, and its results.jsonl lines. */
    static RunCommandTest.Outcome fourCases;
    static Path out;
    static List<JsonNode> results;

    @TempDir
    Path tmp;

    @BeforeAll
    static void runFourCases() throws IOException {
        Path in = shared.resolve("in");
        Files.createDirectories(in.resolve("media"));
        writeRedPng(in.resolve("media/red.png"));
        writeTone(in.resolve("media/tone.wav"));
        Path cases = in.resolve("cases.jsonl");
        Files.writeString(cases, String.join("\n",
                "{\"id\": \"forced\", \"text\": \"what can you do?\", \"outputs\": [\"image\", \"audio\"], \"seed\": 7}",
                "{\"id\": \"with-history\", \"text\": \"and what is in this picture?\","
                        + " \"media\": [{\"modality\": \"image\", \"path\": \"media/red.png\"}],"
                        + " \"history\": [{\"text\": \"what do you hear?\","
                        + " \"media\": [{\"modality\": \"audio\", \"path\": \"" + in.resolve("media/tone.wav") + "\"}],"
                        + " \"answer\": \"a tone\"}], \"max_tokens\": 8}",
                "{\"id\": \"missing\", \"text\": \"describe this\", \"media\": [{\"modality\": \"video\", \"path\": \"media/absent.mp4\"}]}",
                "{\"id\": \"broken\", \"text\": ",
                ""), StandardCharsets.UTF_8);
        out = shared.resolve("out");
        fourCases = cli("eval", "--bundle", bundle().toString(), "--cases", cases.toString(), "--out", out.toString(), "--batch", "4");
        results = readResults(out);
    }

    @Test
    void runCompletesWithExitZeroOneResultLinePerCaseInInputOrderAndASummary() {
        assertEquals(0, fourCases.code(), fourCases.err());
        assertEquals(List.of("forced", "with-history", "missing", "line-4"), results.stream().map(r -> r.get("id").asText()).toList());
        List<String> stdout = fourCases.out().lines().toList();
        assertEquals(1, stdout.size(), fourCases.out());
        assertTrue(stdout.get(0).matches("eval: 4 cases, 2 errors, [0-9.]+ s wall .*[0-9.]+ cases/s.*"), stdout.get(0));
    }

    @Test
    void forcedOutputsAreWrittenAsRunWritesThemAndListedAsForced() throws Exception {
        JsonNode r = results.get(0);
        assertTrue(r.get("error").isNull(), r.toString());
        assertEquals(List.of("image", "audio"), strings(r.get("forced")), r.toString());
        assertEquals(List.of(), strings(r.get("signals")), "nano emits no signal group for small talk: " + r);
        assertEquals("forced/image-0.png", r.get("outputs").get("image").asText(), r.toString());
        assertEquals("forced/audio-0.wav", r.get("outputs").get("audio").asText(), r.toString());
        assertEquals(2, r.get("outputs").size(), r.toString());
        assertEquals(r.get("text").asText(), Files.readString(out.resolve("forced/text.txt"), StandardCharsets.UTF_8));

        JsonNode png = ffprobe(out.resolve("forced/image-0.png"));
        assertEquals("png", png.get("codec_name").asText());
        assertEquals(32, png.get("width").asInt());
        assertEquals(32, png.get("height").asInt());
        JsonNode wav = ffprobe(out.resolve("forced/audio-0.wav"));
        assertEquals("pcm_s16le", wav.get("codec_name").asText());
        assertEquals("16000", wav.get("sample_rate").asText());
    }

    @Test
    void imageInputAfterAHistoryTurnWithAnAudioInputRunsWithoutError() throws IOException {
        JsonNode r = results.get(1);
        assertTrue(r.get("error").isNull(), r.toString());
        assertTrue(Files.isRegularFile(out.resolve("with-history/text.txt")));
        assertEquals(r.get("text").asText(), Files.readString(out.resolve("with-history/text.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void missingMediaFileFailsOnlyItsCaseAndNamesThePath() {
        JsonNode r = results.get(2);
        assertTrue(r.get("error").asText().contains("absent.mp4"), r.toString());
        assertTrue(r.get("text").isNull(), r.toString());
        assertEquals(0, r.get("outputs").size(), r.toString());
        assertFalse(Files.exists(out.resolve("missing")), "a case that did not run writes no folder");
        assertTrue(results.get(0).get("error").isNull() && results.get(1).get("error").isNull(), "the other cases still ran");
    }

    @Test
    void malformedJsonLineIsReportedUnderItsLineNumber() {
        JsonNode r = results.get(3);
        assertEquals("line-4", r.get("id").asText());
        assertTrue(r.get("error").asText().contains("malformed JSON"), r.toString());
    }

    @Test
    void duplicateIdIsReportedAndTheFirstCaseWithThatIdStillRuns() throws IOException {
        Path cases = tmp.resolve("cases.jsonl");
        Files.writeString(cases, """
                {"id": "dup", "text": "hello", "max_tokens": 2}

                {"id": "dup", "text": "hello again", "max_tokens": 2}
                """);
        Path dir = tmp.resolve("out");
        RunCommandTest.Outcome o = cli("eval", "--bundle", bundle().toString(), "--cases", cases.toString(), "--out", dir.toString());
        assertEquals(0, o.code(), o.err());
        List<JsonNode> lines = readResults(dir);
        assertEquals(2, lines.size());
        assertEquals("dup", lines.get(0).get("id").asText());
        assertTrue(lines.get(0).get("error").isNull(), lines.get(0).toString());
        assertEquals("line-3", lines.get(1).get("id").asText());
        assertTrue(lines.get(1).get("error").asText().contains("duplicate id 'dup' (first on line 1)"), lines.get(1).toString());
    }

    @Test
    void undecodableMediaFailsOnlyItsCaseAndNotTheRestOfItsBatch() throws IOException {
        // a PNG signature (passes the type check) with a truncated header: only decoding finds out, inside the batch
        Files.write(tmp.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H'});
        Path cases = tmp.resolve("cases.jsonl");
        Files.writeString(cases, """
                {"id": "good", "text": "hello", "max_tokens": 2}
                {"id": "bad", "text": "what is this?", "media": [{"modality": "image", "path": "broken.png"}]}
                {"id": "wrong-type", "text": "what is this?", "media": [{"modality": "audio", "path": "broken.png"}]}
                """);
        Path dir = tmp.resolve("out");
        RunCommandTest.Outcome o = cli("eval", "--bundle", bundle().toString(), "--cases", cases.toString(), "--out", dir.toString());
        assertEquals(0, o.code(), o.err());
        List<JsonNode> lines = readResults(dir);
        assertTrue(lines.get(0).get("error").isNull(), lines.get(0).toString());
        assertTrue(Files.isRegularFile(dir.resolve("good/text.txt")));
        assertTrue(lines.get(1).get("error").asText().toLowerCase().contains("png"), lines.get(1).toString());
        assertTrue(lines.get(2).get("error").asText().contains("expected audio"), lines.get(2).toString());
    }

    @Test
    void caseFolderHoldsOnlyThisRunsOutputsWhenOutIsReused() throws IOException {
        Path dir = tmp.resolve("out");
        Files.createDirectories(dir.resolve("a"));
        Files.writeString(dir.resolve("a/video-0.mp4"), "from an earlier run");
        Files.writeString(dir.resolve("a/notes.md"), "not ours");
        Path cases = tmp.resolve("cases.jsonl");
        Files.writeString(cases, "{\"id\": \"a\", \"text\": \"hi\", \"max_tokens\": 2}\n");
        RunCommandTest.Outcome o = cli("eval", "--bundle", bundle().toString(), "--cases", cases.toString(), "--out", dir.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(0, readResults(dir).get(0).get("outputs").size());
        assertFalse(Files.exists(dir.resolve("a/video-0.mp4")), "a stale output would be judged as this run's");
        assertTrue(Files.exists(dir.resolve("a/notes.md")), "files eval does not write are left alone");
        assertTrue(Files.isRegularFile(dir.resolve("a/text.txt")));
    }

    @Test
    void batchOutsideOneTo64ExitsWithBadInput() throws IOException {
        Path cases = tmp.resolve("cases.jsonl");
        Files.writeString(cases, "{\"id\": \"a\", \"text\": \"hi\"}\n");
        for (String batch : List.of("0", "65")) {
            RunCommandTest.Outcome o = cli("eval", "--bundle", bundle().toString(), "--cases", cases.toString(),
                    "--out", tmp.resolve("out").toString(), "--batch", batch);
            assertEquals(Main.EXIT_BAD_INPUT, o.code(), o.err());
            assertTrue(o.err().strip().startsWith("error: --batch"), o.err());
            assertFalse(Files.exists(tmp.resolve("out")), "nothing is written for bad command-line input");
        }
    }

    @Test
    void missingCasesFileExitsWithBadInput() {
        RunCommandTest.Outcome o = cli("eval", "--bundle", bundle().toString(), "--cases", tmp.resolve("absent.jsonl").toString(),
                "--out", tmp.resolve("out").toString());
        assertEquals(Main.EXIT_BAD_INPUT, o.code());
        assertTrue(o.err().contains("absent.jsonl"), o.err());
    }

    static List<JsonNode> readResults(Path dir) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(EvalCommand.RESULTS_FILE), StandardCharsets.UTF_8)) {
            JsonNode node = JSON.readTree(line);
            for (String field : List.of("id", "text", "signals", "forced", "outputs", "error")) {
                assertTrue(node.has(field), "result line without " + field + ": " + line);
            }
            lines.add(node);
        }
        return lines;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    static void writeRedPng(Path file) throws IOException {
        byte[] rgb = new byte[48 * 40 * 3];
        for (int i = 0; i < 48 * 40; i++) {
            rgb[i * 3] = (byte) 200;
            rgb[i * 3 + 1] = 30;
            rgb[i * 3 + 2] = 30;
        }
        Files.write(file, PngWriter.write(new RgbImage(48, 40, rgb)));
    }

    static void writeTone(Path file) throws IOException {
        float[] tone = new float[24_000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 660 * i / 16_000.0));
        }
        Files.write(file, WavWriter.writePcm16(tone, 16_000));
    }
}
