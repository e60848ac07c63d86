package dev.nextgpt.runtime.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nextgpt.runtime.bundle.BundleLoader;
import dev.nextgpt.runtime.bundle.BundleManifest;
import dev.nextgpt.runtime.testing.RepoPaths;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pure-Java SentencePiece tokenizer against {@code models/reference/nano/tokenizer.json} (Python sentencepiece). */
class SentencePieceTokenizerTest {
    private static SentencePieceTokenizer tokenizer;
    private static BundleManifest manifest;

    @BeforeAll
    static void load() {
        manifest = BundleLoader.readManifest(RepoPaths.nanoBundle());
        tokenizer = SentencePieceTokenizer.forBundle(RepoPaths.nanoBundle(), manifest);
    }

    @Test
    void encodesAndDecodesEveryReferenceStringLikeSentencePiece() {
        JsonNode cases = LlmTestSupport.referenceJson("tokenizer.json");
        assertTrue(cases.size() > 30);
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] expected = LlmTestSupport.ints(c.get("ids"));
            int[] ids = tokenizer.encode(text);
            List<String> pieces = new ArrayList<>();
            c.get("pieces").forEach(p -> pieces.add(p.asText()));
            if (!java.util.Arrays.equals(expected, ids) || !pieces.equals(tokenizer.encodeAsPieces(text))) {
                failures.add("encode " + text + ": expected " + pieces + ", got " + tokenizer.encodeAsPieces(text));
            }
            String decoded = tokenizer.decode(expected);
            if (!decoded.equals(c.get("decoded").asText())) {
                failures.add("decode " + text + ": expected '" + c.get("decoded").asText() + "', got '" + decoded + "'");
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void streamingDeltasConcatenateToTheDecodedTextAndNeverSplitACharacter() {
        JsonNode cases = LlmTestSupport.referenceJson("tokenizer.json");
        for (JsonNode c : cases) {
            int[] ids = LlmTestSupport.ints(c.get("ids"));
            SentencePieceTokenizer.StreamDecoder decoder = tokenizer.newStreamDecoder();
            StringBuilder text = new StringBuilder();
            for (int id : ids) {
                String delta = decoder.next(id);
                assertFalse(delta.contains("\uFFFD"), "a delta of " + c.get("text") + " splits a UTF-8 sequence");
                text.append(delta);
            }
            text.append(decoder.finish());
            assertEquals(c.get("decoded").asText(), text.toString());
        }
    }

    @Test
    void charactersOutsideTheVocabularyFallBackToUtf8BytePieces() {
        assertTrue(tokenizer.byteFallback());
        List<String> pieces = tokenizer.encodeAsPieces("中");
        byte[] utf8 = "中".getBytes(StandardCharsets.UTF_8);
        List<String> bytes = new ArrayList<>();
        for (byte b : utf8) {
            bytes.add(String.format("<0x%02X>", b & 0xFF));
        }
        assertEquals(bytes, pieces.subList(pieces.size() - 3, pieces.size()));
        assertEquals("中", tokenizer.decode(tokenizer.encode("中")));
    }

    @Test
    void anIncompleteByteSequenceDecodesToReplacementCharacters() {
        int e4 = tokenizer.pieceToId("<0xE4>");
        int b8 = tokenizer.pieceToId("<0xB8>");
        assertEquals("\uFFFD\uFFFD", tokenizer.decode(new int[] {e4, b8}));
        SentencePieceTokenizer.StreamDecoder decoder = tokenizer.newStreamDecoder();
        assertEquals("", decoder.next(e4), "held back: more bytes may follow");
        assertEquals("", decoder.next(b8));
        assertEquals("\uFFFD\uFFFD", decoder.finish());
    }

    @Test
    void signalTokensFollowTheBaseVocabularyWithTheirManifestNames() {
        assertEquals(manifest.tokenizer().baseVocabSize(), tokenizer.baseVocabSize());
        assertEquals(manifest.llm().vocabSize(), tokenizer.vocabSize());
        assertEquals("[IMG0]", tokenizer.idToPiece(1000));
        assertEquals("[AUD7]", tokenizer.idToPiece(1011));
        assertEquals("[VID23]", tokenizer.idToPiece(1035));
        assertEquals(1012, tokenizer.pieceToId("[VID0]"));
        assertTrue(tokenizer.isAdded(1000));
        assertFalse(tokenizer.isAdded(999));
        // typed text never becomes a signal token, and decoding leaves signal tokens out
        for (int id : tokenizer.encode("[IMG0] is not a token here")) {
            assertTrue(id < 1000);
        }
        int[] hello = tokenizer.encode("hello");
        int[] withSignals = {1000, 1001, 1002, 1003, hello[0]};
        assertEquals("hello", tokenizer.decode(withSignals));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {1036}));
    }

    @Test
    void specialIdsMatchTheManifest() {
        assertEquals(1, tokenizer.bosId());
        assertEquals(2, tokenizer.eosId());
        assertEquals(0, tokenizer.unkId());
        assertEquals("", tokenizer.decode(new int[] {1, 2}));
        assertEquals(" \u2047 ", tokenizer.decode(new int[] {0}));
    }

    @Test
    void refusesAUnigramModelWithAClearMessage() {
        byte[] model = modelProto(1, "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SentencePieceTokenizer.fromBytes(model, List.of()));
        assertTrue(e.getMessage().contains("UNIGRAM") && e.getMessage().contains("BPE"), e.getMessage());
    }

    @Test
    void refusesANormaliserWithACharacterMap() {
        byte[] model = modelProto(2, "nmt_nfkc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SentencePieceTokenizer.fromBytes(model, List.of()));
        assertTrue(e.getMessage().contains("nmt_nfkc") && e.getMessage().contains("identity"), e.getMessage());
    }

    @Test
    void encodesAHandWrittenBpeModelByHighestScoringMergesLeftmostFirst() {
        // pieces: <unk>, a, b, ▁, ab (score -1), ba (score -1), ▁a (score -2)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        piece(out, "<unk>", 0, 2);
        piece(out, "a", -5, 1);
        piece(out, "b", -5, 1);
        piece(out, "\u2581", -5, 1);
        piece(out, "ab", -1, 1);
        piece(out, "ba", -1, 1);
        piece(out, "\u2581a", -2, 1);
        trainer(out, 2);
        SentencePieceTokenizer t = SentencePieceTokenizer.fromBytes(out.toByteArray(), List.of());
        // "▁aba": pairs ▁a(-2) ab(-1) ba(-1): ab wins (leftmost of the best), then ▁ + ab has no piece
        assertEquals(List.of("\u2581", "ab", "a"), t.encodeAsPieces("aba"));
        // without byte fallback an unknown run is one <unk>
        assertEquals(List.of("\u2581", "<unk>"), List.of(t.idToPiece(t.encode("xy")[0]), t.idToPiece(t.encode("xy")[1])));
        assertEquals(2, t.encode("xy").length);
    }

    // -------------------------------------------------------------------------------- hand-written ModelProto bytes

    private static byte[] modelProto(int modelType, String normaliser) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        piece(out, "<unk>", 0, 2);
        piece(out, "a", -1, 1);
        trainer(out, modelType);
        if (!normaliser.isEmpty()) {
            ByteArrayOutputStream spec = new ByteArrayOutputStream();
            string(spec, 1, normaliser);
            bytes(spec, 2, new byte[] {1, 2, 3, 4});
            bytes(out, 3, spec.toByteArray());
        }
        return out.toByteArray();
    }

    private static void trainer(ByteArrayOutputStream out, int modelType) {
        ByteArrayOutputStream spec = new ByteArrayOutputStream();
        spec.write(3 << 3);
        spec.write(modelType);
        bytes(out, 2, spec.toByteArray());
    }

    private static void piece(ByteArrayOutputStream out, String piece, float score, int type) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        string(p, 1, piece);
        p.write(2 << 3 | 5);
        int bits = Float.floatToIntBits(score);
        for (int i = 0; i < 4; i++) {
            p.write(bits >>> (8 * i) & 0xFF);
        }
        p.write(3 << 3);
        p.write(type);
        bytes(out, 1, p.toByteArray());
    }

    private static void string(ByteArrayOutputStream out, int field, String s) {
        bytes(out, field, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] data) {
        out.write(field << 3 | 2);
        int len = data.length;
        while (len >= 0x80) {
            out.write(len & 0x7F | 0x80);
            len >>>= 7;
        }
        out.write(len);
        out.write(data, 0, data.length);
    }
}
