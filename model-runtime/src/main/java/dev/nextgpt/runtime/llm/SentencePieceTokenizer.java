package dev.nextgpt.runtime.llm;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.bundle.BundleManifest;
import dev.nextgpt.runtime.bundle.ModelBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * A SentencePiece BPE tokenizer in pure Java: reads the {@code ModelProto} of a {@code tokenizer.model} file and
 * encodes and decodes exactly as the sentencepiece library does for a BPE model with the identity normaliser
 * (LLaMA / Vicuna and the nano bundle): spaces become {@code ▁}, a dummy {@code ▁} prefix, BPE merges of the
 * adjacent pair whose concatenation has the highest score (leftmost on ties), user-defined symbols kept whole,
 * and byte fallback ({@code <0xXX>} pieces) for characters that are not in the vocabulary.
 *
 * <p>Ids at and after {@link #baseVocabSize()} are <em>added tokens</em> (the bundle's signal tokens, e.g.
 * {@code [IMG0]}). {@link #encode} never produces them from text (a user cannot type a signal token) and
 * {@link #decode} leaves them out of the text; {@link #idToPiece} names them.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SentencePieceTokenizer {
    /** The SentencePiece piece types (ModelProto.SentencePiece.Type). */
    public enum PieceType {
        NORMAL,
        UNKNOWN,
        CONTROL,
        USER_DEFINED,
        UNUSED,
        BYTE
    }

    static final String SPACE = "\u2581";
    private static final String REPLACEMENT = "\uFFFD";

    private final String[] pieces;
    private final float[] scores;
    private final PieceType[] types;
    /** NORMAL, USER_DEFINED and UNUSED pieces: what BPE may merge into. */
    private final Map<String, Integer> mergeable = new HashMap<>();
    /** CONTROL, UNKNOWN and BYTE pieces, looked up first (as sentencepiece does). */
    private final Map<String, Integer> reserved = new HashMap<>();
    /** User-defined symbols by their first char, longest first. */
    private final Map<Character, List<String>> userDefined = new HashMap<>();
    private final int[] byteIds = new int[256];
    private final int unkId;
    private final int bosId;
    private final int eosId;
    private final boolean byteFallback;
    private final boolean addDummyPrefix;
    private final boolean removeExtraWhitespaces;
    private final boolean escapeWhitespaces;
    private final String unkSurface;
    private final String[] addedTokens;
    private final Map<String, Integer> addedIds;

    private SentencePieceTokenizer(ParsedModel model, List<String> addedTokens) {
        this.pieces = model.pieces.toArray(new String[0]);
        this.scores = new float[pieces.length];
        this.types = model.types.toArray(new PieceType[0]);
        for (int i = 0; i < pieces.length; i++) {
            scores[i] = model.scores.get(i);
        }
        Arrays.fill(byteIds, -1);
        int unk = -1;
        int bos = -1;
        int eos = -1;
        Map<Character, List<String>> user = new TreeMap<>();
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            if (piece.isEmpty()) {
                throw new IllegalArgumentException("tokenizer model: piece " + i + " is empty");
            }
            boolean normal = types[i] == PieceType.NORMAL || types[i] == PieceType.USER_DEFINED || types[i] == PieceType.UNUSED;
            Map<String, Integer> target = normal ? mergeable : reserved;
            if (target.putIfAbsent(piece, i) != null) {
                throw new IllegalArgumentException("tokenizer model: piece '" + piece + "' is defined twice");
            }
            switch (types[i]) {
                case UNKNOWN -> {
                    if (unk >= 0) {
                        throw new IllegalArgumentException("tokenizer model: more than one unknown piece");
                    }
                    unk = i;
                }
                case USER_DEFINED -> user.computeIfAbsent(piece.charAt(0), c -> new ArrayList<>()).add(piece);
                case BYTE -> {
                    int b = pieceToByte(piece);
                    if (b < 0) {
                        throw new IllegalArgumentException("tokenizer model: byte piece '" + piece + "' is not <0xXX>");
                    }
                    byteIds[b] = i;
                }
                case CONTROL -> {
                    if (piece.equals("<s>")) {
                        bos = i;
                    } else if (piece.equals("</s>")) {
                        eos = i;
                    }
                }
                default -> {
                    // nothing to index
                }
            }
        }
        if (unk < 0) {
            throw new IllegalArgumentException("tokenizer model has no unknown piece");
        }
        if (model.byteFallback && Arrays.stream(byteIds).anyMatch(id -> id < 0)) {
            throw new IllegalArgumentException("tokenizer model has byte_fallback but not all 256 <0xXX> pieces");
        }
        for (List<String> list : user.values()) {
            list.sort(Comparator.comparingInt(String::length).reversed());
            userDefined.put(list.get(0).charAt(0), List.copyOf(list));
        }
        this.unkId = unk;
        this.bosId = bos;
        this.eosId = eos;
        this.byteFallback = model.byteFallback;
        this.addDummyPrefix = model.addDummyPrefix;
        this.removeExtraWhitespaces = model.removeExtraWhitespaces;
        this.escapeWhitespaces = model.escapeWhitespaces;
        this.unkSurface = model.unkSurface;
        this.addedTokens = addedTokens.toArray(new String[0]);
        Map<String, Integer> added = new HashMap<>();
        for (int i = 0; i < this.addedTokens.length; i++) {
            added.put(this.addedTokens[i], pieces.length + i);
        }
        this.addedIds = Collections.unmodifiableMap(added);
    }

    /** Reads a {@code tokenizer.model} file (no added tokens). */
    public static SentencePieceTokenizer load(Path modelFile) {
        return load(modelFile, List.of());
    }

    /** Reads a {@code tokenizer.model} file; {@code addedTokens} get the ids after the base vocabulary, in order. */
    public static SentencePieceTokenizer load(Path modelFile, List<String> addedTokens) {
        try {
            return fromBytes(Files.readAllBytes(modelFile), addedTokens);
        } catch (IOException e) {
            throw new UncheckedIOException(modelFile + ": cannot be read", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modelFile + ": " + e.getMessage(), e);
        }
    }

    /** Parses a serialised {@code ModelProto}. */
    public static SentencePieceTokenizer fromBytes(byte[] modelProto, List<String> addedTokens) {
        return new SentencePieceTokenizer(ParsedModel.parse(modelProto), addedTokens);
    }

    /**
     * The tokenizer of a bundle: its {@code tokenizer.model} plus the signal tokens of the manifest as added tokens.
     * Checks that the manifest's ids agree with the model (base vocabulary size, bos/eos/unk ids, signal-token ids
     * consecutive after the base vocabulary).
     */
    public static SentencePieceTokenizer forBundle(ModelBundle bundle) {
        return forBundle(bundle.dir(), bundle.manifest());
    }

    /** As {@link #forBundle(ModelBundle)}, from a bundle folder and its manifest. */
    public static SentencePieceTokenizer forBundle(Path bundleDir, BundleManifest manifest) {
        BundleManifest.TokenizerSpec spec = manifest.tokenizer();
        if (spec.type() != null && !spec.type().equals("sentencepiece-bpe")) {
            throw new IllegalArgumentException("bundle.json: tokenizer.type is '" + spec.type() + "', only sentencepiece-bpe is supported");
        }
        String[] names = new String[manifest.llm().vocabSize() - spec.baseVocabSize()];
        for (Modality m : Modality.values()) {
            BundleManifest.SignalGroupSpec group = manifest.signalGroup(m);
            for (int i = 0; i < group.count(); i++) {
                int slot = group.firstId() + i - spec.baseVocabSize();
                if (slot < 0 || slot >= names.length || names[slot] != null) {
                    throw new IllegalArgumentException("bundle.json: signal token " + group.tokens().get(i) + " has id "
                            + (group.firstId() + i) + ", outside [base_vocab_size, vocab_size) or taken twice");
                }
                names[slot] = group.tokens().get(i);
            }
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null) {
                throw new IllegalArgumentException("bundle.json: id " + (spec.baseVocabSize() + i)
                        + " is in the LLM vocabulary but is no signal token");
            }
        }
        SentencePieceTokenizer tokenizer = load(bundleDir.resolve(spec.file()), List.of(names));
        Path file = bundleDir.resolve(spec.file());
        if (tokenizer.baseVocabSize() != spec.baseVocabSize()) {
            throw new IllegalArgumentException(file + ": has " + tokenizer.baseVocabSize()
                    + " pieces, bundle.json says base_vocab_size " + spec.baseVocabSize());
        }
        checkId(file, "bos_id", spec.bosId(), tokenizer.bosId);
        checkId(file, "eos_id", spec.eosId(), tokenizer.eosId);
        checkId(file, "unk_id", spec.unkId(), tokenizer.unkId);
        return tokenizer;
    }

    private static void checkId(Path file, String what, int manifest, int model) {
        if (manifest != model) {
            throw new IllegalArgumentException(file + ": " + what + " is " + model + " in the model, " + manifest + " in bundle.json");
        }
    }

    // ------------------------------------------------------------------------------------------------ vocabulary

    /** Pieces of {@code tokenizer.model}. */
    public int baseVocabSize() {
        return pieces.length;
    }

    /** Base vocabulary plus added tokens. */
    public int vocabSize() {
        return pieces.length + addedTokens.length;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int unkId() {
        return unkId;
    }

    public boolean byteFallback() {
        return byteFallback;
    }

    /** The piece of an id (added tokens by their names). */
    public String idToPiece(int id) {
        checkId(id);
        return id < pieces.length ? pieces[id] : addedTokens[id - pieces.length];
    }

    /** The id of a piece or added token, or {@link #unkId()} when there is none (as sentencepiece). */
    public int pieceToId(String piece) {
        Integer id = reserved.get(piece);
        if (id == null) {
            id = mergeable.get(piece);
        }
        if (id == null) {
            id = addedIds.get(piece);
        }
        return id == null ? unkId : id;
    }

    /** The type of a base-vocabulary id ({@code null} for added tokens). */
    public PieceType type(int id) {
        checkId(id);
        return id < pieces.length ? types[id] : null;
    }

    public float score(int id) {
        checkId(id);
        return id < pieces.length ? scores[id] : 0f;
    }

    /** True for ids at and after the base vocabulary (signal tokens). */
    public boolean isAdded(int id) {
        return id >= pieces.length && id < vocabSize();
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize() + ")");
        }
    }

    // ------------------------------------------------------------------------------------------------ encoding

    /** Token ids of a text (no BOS/EOS), as {@code SentencePieceProcessor.encode(text)}. */
    public int[] encode(String text) {
        List<String> pieceList = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        encode(text, pieceList, ids);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Pieces of a text, as {@code SentencePieceProcessor.encode(text, out_type=str)}. */
    public List<String> encodeAsPieces(String text) {
        List<String> pieceList = new ArrayList<>();
        encode(text, pieceList, new ArrayList<>());
        return pieceList;
    }

    private void encode(String text, List<String> outPieces, List<Integer> outIds) {
        String normalized = normalize(text);
        if (normalized.isEmpty()) {
            return;
        }
        for (String symbol : bpe(normalized)) {
            int id = pieceToIdBase(symbol);
            if (id == unkId && byteFallback) {
                for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                    int byteId = byteIds[b & 0xFF];
                    outPieces.add(pieces[byteId]);
                    outIds.add(byteId);
                }
            } else if (id == unkId && !outIds.isEmpty() && outIds.get(outIds.size() - 1) == unkId) {
                // sentencepiece merges a run of unknown symbols into one unknown piece
                outPieces.set(outPieces.size() - 1, outPieces.get(outPieces.size() - 1) + symbol);
            } else {
                outPieces.add(symbol);
                outIds.add(id);
            }
        }
    }

    private int pieceToIdBase(String piece) {
        Integer id = reserved.get(piece);
        if (id == null) {
            id = mergeable.get(piece);
        }
        return id == null ? unkId : id;
    }

    /** The identity normaliser: whitespace handling and {@code ▁} escaping; what sentencepiece's Normalizer does. */
    String normalize(String text) {
        String input = sanitize(text);
        int pos = 0;
        if (removeExtraWhitespaces) {
            while (pos < input.length() && input.charAt(pos) == ' ') {
                pos++;
            }
        }
        if (pos == input.length()) {
            return "";
        }
        String space = escapeWhitespaces ? SPACE : " ";
        StringBuilder out = new StringBuilder(input.length() + 8);
        if (addDummyPrefix) {
            out.append(space);
        }
        boolean prevSpace = removeExtraWhitespaces;
        while (pos < input.length()) {
            int len = prefixLength(input, pos);
            String unit = input.substring(pos, pos + len);
            pos += len;
            int start = 0;
            while (prevSpace && start < unit.length() && unit.charAt(start) == ' ') {
                start++;
            }
            if (start < unit.length()) {
                String kept = unit.substring(start);
                out.append(escapeWhitespaces ? kept.replace(" ", SPACE) : kept);
                prevSpace = kept.endsWith(" ");
            }
            if (!removeExtraWhitespaces) {
                prevSpace = false;
            }
        }
        if (removeExtraWhitespaces) {
            while (out.length() >= space.length() && out.lastIndexOf(space) == out.length() - space.length()) {
                out.setLength(out.length() - space.length());
            }
        }
        return out.toString();
    }

    /** Replaces unpaired surrogates (invalid UTF-8 for sentencepiece) with U+FFFD. */
    private static String sanitize(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = false;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    if (out != null) {
                        out.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                bad = true;
            } else if (Character.isLowSurrogate(c)) {
                bad = true;
            }
            if (bad && out == null) {
                out = new StringBuilder(s.length());
                out.append(s, 0, i);
            }
            if (out != null) {
                out.append(bad ? REPLACEMENT.charAt(0) : c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Length (in chars) of the longest user-defined symbol at {@code pos}, else of one code point. */
    private int prefixLength(String s, int pos) {
        List<String> candidates = userDefined.get(s.charAt(pos));
        if (candidates != null) {
            for (String c : candidates) {
                if (s.startsWith(c, pos)) {
                    return c.length();
                }
            }
        }
        return Character.charCount(s.codePointAt(pos));
    }

    private boolean isUserDefinedAt(String s, int pos, int len) {
        List<String> candidates = userDefined.get(s.charAt(pos));
        if (candidates != null) {
            for (String c : candidates) {
                if (c.length() == len && s.startsWith(c, pos)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One candidate merge: symbols {@code left} and {@code right}, whose concatenation is a piece. */
    private record Pair(int left, int right, float score, int size) {}

    private static final Comparator<Pair> AGENDA_ORDER =
            Comparator.comparingDouble((Pair p) -> -p.score).thenComparingInt(p -> p.left);

    /** BPE segmentation of normalised text into pieces (sentencepiece bpe_model.cc Encode). */
    private List<String> bpe(String normalized) {
        // initial symbols: user-defined symbols (frozen) and single code points
        int n = 0;
        int[] start = new int[normalized.length()];
        int[] len = new int[normalized.length()];
        boolean[] frozen = new boolean[normalized.length()];
        for (int pos = 0; pos < normalized.length(); ) {
            int l = prefixLength(normalized, pos);
            start[n] = pos;
            len[n] = l;
            frozen[n] = isUserDefinedAt(normalized, pos, l);
            pos += l;
            n++;
        }
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Pair> agenda = new PriorityQueue<>(AGENDA_ORDER);
        Map<String, String[]> revMerge = new HashMap<>();
        for (int i = 1; i < n; i++) {
            addPair(normalized, i - 1, i, start, len, frozen, agenda, revMerge);
        }
        while (!agenda.isEmpty()) {
            Pair top = agenda.poll();
            if (len[top.left] == 0 || len[top.right] == 0 || len[top.left] + len[top.right] != top.size) {
                continue; // stale: one side has changed since the pair was queued
            }
            len[top.left] += len[top.right];
            next[top.left] = next[top.right];
            if (next[top.right] >= 0) {
                prev[next[top.right]] = top.left;
            }
            len[top.right] = 0;
            if (prev[top.left] >= 0) {
                addPair(normalized, prev[top.left], top.left, start, len, frozen, agenda, revMerge);
            }
            if (next[top.left] >= 0) {
                addPair(normalized, top.left, next[top.left], start, len, frozen, agenda, revMerge);
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i >= 0 && n > 0; i = next[i]) {
            resegment(normalized.substring(start[i], start[i] + len[i]), revMerge, out);
        }
        return out;
    }

    private void addPair(String s, int left, int right, int[] start, int[] len, boolean[] frozen,
                         PriorityQueue<Pair> agenda, Map<String, String[]> revMerge) {
        if (frozen[left] || frozen[right]) {
            return;
        }
        int size = len[left] + len[right];
        String piece = s.substring(start[left], start[left] + size);
        Integer id = mergeable.get(piece);
        if (id == null) {
            return;
        }
        agenda.add(new Pair(left, right, scores[id], size));
        if (types[id] == PieceType.UNUSED) {
            revMerge.put(piece, new String[] {s.substring(start[left], start[left] + len[left]),
                    s.substring(start[right], start[right] + len[right])});
        }
    }

    /** Splits merged pieces that are UNUSED back into their parts (sentencepiece's resegmentation). */
    private void resegment(String piece, Map<String, String[]> revMerge, List<String> out) {
        Integer id = pieceToIdOrNull(piece);
        if (id == null || types[id] != PieceType.UNUSED) {
            out.add(piece);
            return;
        }
        String[] parts = revMerge.get(piece);
        if (parts == null) {
            out.add(piece);
            return;
        }
        resegment(parts[0], revMerge, out);
        resegment(parts[1], revMerge, out);
    }

    private Integer pieceToIdOrNull(String piece) {
        Integer id = reserved.get(piece);
        return id != null ? id : mergeable.get(piece);
    }

    // ------------------------------------------------------------------------------------------------ decoding

    /**
     * Text of token ids, as {@code SentencePieceProcessor.decode(ids)}: control tokens are invisible, the unknown
     * token reads {@code " ⁇ "}, byte pieces are joined into UTF-8 (invalid bytes become U+FFFD), the leading
     * {@code ▁} of the first non-control piece is dropped and {@code ▁} reads as a space. Added (signal) tokens are left out.
     */
    public String decode(int[] ids) {
        StreamDecoder decoder = newStreamDecoder();
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(decoder.next(id));
        }
        out.append(decoder.finish());
        return out.toString();
    }

    /** A decoder that turns ids into text one token at a time; the deltas concatenate to {@link #decode}. */
    public StreamDecoder newStreamDecoder() {
        return new StreamDecoder();
    }

    /**
     * Incremental {@link #decode}: {@link #next} returns the text a token adds. Byte pieces that do not yet form a
     * complete UTF-8 character are held back (never split a character); {@link #finish} flushes what is held.
     * Not thread-safe; one per sequence.
     */
    public final class StreamDecoder {
        private final ByteArrayOutputStream pendingBytes = new ByteArrayOutputStream();
        /** Until the first piece that is not a control token: its leading {@code ▁} is dropped (dummy prefix). */
        private boolean atStart = true;

        private StreamDecoder() {}

        /** The text added by token {@code id} (may be empty). */
        public String next(int id) {
            checkId(id);
            if (id >= pieces.length) {
                return ""; // added (signal) tokens carry no text
            }
            if (types[id] == PieceType.CONTROL) {
                return "";
            }
            boolean first = atStart;
            atStart = false;
            if (byteFallback && types[id] == PieceType.BYTE) {
                pendingBytes.write(pieceToByte(pieces[id]));
                return decodeBytes(false);
            }
            String held = decodeBytes(true);
            if (types[id] == PieceType.UNKNOWN) {
                return held + unkSurface;
            }
            String piece = pieces[id];
            if (first && (addDummyPrefix || removeExtraWhitespaces) && piece.startsWith(SPACE)) {
                piece = piece.substring(SPACE.length());
            }
            return held + piece.replace(SPACE, " ");
        }

        /** Flushes byte pieces still held (an incomplete UTF-8 sequence becomes U+FFFD per byte). */
        public String finish() {
            return decodeBytes(true);
        }

        /** Decodes the complete characters of the held bytes; with {@code all}, also an incomplete tail. */
        private String decodeBytes(boolean all) {
            if (pendingBytes.size() == 0) {
                return "";
            }
            byte[] bytes = pendingBytes.toByteArray();
            StringBuilder out = new StringBuilder();
            int pos = 0;
            while (pos < bytes.length) {
                int[] decoded = Utf8.decode(bytes, pos);
                if (decoded[0] < 0 && !all && Utf8.isIncompletePrefix(bytes, pos)) {
                    break; // wait for the rest of the character
                }
                if (decoded[0] < 0) {
                    out.append(REPLACEMENT);
                    pos += 1;
                } else {
                    out.appendCodePoint(decoded[0]);
                    pos += decoded[1];
                }
            }
            pendingBytes.reset();
            pendingBytes.write(bytes, pos, bytes.length - pos);
            return out.toString();
        }
    }

    static int pieceToByte(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return Integer.parseInt(piece.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** UTF-8 decoding with sentencepiece's rules (string_util DecodeUTF8 / IsValidDecodeUTF8). */
    static final class Utf8 {
        private Utf8() {}

        /** {codepoint, length}; codepoint -1 for an invalid (or truncated) sequence. */
        static int[] decode(byte[] b, int pos) {
            int len = b.length - pos;
            int b0 = b[pos] & 0xFF;
            if (b0 < 0x80) {
                return new int[] {b0, 1};
            }
            if (len >= 2 && (b0 & 0xE0) == 0xC0) {
                int cp = ((b0 & 0x1F) << 6) | (b[pos + 1] & 0x3F);
                if (trail(b[pos + 1]) && cp >= 0x80 && valid(cp)) {
                    return new int[] {cp, 2};
                }
            } else if (len >= 3 && (b0 & 0xF0) == 0xE0) {
                int cp = ((b0 & 0x0F) << 12) | ((b[pos + 1] & 0x3F) << 6) | (b[pos + 2] & 0x3F);
                if (trail(b[pos + 1]) && trail(b[pos + 2]) && cp >= 0x800 && valid(cp)) {
                    return new int[] {cp, 3};
                }
            } else if (len >= 4 && (b0 & 0xF8) == 0xF0) {
                int cp = ((b0 & 0x07) << 18) | ((b[pos + 1] & 0x3F) << 12) | ((b[pos + 2] & 0x3F) << 6) | (b[pos + 3] & 0x3F);
                if (trail(b[pos + 1]) && trail(b[pos + 2]) && trail(b[pos + 3]) && cp >= 0x10000 && valid(cp)) {
                    return new int[] {cp, 4};
                }
            }
            return new int[] {-1, 1};
        }

        /** True when the bytes from {@code pos} to the end are the start of a character that more bytes may complete. */
        static boolean isIncompletePrefix(byte[] b, int pos) {
            int b0 = b[pos] & 0xFF;
            int need;
            if ((b0 & 0xE0) == 0xC0) {
                need = 2;
            } else if ((b0 & 0xF0) == 0xE0) {
                need = 3;
            } else if ((b0 & 0xF8) == 0xF0) {
                need = 4;
            } else {
                return false;
            }
            int have = b.length - pos;
            if (have >= need) {
                return false;
            }
            for (int i = 1; i < have; i++) {
                if (!trail(b[pos + i])) {
                    return false;
                }
            }
            return true;
        }

        private static boolean trail(byte b) {
            return (b & 0xC0) == 0x80;
        }

        private static boolean valid(int cp) {
            return cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
        }
    }

    // ------------------------------------------------------------------------------------------------ ModelProto

    /** The parts of a ModelProto the tokenizer needs. */
    private static final class ParsedModel {
        final List<String> pieces = new ArrayList<>();
        final List<Float> scores = new ArrayList<>();
        final List<PieceType> types = new ArrayList<>();
        int modelType = 1; // UNIGRAM is the proto default
        boolean byteFallback;
        boolean treatWhitespaceAsSuffix;
        String unkSurface = " \u2047 ";
        String normalizerName = "";
        byte[] charsmap = new byte[0];
        boolean addDummyPrefix = true;
        boolean removeExtraWhitespaces = true;
        boolean escapeWhitespaces = true;

        static ParsedModel parse(byte[] bytes) {
            ParsedModel m = new ParsedModel();
            ProtoReader r = new ProtoReader(bytes);
            boolean sawNormalizer = false;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> m.readPiece(r.readMessage());
                    case 2 -> m.readTrainerSpec(r.readMessage());
                    case 3 -> {
                        m.readNormalizerSpec(r.readMessage());
                        sawNormalizer = true;
                    }
                    default -> r.skip();
                }
            }
            if (m.pieces.isEmpty()) {
                throw new IllegalArgumentException("not a SentencePiece model (no pieces)");
            }
            if (m.modelType != 2) {
                throw new IllegalArgumentException("SentencePiece model_type is " + modelTypeName(m.modelType)
                        + "; only BPE models are supported");
            }
            if (m.treatWhitespaceAsSuffix) {
                throw new IllegalArgumentException("SentencePiece treat_whitespace_as_suffix is not supported");
            }
            if (sawNormalizer && m.charsmap.length > 0) {
                throw new IllegalArgumentException("SentencePiece normaliser '" + m.normalizerName
                        + "' has a precompiled character map; only the identity normaliser is supported");
            }
            return m;
        }

        private static String modelTypeName(int type) {
            return switch (type) {
                case 1 -> "UNIGRAM";
                case 2 -> "BPE";
                case 3 -> "WORD";
                case 4 -> "CHAR";
                default -> String.valueOf(type);
            };
        }

        private void readPiece(ProtoReader r) {
            String piece = "";
            float score = 0f;
            int type = 1;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> piece = r.readString();
                    case 2 -> score = r.readFloat();
                    case 3 -> type = r.readInt32();
                    default -> r.skip();
                }
            }
            if (type < 1 || type > 6) {
                throw new IllegalArgumentException("piece " + pieces.size() + " ('" + piece + "') has unknown type " + type);
            }
            pieces.add(piece);
            scores.add(score);
            types.add(PieceType.values()[type - 1]);
        }

        private void readTrainerSpec(ProtoReader r) {
            while (r.next()) {
                switch (r.field()) {
                    case 3 -> modelType = r.readInt32();
                    case 24 -> treatWhitespaceAsSuffix = r.readBool();
                    case 35 -> byteFallback = r.readBool();
                    case 44 -> unkSurface = r.readString();
                    default -> r.skip();
                }
            }
        }

        private void readNormalizerSpec(ProtoReader r) {
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> normalizerName = r.readString();
                    case 2 -> charsmap = r.readBytes();
                    case 3 -> addDummyPrefix = r.readBool();
                    case 4 -> removeExtraWhitespaces = r.readBool();
                    case 5 -> escapeWhitespaces = r.readBool();
                    default -> r.skip();
                }
            }
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SentencePieceTokenizer[%d pieces + %d added, byte_fallback=%s]",
                pieces.length, addedTokens.length, byteFallback);
    }
}
