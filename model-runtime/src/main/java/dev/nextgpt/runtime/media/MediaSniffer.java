package dev.nextgpt.runtime.media;

import java.nio.charset.StandardCharsets;

/**
 * Identifies media from its leading bytes (magic numbers), never from a file name or a declared content type.
 *
 * <p>Recognised: PNG, JPEG, WAV (RIFF/WAVE), MP3 (ID3v2 tag or MPEG audio frame sync), FLAC, OGG, MP4/MOV/M4A
 * (ISO base media {@code ftyp}, or a classic QuickTime atom). Common formats that are recognised but not supported
 * (GIF, BMP, WebP, TIFF, HEIF/AVIF, AVI, Matroska/WebM, ADTS AAC, RF64) get a message saying so.
 */
public final class MediaSniffer {

    private MediaSniffer() {
    }

    /**
     * The format of {@code bytes} (its {@link MediaFormat#kind() kind} says image, audio or video).
     *
     * @throws MediaDecodeException for empty, too short, unknown or unsupported input
     */
    public static MediaFormat sniff(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MediaDecodeException("media", "empty input");
        }
        int n = bytes.length;
        if (startsWith(bytes, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return MediaFormat.PNG;
        }
        if (startsWith(bytes, 0, 0xFF, 0xD8, 0xFF)) {
            return MediaFormat.JPEG;
        }
        if (n >= 12 && ascii(bytes, 0, "RIFF")) {
            if (ascii(bytes, 8, "WAVE")) {
                return MediaFormat.WAV;
            }
            if (ascii(bytes, 8, "WEBP")) {
                throw unsupported("WebP image");
            }
            if (ascii(bytes, 8, "AVI ")) {
                throw unsupported("AVI video");
            }
            throw new MediaDecodeException("media", "RIFF file of type '" + printable(bytes, 8, 4) + "' is not supported (expected WAVE)");
        }
        if (n >= 12 && ascii(bytes, 0, "RF64") && ascii(bytes, 8, "WAVE")) {
            throw unsupported("RF64 (64-bit WAV)");
        }
        if (ascii(bytes, 0, "fLaC")) {
            return MediaFormat.FLAC;
        }
        if (ascii(bytes, 0, "OggS")) {
            return MediaFormat.OGG;
        }
        if (ascii(bytes, 0, "ID3")) {
            return afterId3(bytes);
        }
        if (n >= 12 && ascii(bytes, 4, "ftyp")) {
            return isoBrand(bytes);
        }
        if (n >= 8 && (ascii(bytes, 4, "moov") || ascii(bytes, 4, "mdat") || ascii(bytes, 4, "wide")
                || ascii(bytes, 4, "free") || ascii(bytes, 4, "skip") || ascii(bytes, 4, "pnot"))) {
            return MediaFormat.MOV;
        }
        if (n >= 4 && isMpegAudioFrameHeader(bytes, 0)) {
            return MediaFormat.MP3;
        }
        if (n >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xF6) == 0xF0) {
            throw unsupported("AAC audio in an ADTS stream");
        }
        if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a")) {
            throw unsupported("GIF image");
        }
        if (startsWith(bytes, 0, 'I', 'I', 0x2A, 0x00) || startsWith(bytes, 0, 'M', 'M', 0x00, 0x2A)) {
            throw unsupported("TIFF image");
        }
        if (startsWith(bytes, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            throw unsupported("Matroska/WebM");
        }
        if (n >= 14 && ascii(bytes, 0, "BM")) {
            throw unsupported("BMP image");
        }
        if (n < 12) {
            throw new MediaDecodeException("media", "only " + n + " bytes, too short to identify (first bytes: " + hex(bytes, n) + ")");
        }
        throw new MediaDecodeException("media", "unrecognised format (first bytes: " + hex(bytes, 16)
                + "); supported: PNG, JPEG, WAV, MP3, FLAC, OGG, M4A, MP4/MOV");
    }

    /** {@link #sniff(byte[])}, and the result must be of {@code expected} kind. */
    public static MediaFormat sniff(byte[] bytes, MediaKind expected) {
        MediaFormat format = sniff(bytes);
        if (format.kind() != expected) {
            throw new MediaDecodeException(format, "expected " + expected.id() + " input but the bytes are "
                    + format.kind().id() + " (" + format.displayName() + ")");
        }
        return format;
    }

    private static MediaFormat afterId3(byte[] b) {
        // ID3v2 header: "ID3" ver rev flags size(4 × 7-bit syncsafe); a footer (flag 0x10) adds 10 bytes.
        if (b.length < 10) {
            throw new MediaDecodeException(MediaFormat.MP3, "truncated ID3v2 tag header (" + b.length + " bytes)");
        }
        int size = 0;
        for (int i = 6; i < 10; i++) {
            if ((b[i] & 0x80) != 0) {
                throw new MediaDecodeException(MediaFormat.MP3, "corrupt ID3v2 tag size");
            }
            size = (size << 7) | (b[i] & 0x7F);
        }
        long next = 10L + size + (((b[5] & 0x10) != 0) ? 10 : 0);
        if (next + 4 <= b.length && ascii(b, (int) next, "fLaC")) {
            return MediaFormat.FLAC;
        }
        return MediaFormat.MP3;
    }

    private static MediaFormat isoBrand(byte[] b) {
        long boxSize = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if (boxSize != 1 && boxSize < 12) {
            throw new MediaDecodeException("MP4", "corrupt 'ftyp' box (size " + boxSize + ")");
        }
        String brand = new String(b, 8, 4, StandardCharsets.ISO_8859_1);
        switch (brand) {
            case "qt  ":
                return MediaFormat.MOV;
            case "M4A ":
            case "M4B ":
                return MediaFormat.M4A;
            case "heic": case "heix": case "hevc": case "heim": case "heis": case "mif1": case "msf1": case "avif": case "avis":
                throw unsupported("HEIF/AVIF image (brand '" + brand.trim() + "')");
            case "crx ":
                throw unsupported("Canon raw image");
            default:
                return MediaFormat.MP4;
        }
    }

    /** MPEG-1/2/2.5 audio frame header: 11-bit sync, valid version, layer, bitrate and sample-rate indices. */
    static boolean isMpegAudioFrameHeader(byte[] b, int o) {
        if (o + 4 > b.length) {
            return false;
        }
        int b0 = b[o] & 0xFF, b1 = b[o + 1] & 0xFF, b2 = b[o + 2] & 0xFF;
        if (b0 != 0xFF || (b1 & 0xE0) != 0xE0) {
            return false;
        }
        int version = (b1 >> 3) & 3;      // 01 reserved
        int layer = (b1 >> 1) & 3;        // 00 reserved (ADTS uses it)
        int bitrate = (b2 >> 4) & 0xF;    // 1111 invalid
        int rate = (b2 >> 2) & 3;         // 11 reserved
        return version != 1 && layer != 0 && bitrate != 15 && rate != 3;
    }

    private static MediaDecodeException unsupported(String what) {
        return new MediaDecodeException("media", what + " is not supported; supported: PNG, JPEG, WAV, MP3, FLAC, OGG, M4A, MP4/MOV");
    }

    private static boolean startsWith(byte[] b, int offset, int... expected) {
        if (offset + expected.length > b.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((b[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
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

    static String hex(byte[] b, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(max, b.length); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }

    private static String printable(byte[] b, int offset, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = offset; i < Math.min(b.length, offset + len); i++) {
            int c = b[i] & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.toString();
    }
}
