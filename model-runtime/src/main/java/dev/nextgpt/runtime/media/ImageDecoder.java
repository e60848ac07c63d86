package dev.nextgpt.runtime.media;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG through the JDK's ImageIO into 8-bit RGB. The dimensions are read from the header and checked
 * against {@link MediaLimits#maxImagePixels()} before any pixel is decoded. A JPEG that ImageIO can only decode with
 * warnings (premature end of data, corrupt segments) is refused, as PIL refuses truncated images by default.
 * Alpha is dropped without compositing and grey is replicated, as PIL's {@code convert("RGB")} does; 16-bit
 * channels keep their high byte.
 */
public final class ImageDecoder {

    static {
        ImageIO.setUseCache(false); // decode in memory, never through temp files
    }

    private final MediaLimits limits;

    public ImageDecoder(MediaLimits limits) {
        this.limits = limits;
    }

    public ImageDecoder() {
        this(MediaLimits.defaults());
    }

    /** Decodes PNG or JPEG bytes (identified by {@link MediaSniffer}) to RGB. */
    public RgbImage decode(byte[] bytes) {
        MediaFormat format = MediaSniffer.sniff(bytes, MediaKind.IMAGE);
        limits.checkInputSize(format.displayName(), bytes);
        String readerName = format == MediaFormat.PNG ? "png" : "jpeg";
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(readerName);
        if (!readers.hasNext()) {
            throw new MediaDecodeException(format, "no ImageIO reader available in this JVM");
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            int width;
            int height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw new MediaDecodeException(format, "corrupt or truncated header", e);
            }
            if (width <= 0 || height <= 0) {
                throw new MediaDecodeException(format, "invalid dimensions " + width + "x" + height);
            }
            if ((long) width * height > limits.maxImagePixels()) {
                throw new MediaDecodeException(format, "image is " + width + "x" + height + " = " + (long) width * height
                        + " pixels, above the limit of " + limits.maxImagePixels());
            }
            BufferedImage image;
            try {
                image = reader.read(0);
            } catch (javax.imageio.IIOException e) {
                String msg = String.valueOf(e.getMessage());
                if (msg.contains("Unsupported Image Type") || msg.contains("Unsupported JPEG process")) {
                    throw new MediaDecodeException(format, "unsupported variant (CMYK/YCCK or lossless/arithmetic JPEG?)", e);
                }
                throw new MediaDecodeException(format, "corrupt or truncated image data", e);
            } catch (IOException | RuntimeException e) {
                throw new MediaDecodeException(format, "corrupt or truncated image data", e);
            }
            if (!warnings.isEmpty()) {
                throw new MediaDecodeException(format, "corrupt or truncated image data (" + String.join("; ", warnings) + ")");
            }
            return toRgb(image);
        } catch (IOException e) {
            throw new MediaDecodeException(format, "cannot read input", e);
        } finally {
            reader.dispose();
        }
    }

    static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        int type = image.getType();
        if (type == BufferedImage.TYPE_3BYTE_BGR && image.getRaster().getDataBuffer() instanceof DataBufferByte db
                && image.getRaster().getParent() == null) {
            byte[] bgr = db.getData();
            for (int i = 0, n = w * h; i < n; i++) {
                out[3 * i] = bgr[3 * i + 2];
                out[3 * i + 1] = bgr[3 * i + 1];
                out[3 * i + 2] = bgr[3 * i];
            }
            return new RgbImage(w, h, out);
        }
        Raster raster = image.getRaster();
        if (image.getColorModel() instanceof ComponentColorModel cm
                && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && raster.getNumBands() <= 2) {
            // Read grey samples directly: getRGB() would apply the linear-grey → sRGB gamma curve.
            int bits = cm.getComponentSize(0);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = bits > 8 ? row[x] >>> (bits - 8) : bits < 8 ? row[x] * 255 / ((1 << bits) - 1) : row[x];
                    int o = (y * w + x) * 3;
                    out[o] = out[o + 1] = out[o + 2] = (byte) v;
                }
            }
            return new RgbImage(w, h, out);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int o = (y * w + x) * 3;
                out[o] = (byte) (p >> 16);
                out[o + 1] = (byte) (p >> 8);
                out[o + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, out);
    }
}
