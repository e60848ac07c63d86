package dev.nextgpt.gateway;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/** Small, valid media files made in the test (and broken variants of them). */
public final class Media {
    private Media() {
    }

    public static byte[] png(int seed) {
        return image("png", seed);
    }

    public static byte[] jpeg(int seed) {
        return image("jpeg", seed);
    }

    private static byte[] image(String format, int seed) {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, (x * 31 + y * 17 + seed * 7919) & 0xFFFFFF);
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 16-bit mono PCM at 16 kHz. */
    public static byte[] wav(int samples) {
        int data = samples * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (Math.sin(i / 5.0) * 8000));
        }
        return b.array();
    }

    /** An ISO BMFF file: ftyp (isom), moov, mdat. */
    public static byte[] mp4() {
        ByteBuffer b = ByteBuffer.allocate(20 + 16 + 24);
        b.putInt(20).put("ftyp".getBytes(StandardCharsets.US_ASCII)).put("isom".getBytes(StandardCharsets.US_ASCII))
                .putInt(512).put("isom".getBytes(StandardCharsets.US_ASCII));
        b.putInt(16).put("moov".getBytes(StandardCharsets.US_ASCII)).putInt(8).put("udta".getBytes(StandardCharsets.US_ASCII));
        b.putInt(24).put("mdat".getBytes(StandardCharsets.US_ASCII)).put(new byte[16]);
        return b.array();
    }

    /** An MPEG-1 layer III frame header and silence. */
    public static byte[] mp3() {
        byte[] b = new byte[417];
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xFB;
        b[2] = (byte) 0x90;
        b[3] = 0x64;
        return b;
    }

    public static byte[] truncate(byte[] bytes, int length) {
        byte[] out = new byte[length];
        System.arraycopy(bytes, 0, out, 0, length);
        return out;
    }
}
