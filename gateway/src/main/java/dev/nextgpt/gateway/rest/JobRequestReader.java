package dev.nextgpt.gateway.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.messages.DiffusionParams;
import dev.nextgpt.contracts.messages.GenerationParams;
import dev.nextgpt.contracts.messages.Role;
import dev.nextgpt.contracts.messages.Webhook;
import dev.nextgpt.gateway.ApiException;
import dev.nextgpt.gateway.JobSubmission;
import dev.nextgpt.gateway.JobSubmission.MediaInput;
import dev.nextgpt.gateway.JobSubmission.PartInput;
import dev.nextgpt.gateway.JobSubmission.TextInput;
import dev.nextgpt.gateway.JobSubmission.TurnInput;
import dev.nextgpt.gateway.JobSubmission.WebhookInput;
import dev.nextgpt.gateway.config.GatewayConfig;
import dev.nextgpt.gateway.service.WebhookTargets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the JSON body of {@code POST /v1/jobs} into a {@link JobSubmission}, checking every field against the API's
 * rules and the configured bounds. Each refusal is a 400 whose message starts with the field's path
 * ({@code params.image.steps: must be 1..100, was 500}); unknown fields are refused too, so a typo never passes
 * silently.
 */
public final class JobRequestReader {
    /** Seeds are unsigned 32-bit integers (what the samplers and the bundle tools take). */
    public static final long MAX_SEED = 0xFFFF_FFFFL;
    public static final int MAX_WEBHOOK_URL = 2048;
    public static final int MIN_SECRET = 8;
    public static final int MAX_SECRET = 256;

    private static final Pattern SIZE = Pattern.compile("([1-9][0-9]{0,4})x([1-9][0-9]{0,4})");
    private static final Pattern FILE_ID = Pattern.compile("file-[0-9a-f]{64}");
    private static final Pattern DATA_URL = Pattern.compile("data:[a-z0-9.+-]+/[a-z0-9.+-]+;base64,",
            Pattern.CASE_INSENSITIVE);
    private static final Set<String> TOP = Set.of("messages", "outputs", "params", "generation", "deadline_seconds",
            "webhook");
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final GatewayConfig.Limits limits;
    private final GatewayConfig.Params params;
    private final WebhookTargets webhookTargets;

    public JobRequestReader(GatewayConfig config, WebhookTargets webhookTargets) {
        this.limits = config.limits();
        this.params = config.params();
        this.webhookTargets = webhookTargets;
    }

