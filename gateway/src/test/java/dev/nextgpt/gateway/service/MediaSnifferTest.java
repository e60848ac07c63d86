package dev.nextgpt.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.gateway.Media;
import dev.nextgpt.gateway.MediaFormat;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The format comes from the bytes, and broken containers are refused at the door. */
class MediaSnifferTest {

    @Test
    void recognisesEachSupportedFormatFromItsBytes() {
        assertEquals(MediaFormat.PNG, MediaSniffer.sniff(Media.png(1)));
        assertEquals(MediaFormat.JPEG, MediaSniffer.sniff(Media.jpeg(1)));
        assertEquals(MediaFormat.WAV, MediaSniffer.sniff(Media.wav(10)));
        assertEquals(MediaFormat.MP3, MediaSniffer.sniff(Media.mp3()));
        assertEquals(MediaFormat.MP4, MediaSniffer.sniff(Media.mp4()));
        byte[] mov = Media.mp4();
        System.arraycopy("qt  ".getBytes(StandardCharsets.US_ASCII), 0, mov, 8, 4);
        assertEquals(MediaFormat.MOV, MediaSniffer.sniff(mov));
        assertEquals(MediaFormat.FLAC, MediaSniffer.sniff(flac()));
        assertEquals(MediaFormat.OGG, MediaSniffer.sniff(ogg()));
        byte[] id3 = new byte[10 + Media.mp3().length];
        System.arraycopy("ID3".getBytes(StandardCharsets.US_ASCII), 0, id3, 0, 3);
        System.arraycopy(Media.mp3(), 0, id3, 10, Media.mp3().length);
        assertEquals(MediaFormat.MP3, MediaSniffer.sniff(id3));
    }

    @Test
    void refusesBrokenContainersAsCorrupt() {
        assertCorrupt(new byte[0], "is empty");
        assertCorrupt(Media.truncate(Media.png(1), 50), "is a truncated PNG");
        byte[] badCrc = Media.png(1);
        badCrc[20] ^= 1;
        assertCorrupt(badCrc, "the IHDR checksum does not match");
        assertCorrupt(Media.truncate(Media.jpeg(1), 100), "is a truncated JPEG");
        assertCorrupt(Media.truncate(Media.wav(10), 40), "is a truncated WAV: no data chunk");
        byte[] noMoov = Media.mp4();
        System.arraycopy("free".getBytes(StandardCharsets.US_ASCII), 0, noMoov, 24, 4);
        assertCorrupt(noMoov, "it has no 'moov' box");
        assertCorrupt(Media.truncate(Media.mp4(), 50), "box 'mdat' at offset 36 declares 24 bytes, only 14 remain");
        byte[] ogg = ogg();
        ogg[5] = 0;
        assertCorrupt(ogg, "is a corrupt OGG");
        byte[] flac = flac();
        flac[4] = 3;
        assertCorrupt(flac, "is a corrupt FLAC");
    }

    @Test
    void refusesFormatsTheApiDoesNotTakeAsUnsupported() {
        assertUnsupported("GIF89a....".getBytes(StandardCharsets.US_ASCII), "is a GIF image");
        assertUnsupported("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII), "is a WebP image");
        assertUnsupported("BM............".getBytes(StandardCharsets.US_ASCII), "is a BMP image");
        assertUnsupported("%PDF-1.7 hello".getBytes(StandardCharsets.US_ASCII), "is not a supported media format "
                + "(first bytes: 25 50 44 46 2d 31 2e 37)");
        assertUnsupported("not media at all".getBytes(StandardCharsets.UTF_8), "supported: PNG, JPEG");
    }

    private static void assertCorrupt(byte[] bytes, String message) {
        var e = assertThrows(MediaSniffer.Rejected.class, () -> MediaSniffer.sniff(bytes));
        assertFalse(e.unsupported(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static void assertUnsupported(byte[] bytes, String message) {
        var e = assertThrows(MediaSniffer.Rejected.class, () -> MediaSniffer.sniff(bytes));
        assertTrue(e.unsupported(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    /** "fLaC", a last-block STREAMINFO header (type 0, length 34) at 16 kHz, and a frame's worth of bytes. */
    private static byte[] flac() {
        byte[] b = new byte[4 + 4 + 34 + 16];
        System.arraycopy("fLaC".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
        b[4] = (byte) 0x80;
        b[7] = 34;
        int rate = 16000;
        b[8 + 10] = (byte) (rate >> 12);
        b[8 + 11] = (byte) (rate >> 4);
        b[8 + 12] = (byte) ((rate & 0xF) << 4);
        return b;
    }

    /** One beginning-of-stream OGG page with a 4-byte body. */
    private static byte[] ogg() {
        byte[] b = new byte[27 + 1 + 4];
        System.arraycopy("OggS".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
        b[5] = 0x02;
        b[26] = 1;
        b[27] = 4;
        return b;
    }
}
