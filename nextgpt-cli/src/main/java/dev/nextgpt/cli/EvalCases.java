package dev.nextgpt.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nextgpt.cli.CliErrors.BadInputException;
import dev.nextgpt.contracts.Modality;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The cases file of {@code eval}: JSON Lines, one case an object a line (blank lines are skipped, unknown fields are
 * ignored). Every line is checked before anything runs; a line that cannot run becomes an entry with an error, so
 * the other cases still run.
 *
 * <pre>{"id": "c1", "text": "…", "media": [{"modality": "image", "path": "in/cat.png"}],
 *  "history": [{"text": "…", "media": […], "answer": "…"}], "outputs": "auto" | ["image", "audio", "video"],
 *  "seed": 0, "max_tokens": 32}</pre>
 *
 * Only {@code id} and {@code text} are required. Relative media paths resolve against the cases file's folder.
 */
final class EvalCases {
    private EvalCases() {}

    /** What a case id may hold: it names the case's output folder. */
    static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]+");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** A media file a case refers to; {@code label} says where ({@code media[0]}, {@code history[1].media[0]}). */
    record MediaRef(String label, Modality modality, Path file) {}

    /** A past exchange of a case's conversation. */
    record Turn(String text, List<MediaRef> media, String answer) {}

    /** A case that passed every check. */
    record Case(int line, String id, String text, List<MediaRef> media, List<Turn> history, Set<Modality> forced,
            long seed, Integer maxTokens) {}

    /**
     * One non-blank line of the file: a case to run, or ({@code error} set, {@code runnable} null) one that is only
     * reported. A line whose id cannot be used (malformed JSON, no id, an unsafe or duplicate id) gets the id
     * {@code line-<n>}, so every id in the results is unique.
     */
    record Entry(int line, String id, Case runnable, String error) {}

    /** Parses and checks the lines of a cases file ({@code lines.get(0)} is line 1) in order. */
    static List<Entry> parse(List<String> lines, Path baseDir) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            if (raw.isBlank()) {
                continue;
            }
            int n = i + 1;
            String fallbackId = "line-" + n;
            JsonNode node;
            try {
                node = JSON.readTree(raw);
            } catch (JsonProcessingException e) {
                entries.add(new Entry(n, fallbackId, null, "line " + n + ": malformed JSON: " + CliErrors.oneLine(e)));
                continue;
            }
            if (node == null || !node.isObject()) {
                entries.add(new Entry(n, fallbackId, null, "line " + n + ": a case must be a JSON object"));
                continue;
            }
            JsonNode idNode = node.get("id");
            if (idNode == null || !idNode.isTextual()) {
                entries.add(new Entry(n, fallbackId, null, "line " + n + ": \"id\" must be a string"));
                continue;
            }
            String id = idNode.asText();
            if (!SAFE_ID.matcher(id).matches() || id.equals(".") || id.equals("..") || id.equals(EvalCommand.RESULTS_FILE)) {
                entries.add(new Entry(n, fallbackId, null, "line " + n + ": id '" + id
                        + "' cannot name a folder: use 1 or more of [A-Za-z0-9._-] (not '.', '..' or '" + EvalCommand.RESULTS_FILE + "')"));
                continue;
            }
            Integer first = seen.putIfAbsent(id, n);
            if (first != null) {
                entries.add(new Entry(n, fallbackId, null, "line " + n + ": duplicate id '" + id + "' (first on line " + first + ")"));
                continue;
            }
            try {
                entries.add(new Entry(n, id, parseCase(n, id, node, baseDir), null));
            } catch (BadInputException e) {
                entries.add(new Entry(n, id, null, "line " + n + ": " + e.getMessage()));
            }
        }
        return entries;
    }

    private static Case parseCase(int line, String id, JsonNode node, Path baseDir) {
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) {
            throw new BadInputException("\"text\" must be a string");
        }
        List<MediaRef> media = media("media", node.get("media"), baseDir);
        List<Turn> history = new ArrayList<>();
        JsonNode h = node.get("history");
        if (h != null && !h.isNull()) {
            if (!h.isArray()) {
                throw new BadInputException("\"history\" must be a list of {text, media, answer}");
            }
            for (int t = 0; t < h.size(); t++) {
                String label = "history[" + t + "]";
                JsonNode turn = h.get(t);
                if (!turn.isObject()) {
                    throw new BadInputException(label + " must be an object {text, media, answer}");
                }
                String turnText = optionalString(label + ".text", turn.get("text"));
                List<MediaRef> turnMedia = media(label + ".media", turn.get("media"), baseDir);
                if (turnText.isBlank() && turnMedia.isEmpty()) {
                    throw new BadInputException(label + " has neither text nor media");
                }
                history.add(new Turn(turnText, turnMedia, optionalString(label + ".answer", turn.get("answer"))));
            }
        }
        if (text.asText().isBlank() && media.isEmpty()) {
            throw new BadInputException("nothing to run: the case has no text and no media");
        }
        return new Case(line, id, text.asText(), media, history, outputs(node.get("outputs")),
                seed(node.get("seed")), maxTokens(node.get("max_tokens")));
    }

    private static List<MediaRef> media(String label, JsonNode list, Path baseDir) {
        List<MediaRef> refs = new ArrayList<>();
        if (list == null || list.isNull()) {
            return refs;
        }
        if (!list.isArray()) {
            throw new BadInputException(label + " must be a list of {modality, path}");
        }
        for (int k = 0; k < list.size(); k++) {
            String item = label + "[" + k + "]";
            JsonNode m = list.get(k);
            if (!m.isObject()) {
                throw new BadInputException(item + " must be an object {modality, path}");
            }
            JsonNode modality = m.get("modality");
            if (modality == null || !modality.isTextual()) {
                throw new BadInputException(item + ".modality must be one of image, audio, video");
            }
            Modality kind;
            try {
                kind = Modality.fromWire(modality.asText());
            } catch (IllegalArgumentException e) {
                throw new BadInputException(item + ".modality: " + e.getMessage());
            }
            JsonNode path = m.get("path");
            if (path == null || !path.isTextual() || path.asText().isBlank()) {
                throw new BadInputException(item + ".path must be a file path");
            }
            Path file;
            try {
                file = baseDir.resolve(path.asText()).normalize();
            } catch (InvalidPathException e) {
                throw new BadInputException(item + ".path '" + path.asText() + "' is not a valid path");
            }
            if (!Files.isRegularFile(file)) {
                throw new BadInputException(item + " " + file + ": no such file");
            }
            refs.add(new MediaRef(item, kind, file));
        }
        return refs;
    }

    private static Set<Modality> outputs(JsonNode node) {
        if (node == null || node.isNull()) {
            return Set.of();
        }
        if (node.isTextual()) {
            return GenerationOptions.parseOutputs("outputs", node.asText());
        }
        if (!node.isArray()) {
            throw new BadInputException("\"outputs\" must be \"auto\" or a list of image, audio, video");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : node) {
            if (!name.isTextual()) {
                throw new BadInputException("\"outputs\" must be \"auto\" or a list of image, audio, video");
            }
            names.add(name.asText());
        }
        return GenerationOptions.forcedOutputs("outputs", names);
    }

    private static long seed(JsonNode node) {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new BadInputException("\"seed\" must be an integer (64-bit), got " + node);
        }
        return node.asLong();
    }

    private static Integer maxTokens(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 0) {
            throw new BadInputException("\"max_tokens\" must be an integer ≥ 0, got " + node);
        }
        return node.asInt();
    }

    private static String optionalString(String label, JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new BadInputException(label + " must be a string");
        }
        return node.asText();
    }
}