    /** Parses {@code body} as one JSON value; malformed JSON is a 400 {@code invalid_json} naming line and column. */
    public static JsonNode parse(byte[] body, String what) {
        if (body == null || body.length == 0) {
            throw new ApiException(400, "invalid_json", what + " is empty; expected a JSON object");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new ApiException(400, "invalid_json", what + " is empty; expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            String problem = e.getOriginalMessage();
            if (e instanceof JsonParseException && problem != null && problem.startsWith("Duplicate field")) {
                problem = problem.replace("Duplicate field", "duplicate field");
            }
            throw new ApiException(400, "invalid_json", what + " is not valid JSON" + where + ": " + problem);
        } catch (IOException e) {
            throw new ApiException(400, "invalid_json", what + " could not be read: " + e.getMessage());
        }
    }

    /** Reads and checks a job request (the webhook target is resolved and checked here too). */
    public JobSubmission read(JsonNode root) {
        requireObject(root, "request body");
        fields(root, "", TOP);
        List<TurnInput> turns = messages(root.get("messages"));
        List<Modality> forced = outputs(root.get("outputs"));
        Map<Modality, DiffusionParams> diffusion = diffusion(root.get("params"));
        GenerationParams generation = generation(root.get("generation"));
        Integer deadline = optionalInt(root.get("deadline_seconds"), "deadline_seconds", 1,
                limits.maxDeadlineSeconds());
        WebhookInput webhook = webhook(root.get("webhook"));
        return new JobSubmission(turns, forced, generation, diffusion, deadline, webhook);
    }

    private List<TurnInput> messages(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiException.invalid("messages", "is required: the conversation, at least one user turn");
        }
        requireArray(node, "messages");
        if (node.isEmpty()) {
            throw ApiException.invalid("messages", "must not be empty: give at least one user turn");
        }
        if (node.size() > limits.maxTurns()) {
            throw ApiException.invalid("messages", "has " + node.size() + " turns, limit " + limits.maxTurns());
        }
        List<TurnInput> turns = new ArrayList<>();
        int media = 0;
        for (int t = 0; t < node.size(); t++) {
            String path = "messages[" + t + "]";
            JsonNode turn = node.get(t);
            requireObject(turn, path);
            fields(turn, path, Set.of("role", "content"));
            Role role = role(turn.get("role"), path + ".role");
            List<PartInput> parts = content(turn.get("content"), path + ".content", role);
            for (PartInput p : parts) {
                if (p instanceof MediaInput) {
                    media++;
                }
            }
            turns.add(new TurnInput(role, parts));
        }
        if (media > limits.maxMediaParts()) {
            throw ApiException.invalid("messages", "has " + media + " media parts, limit " + limits.maxMediaParts());
        }
        TurnInput last = turns.get(turns.size() - 1);
        if (last.role() != Role.USER) {
            throw ApiException.invalid("messages", "the last turn must be the user's (messages[" + (turns.size() - 1)
                    + "] is the assistant's)");
        }
        return turns;
    }

    private static Role role(JsonNode node, String path) {
        String value = requireText(node, path);
        return switch (value) {
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            default -> throw ApiException.invalid(path, "unknown role '" + abbreviate(value)
                    + "' (expected user or assistant)");
        };
    }

    private List<PartInput> content(JsonNode node, String path, Role role) {
        if (node == null || node.isNull()) {
            throw ApiException.invalid(path, "is required: a string or a list of parts");
        }
        if (node.isTextual()) {
            return List.of(new TextInput(text(node.textValue(), path)));
        }
        if (!node.isArray()) {
            throw ApiException.invalid(path, "must be a string or an array of parts, was " + typeOf(node));
        }
        if (node.isEmpty()) {
            throw ApiException.invalid(path, "must not be empty");
        }
        if (node.size() > limits.maxPartsPerTurn()) {
            throw ApiException.invalid(path, "has " + node.size() + " parts, limit " + limits.maxPartsPerTurn());
        }
        List<PartInput> parts = new ArrayList<>();
        for (int p = 0; p < node.size(); p++) {
            parts.add(part(node.get(p), path + "[" + p + "]", role));
        }
        return parts;
    }

    private PartInput part(JsonNode node, String path, Role role) {
        requireObject(node, path);
        String type = requireText(node.get("type"), path + ".type");
        if (type.equals("text")) {
            fields(node, path, Set.of("type", "text"));
            return new TextInput(text(requireText(node.get("text"), path + ".text"), path + ".text"));
        }
        Modality modality = switch (type) {
            case "image" -> Modality.IMAGE;
            case "audio" -> Modality.AUDIO;
            case "video" -> Modality.VIDEO;
            default -> throw ApiException.invalid(path + ".type", "unknown content type '" + abbreviate(type)
                    + "' (expected text, image, audio or video)");
        };
        if (role == Role.ASSISTANT) {
            throw ApiException.invalid(path + ".type", "an assistant turn holds text only, not " + type);
        }
        fields(node, path, Set.of("type", "file_id", "data", "part"));
        int sources = (node.hasNonNull("file_id") ? 1 : 0) + (node.hasNonNull("data") ? 1 : 0)
                + (node.hasNonNull("part") ? 1 : 0);
        if (sources != 1) {
            throw ApiException.invalid(path, (type.equals("video") ? "a " : "an ") + type + " part needs exactly one of file_id (from POST /v1/files), "
                    + "data (base64) or part (a multipart field name); it has " + sources);
        }
        if (node.hasNonNull("file_id")) {
            String fileId = requireText(node.get("file_id"), path + ".file_id");
            if (!FILE_ID.matcher(fileId).matches()) {
                throw ApiException.invalid(path + ".file_id", "'" + abbreviate(fileId)
                        + "' is not a file id ('file-' and 64 hex digits, as POST /v1/files returns)");
            }
            return new MediaInput(path, modality, fileId, null, null);
        }
        if (node.hasNonNull("data")) {
            return new MediaInput(path, modality, null, base64(requireText(node.get("data"), path + ".data"),
                    path + ".data"), null);
        }
        String part = requireText(node.get("part"), path + ".part");
        if (part.isEmpty() || part.length() > 100) {
            throw ApiException.invalid(path + ".part", "must name a multipart field (1..100 characters)");
        }
        return new MediaInput(path, modality, null, null, part);
    }

