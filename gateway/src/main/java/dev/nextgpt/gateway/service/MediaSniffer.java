package dev.nextgpt.gateway.service;

import dev.nextgpt.gateway.MediaFormat;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Tells the format of media input from its bytes (magic numbers), never from a name or a declared type, and checks
 * the container's structure far enough to refuse truncated or corrupted files at the door: a PNG needs a valid IHDR
 * and its IEND, a JPEG its end marker, a WAV its fmt and data chunks, MP4/MOV a consistent box chain with a
 * {@code moov}. Decoding the media is the encoder's job.
 */
public final class MediaSniffer {

    /** Why bytes were refused. */
    public static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** Whether the bytes are a format the API does not take (415), rather than a broken file (400). */
        private final boolean unsupported;

        Rejected(boolean unsupported, String message) {
            super(message);
            this.unsupported = unsupported;
        }

        public boolean unsupported() {
            return unsupported;
        }
    }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] PNG_IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    private MediaSniffer() {
    }

    /** The format of {@code bytes}; throws {@link Rejected} for empty, unknown, unsupported or broken input. */
    public static MediaFormat sniff(byte[] bytes) {
        if (bytes.length == 0) {
            throw corrupt("is empty");
        }
        MediaFormat format = identify(bytes);
        switch (format) {
            case PNG -> checkPng(bytes);
            case JPEG -> checkJpeg(bytes);
            case WAV -> checkWav(bytes);
            case FLAC -> checkFlac(bytes);
            case OGG -> checkOgg(bytes);
            case MP4, MOV, M4A -> checkIsoBoxes(bytes, format);
            default -> {
            }
        }
        return format;
    }

    /** The format from the first bytes only (for size limits before a file is read). */
    public static MediaFormat identify(byte[] head) {
        int n = head.length;
        if (n == 0) {
            throw corrupt("is empty");
        }
        if (startsWith(head, 0, PNG_SIGNATURE)) {
            return MediaFormat.PNG;
        }
        if (n >= 3 && u8(head, 0) == 0xFF && u8(head, 1) == 0xD8 && u8(head, 2) == 0xFF) {
            return MediaFormat.JPEG;
        }
        if (ascii(head, 0, "RIFF") && n >= 12) {
            String type = new String(head, 8, 4, StandardCharsets.ISO_8859_1);
            return switch (type) {
                case "WAVE" -> MediaFormat.WAV;
                case "WEBP" -> throw unsupported("a WebP image");
                case "AVI " -> throw unsupported("an AVI video");
                default -> throw unsupported("a RIFF file of type '" + printable(type) + "'");
            };
        }
        if (ascii(head, 0, "fLaC")) {
            return MediaFormat.FLAC;
        }
        if (ascii(head, 0, "OggS")) {
            return MediaFormat.OGG;
        }
        if (ascii(head, 0, "ID3")) {
            return afterId3(head);
        }
        if (n >= 12 && ascii(head, 4, "ftyp")) {
            String brand = new String(head, 8, 4, StandardCharsets.ISO_8859_1);
            return switch (brand) {
                case "qt  " -> MediaFormat.MOV;
                case "M4A ", "M4B " -> MediaFormat.M4A;
                case "heic", "heix", "mif1", "msf1", "avif", "avis" -> throw unsupported("a HEIF/AVIF image");
                default -> MediaFormat.MP4;
            };
        }
        if (n >= 8 && (ascii(head, 4, "moov") || ascii(head, 4, "wide") || ascii(head, 4, "mdat")
                || ascii(head, 4, "free"))) {
            return MediaFormat.MOV;
        }
        if (mpegFrame(head, 0)) {
            return MediaFormat.MP3;
        }
        if (ascii(head, 0, "GIF87a") || ascii(head, 0, "GIF89a")) {
            throw unsupported("a GIF image");
        }
        if (n >= 2 && ascii(head, 0, "BM")) {
            throw unsupported("a BMP image");
        }
        if (n >= 4 && (ascii(head, 0, "II*\0") || ascii(head, 0, "MM\0*"))) {
            throw unsupported("a TIFF image");
        }
        if (n >= 4 && u8(head, 0) == 0x1A && u8(head, 1) == 0x45 && u8(head, 2) == 0xDF && u8(head, 3) == 0xA3) {
            throw unsupported("a Matroska/WebM file");
        }
        throw new Rejected(true, "is not a supported media format (first bytes: " + hex(head, 8) + "); supported: "
                + MediaFormat.SUPPORTED);
    }

    private static MediaFormat afterId3(byte[] b) {
        if (b.length < 10) {
            throw corrupt("is an MP3 with a truncated ID3 tag");
        }
        long size = 0;
        for (int i = 6; i < 10; i++) {
            if ((b[i] & 0x80) != 0) {
                throw corrupt("is an MP3 with a corrupt ID3 tag size");
            }
            size = (size << 7) | (b[i] & 0x7F);
        }
        long next = 10 + size + ((b[5] & 0x10) != 0 ? 10 : 0);
        if (next + 4 <= b.length && ascii(b, (int) next, "fLaC")) {
            return MediaFormat.FLAC;
        }
        if (next + 4 <= b.length && !mpegFrame(b, (int) next)) {
            throw corrupt("is an MP3 whose ID3 tag is not followed by an MPEG audio frame");
        }
        return MediaFormat.MP3;
    }

    private static void checkPng(byte[] b) {
        if (b.length < PNG_SIGNATURE.length + 25 + PNG_IEND.length) {
            throw corrupt("is a truncated PNG (" + b.length + " bytes)");
        }
        int length = s32(b, 8);
        if (length != 13 || !ascii(b, 12, "IHDR")) {
            throw corrupt("is a corrupt PNG: the first chunk is not a 13-byte IHDR");
        }
        CRC32 crc = new CRC32();
        crc.update(b, 12, 4 + 13);
        if ((int) crc.getValue() != s32(b, 29)) {
            throw corrupt("is a corrupt PNG: the IHDR checksum does not match");
        }
        if (s32(b, 16) <= 0 || s32(b, 20) <= 0) {
            throw corrupt("is a corrupt PNG: width and height must be positive");
        }
        if (!endsWith(b, PNG_IEND)) {
            throw corrupt("is a truncated PNG: it does not end with an IEND chunk");
        }
    }

    private static void checkJpeg(byte[] b) {
        int end = b.length;
        while (end > 2 && b[end - 1] == 0) {
            end--;   // some writers pad with zeros
        }
        if (end < 4 || u8(b, end - 2) != 0xFF || u8(b, end - 1) != 0xD9) {
            throw corrupt("is a truncated JPEG: it does not end with an EOI marker (FF D9)");
        }
    }

    private static void checkWav(byte[] b) {
        boolean fmt = false;
        int offset = 12;
        while (offset + 8 <= b.length) {
            String id = new String(b, offset, 4, StandardCharsets.ISO_8859_1);
            long size = u32le(b, offset + 4);
            if (id.equals("fmt ")) {
                if (size < 16 || offset + 8 + 16 > b.length) {
                    throw corrupt("is a corrupt WAV: the fmt chunk is too short");
                }
                int channels = u16le(b, offset + 10);
                long rate = u32le(b, offset + 12);
                if (channels == 0 || rate == 0) {
                    throw corrupt("is a corrupt WAV: " + channels + " channels at " + rate + " Hz");
                }
                fmt = true;
            } else if (id.equals("data")) {
                if (!fmt) {
                    throw corrupt("is a corrupt WAV: the data chunk comes before the fmt chunk");
                }
                if (size == 0 || offset + 8 >= b.length) {
                    throw corrupt("is an empty WAV: the data chunk holds no samples");
                }
                return;
            }
            offset += 8 + size + (size & 1);
        }
        throw corrupt(fmt ? "is a truncated WAV: no data chunk" : "is a corrupt WAV: no fmt chunk");
    }

    private static void checkFlac(byte[] b) {
        int at = 0;
        if (ascii(b, 0, "ID3")) {
            at = (int) (10 + (((b[6] & 0x7F) << 21) | ((b[7] & 0x7F) << 14) | ((b[8] & 0x7F) << 7) | (b[9] & 0x7F))
                    + ((b[5] & 0x10) != 0 ? 10 : 0));
        }
        // "fLaC", then the STREAMINFO block: header (type 0, length 34) and 34 bytes
        if (b.length < at + 8 + 34 || (b[at + 4] & 0x7F) != 0 || u24(b, at + 5) != 34) {
            throw corrupt("is a corrupt FLAC: no STREAMINFO block after the signature");
        }
        int rate = (u8(b, at + 18) << 12) | (u8(b, at + 19) << 4) | (u8(b, at + 20) >> 4);
        if (rate == 0) {
            throw corrupt("is a corrupt FLAC: sample rate 0");
        }
    }

    private static void checkOgg(byte[] b) {
        if (b.length < 28 || b[4] != 0 || (b[5] & 0x02) == 0) {
            throw corrupt("is a corrupt OGG: the first page is not a version-0 beginning-of-stream page");
        }
        int segments = u8(b, 26);
        int body = 0;
        for (int i = 0; i < segments && 27 + i < b.length; i++) {
            body += u8(b, 27 + i);
        }
        if (27 + segments + body > b.length) {
            throw corrupt("is a truncated OGG: the first page is cut off");
        }
    }

    private static void checkIsoBoxes(byte[] b, MediaFormat format) {
        long offset = 0;
        boolean moov = false;
        while (offset < b.length) {
            if (offset + 8 > b.length) {
                throw corrupt("is a truncated " + format.displayName() + ": a box header is cut off at offset " + offset);
            }
            long size = u32(b, (int) offset);
            String type = printable(new String(b, (int) offset + 4, 4, StandardCharsets.ISO_8859_1));
            if (size == 1) {
                if (offset + 16 > b.length) {
                    throw corrupt("is a truncated " + format.displayName() + ": box '" + type + "' is cut off");
                }
                size = u64(b, (int) offset + 8);
            } else if (size == 0) {
                size = b.length - offset;   // the last box runs to the end of the file
            }
            if (size < 8) {
                throw corrupt("is a corrupt " + format.displayName() + ": box '" + type + "' at offset " + offset
                        + " declares " + size + " bytes");
            }
            if (offset + size > b.length) {
                throw corrupt("is a truncated " + format.displayName() + ": box '" + type + "' at offset " + offset
                        + " declares " + size + " bytes, only " + (b.length - offset) + " remain");
            }
            moov |= type.equals("moov");
            offset += size;
        }
        if (!moov) {
            throw corrupt("is an incomplete " + format.displayName() + ": it has no 'moov' box (no track metadata)");
        }
    }

    /** An MPEG-1/2/2.5 audio frame header: 11-bit sync, valid version, layer, bitrate and sample-rate indices. */
    private static boolean mpegFrame(byte[] b, int o) {
        if (o + 4 > b.length || u8(b, o) != 0xFF || (u8(b, o + 1) & 0xE0) != 0xE0) {
            return false;
        }
        int version = (u8(b, o + 1) >> 3) & 3;
        int layer = (u8(b, o + 1) >> 1) & 3;
        int bitrate = u8(b, o + 2) >> 4;
        int rate = (u8(b, o + 2) >> 2) & 3;
        return version != 1 && layer != 0 && bitrate != 15 && bitrate != 0 && rate != 3;
    }

    private static Rejected corrupt(String message) {
        return new Rejected(false, message);
    }

    private static Rejected unsupported(String what) {
        return new Rejected(true, "is " + what + ", which is not supported; supported: " + MediaFormat.SUPPORTED);
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u24(byte[] b, int i) {
        return (u8(b, i) << 16) | (u8(b, i + 1) << 8) | u8(b, i + 2);
    }

    private static int s32(byte[] b, int i) {
        return (u8(b, i) << 24) | (u8(b, i + 1) << 16) | (u8(b, i + 2) << 8) | u8(b, i + 3);
    }

    private static long u32(byte[] b, int i) {
        return s32(b, i) & 0xFFFFFFFFL;
    }

    private static long u64(byte[] b, int i) {
        return (u32(b, i) << 32) | u32(b, i + 4);
    }

    private static int u16le(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8);
    }

    private static long u32le(byte[] b, int i) {
        return (u8(b, i) | (u8(b, i + 1) << 8) | (u8(b, i + 2) << 16) | ((long) u8(b, i + 3) << 24));
    }

    private static boolean startsWith(byte[] b, int offset, byte[] prefix) {
        if (offset + prefix.length > b.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(byte[] b, byte[] suffix) {
        return b.length >= suffix.length && startsWith(b, b.length - suffix.length, suffix);
    }

    private static boolean ascii(byte[] b, int offset, String s) {
        if (offset + s.length() > b.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[offset + i] != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return out.toString();
    }

    private static String hex(byte[] b, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(max, b.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }
}
