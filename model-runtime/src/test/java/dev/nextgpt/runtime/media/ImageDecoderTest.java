package dev.nextgpt.runtime.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();

    static RgbImage pattern(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (x * 255 / Math.max(1, w - 1));
                rgb[o + 1] = (byte) (y * 255 / Math.max(1, h - 1));
                rgb[o + 2] = (byte) ((x * 7 + y * 13) & 0xFF);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out));
        return out.toByteArray();
    }

    @Test
    void pngWrittenByPngWriterDecodesToTheSamePixels() {
        RgbImage src = pattern(32, 24);
        assertEquals(src, decoder.decode(PngWriter.write(src)));
    }

    @Test
    void jpegDecodesToRgbCloseToTheSource() throws Exception {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, x < 8 ? 0xC03020 : 0x2040C0);
            }
        }
        RgbImage decoded = decoder.decode(encode(img, "jpeg"));
        assertEquals(16, decoded.width());
        assertEquals(0xC0, decoded.get(2, 8, 0), 12);
        assertEquals(0x40, decoded.get(13, 8, 1), 12);
        assertEquals(0xC0, decoded.get(13, 8, 2), 12);
    }

    @Test
    void greyPngKeepsItsValuesInAllThreeChannels() throws Exception {
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = {0, 64, 128, 255};
        for (int x = 0; x < 4; x++) {
            img.getRaster().setSample(x, 0, 0, values[x]);
        }
        RgbImage decoded = decoder.decode(encode(img, "png"));
        for (int x = 0; x < 4; x++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(values[x], decoded.get(x, 0, c), "no gamma change at x=" + x);
            }
        }
    }

    @Test
    void alphaIsDroppedWithoutCompositing() throws Exception {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x10FF8040);
        RgbImage decoded = decoder.decode(encode(img, "png"));
        assertEquals(0xFF, decoded.get(0, 0, 0));
        assertEquals(0x80, decoded.get(0, 0, 1));
        assertEquals(0x40, decoded.get(0, 0, 2));
    }

    @Test
    void truncatedPngIsRefusedWithTheFormatNamed() {
        byte[] png = PngWriter.write(pattern(64, 64));
        byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> decoder.decode(cut));
        assertTrue(e.getMessage().startsWith("PNG: corrupt or truncated"), e.getMessage());
    }

    @Test
    void truncatedJpegIsRefusedInsteadOfPaddedWithGrey() throws Exception {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | ((x + y) * 2));
            }
        }
        byte[] jpeg = encode(img, "jpeg");
        byte[] cut = java.util.Arrays.copyOf(jpeg, jpeg.length * 2 / 3);
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> decoder.decode(cut));
        assertTrue(e.getMessage().startsWith("JPEG: corrupt or truncated"), e.getMessage());
    }

    @Test
    void garbageAfterTheJpegMagicIsRefused() {
        byte[] junk = new byte[200];
        junk[0] = (byte) 0xFF;
        junk[1] = (byte) 0xD8;
        junk[2] = (byte) 0xFF;
        byte[] rnd = new byte[197];
        new java.util.Random(1).nextBytes(rnd);
        System.arraycopy(rnd, 0, junk, 3, rnd.length);
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> decoder.decode(junk));
        assertTrue(e.getMessage().startsWith("JPEG: "), e.getMessage());
    }

    @Test
    void hugeDeclaredDimensionsAreRefusedBeforeDecoding() {
        byte[] png = PngWriter.write(pattern(8, 8));
        // rewrite IHDR to 100000 × 100000 with a valid CRC
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, 100_000).putInt(20, 100_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> decoder.decode(png));
        assertTrue(e.getMessage().contains("100000x100000") && e.getMessage().contains("above the limit"), e.getMessage());
    }

    @Test
    void nonImageBytesAreRefusedByKind() {
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> decoder.decode(WavWriter.writePcm16(new float[8])));
        assertTrue(e.getMessage().contains("expected image"), e.getMessage());
    }
}
