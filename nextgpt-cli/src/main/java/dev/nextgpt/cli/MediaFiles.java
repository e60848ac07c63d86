package dev.nextgpt.cli;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.decoding.DecodedMedia;
import dev.nextgpt.runtime.media.Mp4Writer;
import dev.nextgpt.runtime.media.PngWriter;
import dev.nextgpt.runtime.media.WavWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what a request produced: {@code text.txt} and the decoded media as PNG / WAV / MP4 files named
 * {@code <modality>-<index>.<ext>}. Used by {@code run} (into {@code --out}) and {@code eval} (into {@code OUT/<id>}).
 */
final class MediaFiles {
    /** The file a result's answer is written to. */
    static final String TEXT_FILE = "text.txt";

    private MediaFiles() {}

    /** Encodes one decoded output into its file format. */
    static byte[] encode(DecodedMedia m) {
        long[] s = m.shape();
        return switch (m.modality()) {
            case IMAGE -> PngWriter.writeSigned(m.data(), (int) s[1], (int) s[2]);
            case AUDIO -> WavWriter.writePcm16(m.data(), m.sampleRate());
            case VIDEO -> new Mp4Writer().writeSigned(m.data(), (int) s[1], (int) s[2], (int) s[3], m.fps());
        };
    }

    static String extension(Modality m) {
        return switch (m) {
            case IMAGE -> "png";
            case AUDIO -> "wav";
            case VIDEO -> "mp4";
        };
    }

    /**
     * Writes a pipeline result into {@code dir} (which must exist): every media file, then {@value #TEXT_FILE}.
     * Returns one entry ({@code modality}, {@code file}, {@code bytes}) per media file, in the result's order.
     */
    static List<Map<String, Object>> writeResult(Path dir, OneShotPipeline.Result result) throws IOException {
        List<Map<String, Object>> written = write(dir, result.media());
        Files.writeString(dir.resolve(TEXT_FILE), result.generation().text(), StandardCharsets.UTF_8);
        return written;
    }

    static List<Map<String, Object>> write(Path dir, List<DecodedMedia> media) throws IOException {
        requireCompleted(media);
        Map<Modality, Integer> index = new EnumMap<>(Modality.class);
        List<Map<String, Object>> written = new ArrayList<>();
        for (DecodedMedia m : media) {
            int i = index.merge(m.modality(), 1, Integer::sum) - 1;
            String name = m.modality().wireName() + "-" + i + "." + extension(m.modality());
            byte[] bytes = encode(m);
            Files.write(dir.resolve(name), bytes);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("modality", m.modality().wireName());
            entry.put("file", name);
            entry.put("bytes", bytes.length);
            written.add(entry);
        }
        return written;
    }

    /** Only completed media are written; anything else is reported as a failure of the run. */
    static void requireCompleted(List<DecodedMedia> media) {
        for (DecodedMedia m : media) {
            if (!m.completed()) {
                throw new IllegalStateException(m.modality().wireName() + " decoding ended " + m.status());
            }
        }
    }
}
