package dev.nextgpt.cli;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.decoding.DecodedMedia;
import dev.nextgpt.runtime.media.Mp4Writer;
import dev.nextgpt.runtime.media.PngWriter;
import dev.nextgpt.runtime.media.WavWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Encodes decoded media as PNG / WAV / MP4 files named {@code <modality>-<index>.<ext>}. */
final class MediaFiles {
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

    static List<Map<String, Object>> write(Path dir, List<DecodedMedia> media) throws IOException {
        RunCommand.requireCompleted(media);
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
}
