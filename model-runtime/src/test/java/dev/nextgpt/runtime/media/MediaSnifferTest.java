package dev.nextgpt.runtime.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaSnifferTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[Math.max(v.length, 16)];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static byte[] ascii(String s, int pad) {
        byte[] a = s.getBytes(StandardCharsets.ISO_8859_1);
        return java.util.Arrays.copyOf(a, Math.max(a.length, pad));
    }

    @Test
    void identifiesEachSupportedFormatFromItsLeadingBytes() {
        assertEquals(MediaFormat.PNG, MediaSniffer.sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)));
        assertEquals(MediaFormat.JPEG, MediaSniffer.sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0)));
        assertEquals(MediaFormat.WAV, MediaSniffer.sniff(ascii("RIFF\0\0\0\0WAVEfmt ", 16)));
        assertEquals(MediaFormat.MP3, MediaSniffer.sniff(ascii("ID3\u0004\0\0\0\0\0\0", 16)));
        assertEquals(MediaFormat.MP3, MediaSniffer.sniff(bytes(0xFF, 0xFB, 0x90, 0x64)), "MPEG-1 layer III frame sync");
        assertEquals(MediaFormat.FLAC, MediaSniffer.sniff(ascii("fLaC\0\0\0\"", 16)));
        assertEquals(MediaFormat.OGG, MediaSniffer.sniff(ascii("OggS\0\u0002", 16)));
        assertEquals(MediaFormat.MP4, MediaSniffer.sniff(ascii("\0\0\0\u0020ftypisom\0\0\u0002\0", 16)));
        assertEquals(MediaFormat.MOV, MediaSniffer.sniff(ascii("\0\0\0\u0014ftypqt  \0\0\0\0", 16)));
        assertEquals(MediaFormat.M4A, MediaSniffer.sniff(ascii("\0\0\0\u0020ftypM4A \0\0\0\0", 16)));
    }

    @Test
    void reportsKindWithFormat() {
        assertEquals(MediaKind.IMAGE, MediaFormat.JPEG.kind());
        assertEquals(MediaKind.AUDIO, MediaFormat.FLAC.kind());
        assertEquals(MediaKind.VIDEO, MediaFormat.MP4.kind());
    }

    @Test
    void flacBehindAnId3TagIsStillFlac() {
        byte[] b = new byte[40];
        System.arraycopy(ascii("ID3\u0004\0\0\0\0\0\u0005", 10), 0, b, 0, 10); // tag body of 5 bytes
        System.arraycopy(ascii("fLaC", 4), 0, b, 15, 4);
        assertEquals(MediaFormat.FLAC, MediaSniffer.sniff(b));
    }

    @Test
    void ignoresFileNamesAndUsesOnlyTheBytes(@TempDir Path dir) throws Exception {
        byte[] png = PngWriter.write(new RgbImage(2, 2, new byte[12]));
        Path misnamed = dir.resolve("song.wav");
        Files.write(misnamed, png);
        assertEquals(MediaFormat.PNG, MediaSniffer.sniff(Files.readAllBytes(misnamed)));
        byte[] wav = WavWriter.writePcm16(new float[100]);
        Path misnamed2 = dir.resolve("picture.png");
        Files.write(misnamed2, wav);
        assertEquals(MediaFormat.WAV, MediaSniffer.sniff(Files.readAllBytes(misnamed2)));
    }

    @Test
    void unknownBytesGiveAnErrorListingTheLeadingBytes() {
        MediaDecodeException e = assertThrows(MediaDecodeException.class,
                () -> MediaSniffer.sniff("<html><body>not media</body></html>".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("unrecognised format"), e.getMessage());
        assertTrue(e.getMessage().contains("3c 68 74 6d"), e.getMessage());
    }

    @Test
    void emptyAndTooShortInputsAreNamedAsSuch() {
        assertTrue(assertThrows(MediaDecodeException.class, () -> MediaSniffer.sniff(new byte[0])).getMessage().contains("empty"));
        assertTrue(assertThrows(MediaDecodeException.class, () -> MediaSniffer.sniff(new byte[] {1, 2, 3}))
                .getMessage().contains("too short"));
    }

    @Test
    void recognisedButUnsupportedFormatsSaySo() {
        String gif = assertThrows(MediaDecodeException.class, () -> MediaSniffer.sniff(ascii("GIF89a", 16))).getMessage();
        assertTrue(gif.contains("GIF image is not supported"), gif);
        String webp = assertThrows(MediaDecodeException.class, () -> MediaSniffer.sniff(ascii("RIFF\0\0\0\0WEBPVP8 ", 16))).getMessage();
        assertTrue(webp.contains("WebP"), webp);
        String heic = assertThrows(MediaDecodeException.class, () -> MediaSniffer.sniff(ascii("\0\0\0\u0018ftypheic", 16))).getMessage();
        assertTrue(heic.contains("HEIF"), heic);
    }

    @Test
    void expectedKindMismatchNamesBothKinds() {
        byte[] wav = WavWriter.writePcm16(new float[10]);
        String msg = assertThrows(MediaDecodeException.class, () -> MediaSniffer.sniff(wav, MediaKind.IMAGE)).getMessage();
        assertTrue(msg.contains("expected image") && msg.contains("audio"), msg);
    }
}
