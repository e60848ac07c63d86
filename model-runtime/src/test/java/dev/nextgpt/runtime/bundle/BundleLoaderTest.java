package dev.nextgpt.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.testing.NanoBundle;
import dev.nextgpt.runtime.testing.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleLoaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void nanoBundleLoadsEveryComponentOfTheContract() {
        ModelBundle bundle = NanoBundle.get();
        assertEquals(ComponentNames.all().size(), bundle.componentNames().size());
        assertTrue(bundle.componentNames().containsAll(ComponentNames.all()));
        BundleManifest m = bundle.manifest();
        assertEquals(4, m.signalGroup(Modality.IMAGE).count());
        assertEquals(8, m.signalGroup(Modality.AUDIO).count());
        assertEquals(24, m.signalGroup(Modality.VIDEO).count());
    }

    @Test
    void signalTokenIdsFollowTheBaseVocabularyWithoutGaps() {
        BundleManifest m = BundleLoader.readManifest(RepoPaths.nanoBundle());
        int next = m.tokenizer().baseVocabSize();
        for (Modality mod : Modality.values()) {
            assertEquals(next, m.signalGroup(mod).firstId(), mod + " group starts right after the previous one");
            next += m.signalGroup(mod).count();
        }
        assertEquals(next, m.llm().vocabSize());
    }

    @Test
    void missingFileIsRefusedNamingTheFile() throws IOException {
        Path copy = copyBundle();
        String file = componentFile(copy, "encoder.image");
        Files.delete(copy.resolve(file));
        BundleException e = assertThrows(BundleException.class,
                () -> BundleLoader.load(copy, List.of("encoder.image")));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void corruptedWeightsAreRefusedByChecksum() throws IOException {
        Path copy = copyBundle();
        String file = componentFile(copy, "llm.forward");
        byte[] bytes = Files.readAllBytes(copy.resolve(file));
        bytes[bytes.length / 2] ^= 0x5A; // same size, different content
        Files.write(copy.resolve(file), bytes);
        BundleException e = assertThrows(BundleException.class,
                () -> BundleLoader.load(copy, List.of("llm.forward")));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void truncatedFileIsRefusedBySize() throws IOException {
        Path copy = copyBundle();
        String file = componentFile(copy, "encoder.audio");
        Files.write(copy.resolve(file), new byte[10], StandardOpenOption.TRUNCATE_EXISTING);
        BundleException e = assertThrows(BundleException.class,
                () -> BundleLoader.load(copy, List.of("encoder.audio")));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains("size mismatch"), e.getMessage());
    }

    @Test
    void unknownFormatVersionIsRefused() throws IOException {
        Path copy = copyBundle();
        ObjectNode manifest = (ObjectNode) JSON.readTree(copy.resolve("bundle.json").toFile());
        manifest.put("format_version", 99);
        JSON.writeValue(copy.resolve("bundle.json").toFile(), manifest);
        BundleException e = assertThrows(BundleException.class, () -> BundleLoader.readManifest(copy));
        assertTrue(e.getMessage().contains("unknown format version 99"), e.getMessage());
    }

    @Test
    void componentWhoseOutputShapeDiffersFromTheManifestIsRefused() throws IOException {
        Path copy = copyBundle();
        ObjectNode manifest = (ObjectNode) JSON.readTree(copy.resolve("bundle.json").toFile());
        ArrayNode shape = (ArrayNode) manifest.at("/components/encoder.image/outputs/0/shape");
        shape.set(shape.size() - 1, JSON.getNodeFactory().numberNode(shape.get(shape.size() - 1).asInt() + 1));
        JSON.writeValue(copy.resolve("bundle.json").toFile(), manifest);
        BundleException e = assertThrows(BundleException.class,
                () -> BundleLoader.load(copy, List.of("encoder.image")));
        assertTrue(e.getMessage().contains("encoder.image") && e.getMessage().contains("has shape"), e.getMessage());
    }

    @Test
    void componentWithFewerInputsThanItNeedsIsRefused() throws IOException {
        Path copy = copyBundle();
        ObjectNode manifest = (ObjectNode) JSON.readTree(copy.resolve("bundle.json").toFile());
        ((ArrayNode) manifest.at("/components/llm.forward/inputs")).remove(3);
        JSON.writeValue(copy.resolve("bundle.json").toFile(), manifest);
        BundleException e = assertThrows(BundleException.class,
                () -> BundleLoader.load(copy, List.of("llm.forward")));
        assertTrue(e.getMessage().contains("llm.forward") && e.getMessage().contains("fails on inputs"), e.getMessage());
    }

    @Test
    void folderWithoutManifestIsNotABundle() {
        BundleException e = assertThrows(BundleException.class, () -> BundleLoader.readManifest(tmp));
        assertTrue(e.getMessage().contains("bundle.json") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void invalidJsonManifestIsRefused() throws IOException {
        Files.writeString(tmp.resolve("bundle.json"), "{\"format\": \"nextgpt-bundle\", ");
        BundleException e = assertThrows(BundleException.class, () -> BundleLoader.readManifest(tmp));
        assertTrue(e.getMessage().contains("not a valid manifest"), e.getMessage());
    }

    private Path copyBundle() throws IOException {
        Path src = RepoPaths.nanoBundle();
        Path dst = tmp.resolve("bundle");
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, dst.resolve(f.getFileName()));
                }
            }
        }
        return dst;
    }

    private static String componentFile(Path bundle, String component) {
        return BundleLoader.readManifest(bundle).component(component).file();
    }
}
