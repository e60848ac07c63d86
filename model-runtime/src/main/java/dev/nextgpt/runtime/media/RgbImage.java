package dev.nextgpt.runtime.media;

/**
 * An 8-bit sRGB image, pixels interleaved R, G, B, rows top to bottom ({@code rgb[(y * width + x) * 3 + c]}).
 * Alpha is dropped (as PIL's {@code convert("RGB")} does), grey is replicated to three channels.
 */
public record RgbImage(int width, int height, byte[] rgb) implements DecodedMedia {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image dimensions must be positive: " + width + "x" + height);
        }
        if (rgb == null || rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RGB buffer holds " + (rgb == null ? 0 : rgb.length) + " bytes, "
                    + width + "x" + height + " needs " + (long) width * height * 3);
        }
    }

    @Override
    public MediaKind kind() {
        return MediaKind.IMAGE;
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y), 0–255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /**
     * Builds an image from a float tensor in [-1, 1] laid out [3, H, W] starting at {@code offset}, with
     * {@code planeStride} elements between the channel planes (H·W for an image [3,H,W]; F·H·W for frame f of a
     * video [3,F,H,W], with {@code offset = f·H·W}). Each value maps to {@code round(clamp(x/2 + 0.5, 0, 1) · 255)}.
     */
    public static RgbImage fromSignedPlanar(float[] data, int offset, long planeStride, int height, int width) {
        long hw = (long) height * width;
        if (offset < 0 || offset + 2 * planeStride + hw > data.length) {
            throw new IllegalArgumentException("tensor of " + data.length + " floats is too small for 3x" + height + "x" + width
                    + " at offset " + offset + " with plane stride " + planeStride);
        }
        byte[] out = new byte[(int) (hw * 3)];
        for (int c = 0; c < 3; c++) {
            long base = offset + c * planeStride;
            for (int i = 0; i < hw; i++) {
                out[i * 3 + c] = (byte) MediaOut.toByte(data[(int) (base + i)]);
            }
        }
        return new RgbImage(width, height, out);
    }

    /** An image [3,H,W] in [-1, 1] (decoder output) as 8-bit RGB. */
    public static RgbImage fromSignedChw(float[] chw, int height, int width) {
        if (chw.length != 3L * height * width) {
            throw new IllegalArgumentException("expected 3x" + height + "x" + width + " = " + 3L * height * width
                    + " floats, got " + chw.length);
        }
        return fromSignedPlanar(chw, 0, (long) height * width, height, width);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && other.width == width && other.height == height
                && java.util.Arrays.equals(other.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + java.util.Arrays.hashCode(rgb);
    }
}