    private static byte[] base64(String value, String path) {
        String data = value;
        Matcher prefix = DATA_URL.matcher(data);
        if (prefix.lookingAt()) {
            data = data.substring(prefix.end());
        }
        if (data.isEmpty()) {
            throw ApiException.invalid(path, "is empty; expected base64 media bytes");
        }
        try {
            return Base64.getDecoder().decode(strictBase64(data, path));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(path, "is not valid base64: " + e.getMessage());
        }
    }

    /** Standard or URL-safe alphabet, line breaks allowed; anything else is named with its index. */
    private static String strictBase64(String data, String path) {
        StringBuilder clean = new StringBuilder(data.length());
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '\n' || c == '\r') {
                continue;
            }
            if (c == '-' || c == '_') {
                c = c == '-' ? '+' : '/';   // URL-safe alphabet
            }
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/' || c == '=';
            if (!ok) {
                throw ApiException.invalid(path, "is not valid base64: illegal character "
                        + (c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'") + " at index " + i);
            }
            clean.append(c);
        }
        int pad = clean.indexOf("=");
        if (pad >= 0 && (clean.length() - pad > 2 || !clean.substring(pad).matches("=+"))) {
            throw ApiException.invalid(path, "is not valid base64: padding '=' in the middle at index " + pad);
        }
        int unpadded = pad >= 0 ? pad : clean.length();
        if (unpadded % 4 == 1) {
            throw ApiException.invalid(path, "is not valid base64: " + unpadded
                    + " characters cannot be a whole number of bytes (truncated?)");
        }
        return clean.toString();
    }

    private String text(String value, String path) {
        if (value.isEmpty()) {
            throw ApiException.invalid(path, "must not be empty");
        }
        if (value.length() > limits.maxTextChars()) {
            throw ApiException.invalid(path, "is " + value.length() + " characters, limit " + limits.maxTextChars());
        }
        return value;
    }

