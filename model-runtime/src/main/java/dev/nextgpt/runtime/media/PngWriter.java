package dev.nextgpt.runtime.media;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes 8-bit RGB PNG (colour type 2) with the JDK's ImageIO. */
public final class PngWriter {

    private PngWriter() {
    }

    public static byte[] write(RgbImage image) {
        BufferedImage bi = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) bi.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < px.length; i++) {
            px[i] = ((rgb[3 * i] & 0xFF) << 16) | ((rgb[3 * i + 1] & 0xFF) << 8) | (rgb[3 * i + 2] & 0xFF);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(px.length + 1024);
        try {
            if (!ImageIO.write(bi, "png", out)) {
                throw new MediaEncodeException("no ImageIO PNG writer available in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An image [3,H,W] in [-1, 1] (the VAE decoder's output) as PNG; see {@link MediaOut#toByte(float)}. */
    public static byte[] writeSigned(float[] chw, int height, int width) {
        return write(RgbImage.fromSignedChw(chw, height, width));
    }

    public static void write(RgbImage image, Path file) throws IOException {
        Files.write(file, write(image));
    }
}