    private static List<Modality> outputs(JsonNode node) {
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().equals("auto"))) {
            return List.of();
        }
        if (node.isTextual()) {
            throw ApiException.invalid("outputs", "must be \"auto\" or a list of modalities such as [\"image\", "
                    + "\"audio\"], was the string '" + abbreviate(node.textValue()) + "'");
        }
        if (!node.isArray()) {
            throw ApiException.invalid("outputs", "must be \"auto\" or a list of modalities, was " + typeOf(node));
        }
        if (node.isEmpty()) {
            throw ApiException.invalid("outputs", "must not be empty; use \"auto\" to let the model decide");
        }
        Set<Modality> out = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "outputs[" + i + "]";
            Modality m = modality(requireText(node.get(i), path), path);
            if (!out.add(m)) {
                throw ApiException.invalid(path, "'" + m.wireName() + "' is listed twice");
            }
        }
        return List.copyOf(out);
    }

    private static Modality modality(String value, String path) {
        for (Modality m : Modality.values()) {
            if (m.wireName().equals(value)) {
                return m;
            }
        }
        throw ApiException.invalid(path, "unknown modality '" + abbreviate(value) + "' (expected image, audio or video)");
    }

    private Map<Modality, DiffusionParams> diffusion(JsonNode node) {
        Map<Modality, DiffusionParams> out = new EnumMap<>(Modality.class);
        if (node == null || node.isNull()) {
            return out;
        }
        requireObject(node, "params");
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = "params." + e.getKey();
            Modality m;
            try {
                m = modality(e.getKey(), path);
            } catch (ApiException x) {
                throw new ApiException(400, "invalid_request", "params: unknown modality '" + abbreviate(e.getKey())
                        + "' (expected image, audio or video)");
            }
            out.put(m, diffusionOf(m, e.getValue(), path));
        }
        return out;
    }

    private DiffusionParams diffusionOf(Modality m, JsonNode node, String path) {
        requireObject(node, path);
        Set<String> allowed = switch (m) {
            case IMAGE -> Set.of("steps", "guidance", "seed", "scheduler", "size");
            case VIDEO -> Set.of("steps", "guidance", "seed", "scheduler", "size", "frames");
            case AUDIO -> Set.of("steps", "guidance", "seed", "scheduler", "seconds");
        };
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                Set<String> all = Set.of("steps", "guidance", "seed", "scheduler", "size", "frames", "seconds");
                throw new ApiException(400, all.contains(name) ? "invalid_request" : "unknown_field",
                        path + "." + name + ": " + (all.contains(name) ? "is not a setting of " + m.wireName()
                                + " outputs" : "unknown field") + " (expected " + String.join(", ", sorted(allowed))
                                + ")");
            }
        }
        Integer steps = optionalInt(node.get("steps"), path + ".steps", 1, params.maxSteps());
        Double guidance = optionalNumber(node.get("guidance"), path + ".guidance", 0.0, params.maxGuidance());
        Long seed = optionalLong(node.get("seed"), path + ".seed", 0, MAX_SEED);
        String scheduler = null;
        if (node.hasNonNull("scheduler")) {
            scheduler = requireText(node.get("scheduler"), path + ".scheduler");
            if (!params.schedulers().contains(scheduler)) {
                throw ApiException.invalid(path + ".scheduler", "unknown scheduler '" + abbreviate(scheduler)
                        + "' (expected " + String.join(" or ", params.schedulers()) + ")");
            }
        }
        Integer width = null;
        Integer height = null;
        if (node.hasNonNull("size")) {
            String size = requireText(node.get("size"), path + ".size").toLowerCase(Locale.ROOT);
            List<String> supported = m == Modality.IMAGE ? params.imageSizes() : params.videoSizes();
            Matcher matcher = SIZE.matcher(size);
            if (!matcher.matches()) {
                throw ApiException.invalid(path + ".size", "'" + abbreviate(size) + "' is not WIDTHxHEIGHT, e.g. "
                        + supported.get(0));
            }
            if (!supported.contains(size)) {
                throw ApiException.invalid(path + ".size", size + " is not a size this deployment's " + m.wireName()
                        + " decoder can produce (supported: " + String.join(", ", supported) + ")");
            }
            width = Integer.parseInt(matcher.group(1));
            height = Integer.parseInt(matcher.group(2));
        }
        Integer frames = optionalInt(node.get("frames"), path + ".frames", params.minVideoFrames(),
                params.maxVideoFrames());
        Double seconds = optionalNumber(node.get("seconds"), path + ".seconds", params.minAudioSeconds(),
                params.maxAudioSeconds());
        return new DiffusionParams(steps, guidance, scheduler, seed, width, height, frames, seconds);
    }

    private GenerationParams generation(JsonNode node) {
        if (node == null || node.isNull()) {
            return GenerationParams.DEFAULTS;
        }
        requireObject(node, "generation");
        fields(node, "generation", Set.of("max_tokens", "temperature", "top_p", "top_k", "seed"));
        Integer maxTokens = optionalInt(node.get("max_tokens"), "generation.max_tokens", 1, params.maxNewTokens());
        Double temperature = optionalNumber(node.get("temperature"), "generation.temperature", 0.0,
                params.maxTemperature());
        Double topP = optionalNumber(node.get("top_p"), "generation.top_p", 0.0, 1.0);
        if (topP != null && topP == 0.0) {
            throw ApiException.invalid("generation.top_p", "must be in (0, 1], was 0");
        }
        Integer topK = optionalInt(node.get("top_k"), "generation.top_k", 0, params.maxTopK());
        Long seed = optionalLong(node.get("seed"), "generation.seed", 0, MAX_SEED);
        return new GenerationParams(maxTokens, temperature, topP, topK, seed);
    }

    private WebhookInput webhook(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        requireObject(node, "webhook");
        fields(node, "webhook", Set.of("url", "secret"));
        String url = requireText(node.get("url"), "webhook.url");
        if (url.isEmpty() || url.length() > MAX_WEBHOOK_URL) {
            throw ApiException.invalid("webhook.url", "must be 1.." + MAX_WEBHOOK_URL + " characters, was "
                    + url.length());
        }
        if (!node.hasNonNull("secret")) {
            throw ApiException.invalid("webhook.secret", "is required: it signs every delivery (X-NextGPT-Signature)");
        }
        String secret = requireText(node.get("secret"), "webhook.secret");
        if (secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
            throw ApiException.invalid("webhook.secret", "must be " + MIN_SECRET + ".." + MAX_SECRET
                    + " characters, was " + secret.length());
        }
        try {
            webhookTargets.check(url);
        } catch (WebhookTargets.Refused e) {
            throw new ApiException(400, "webhook_target_refused", "webhook.url: " + e.getMessage());
        }
        try {
            new Webhook(url, false);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("webhook.url", e.getMessage());
        }
        return new WebhookInput(url, secret);
    }

    // --- JSON helpers: each names the path and what it found ---

    static void requireObject(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw ApiException.invalid(path, "must be an object, was " + typeOf(node));
        }
    }

    private static void requireArray(JsonNode node, String path) {
        if (!node.isArray()) {
            throw ApiException.invalid(path, "must be an array, was " + typeOf(node));
        }
    }

    private static String requireText(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            throw ApiException.invalid(path, "is required");
        }
        if (!node.isTextual()) {
            throw ApiException.invalid(path, "must be a string, was " + typeOf(node));
        }
        return node.textValue();
    }

    private static Integer optionalInt(JsonNode node, String path, int min, int max) {
        Long value = optionalLong(node, path, min, max);
        return value == null ? null : value.intValue();
    }

    private static Long optionalLong(JsonNode node, String path, long min, long max) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw ApiException.invalid(path, "must be an integer, was " + typeOf(node));
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.invalid(path, "must be an integer " + min + ".." + max + ", was " + node.asText());
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw ApiException.invalid(path, "must be " + range(min, max) + ", was " + value);
        }
        return value;
    }

    private static Double optionalNumber(JsonNode node, String path, double min, double max) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw ApiException.invalid(path, "must be a number, was " + typeOf(node));
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value) || value < min || value > max) {
            throw ApiException.invalid(path, "must be " + (min == max ? "" + min : "in [" + min + ", " + max + "]")
                    + ", was " + node.asText());
        }
        return value;
    }

    private static String range(long min, long max) {
        return min == max ? String.valueOf(min) : min + ".." + max;
    }

    static void fields(JsonNode node, String path, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ApiException(400, "unknown_field", (path.isEmpty() ? "" : path + ".") + abbreviate(name)
                        + ": unknown field (expected " + String.join(", ", sorted(allowed)) + ")");
            }
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    static String typeOf(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number (" + node.asText() + ")";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
    }
}
