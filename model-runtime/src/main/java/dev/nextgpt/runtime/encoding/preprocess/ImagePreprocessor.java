package dev.nextgpt.runtime.encoding.preprocess;

import dev.nextgpt.runtime.media.RgbImage;

/**
 * ImageBind's image transform, {@code Resize(size, BICUBIC) → CenterCrop(size) → ToTensor() → Normalize(mean, std)}
 * on a PIL RGB image:
 * <ol>
 *   <li>short side to {@code size}, long side {@code int(size · long / short)}, with PIL's antialiased bicubic
 *       ({@link Resize#bicubicPil});</li>
 *   <li>centre crop {@code size × size}, offsets {@code round((dim − size) / 2)} (Python's round half to even);</li>
 *   <li>{@code x / 255}, then {@code (x − mean[c]) / std[c]} in float32.</li>
 * </ol>
 * Output [3, size, size]. Thread-safe.
 */
public final class ImagePreprocessor {

    private final int size;
    private final float[] mean;
    private final float[] std;

    /** @param size the bundle's {@code encoders.image.size}; mean/std: 3 values each */
    public ImagePreprocessor(int size, float[] mean, float[] std) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        this.size = size;
        this.mean = checkRgb("mean", mean);
        this.std = checkRgb("std", std);
    }

    static float[] checkRgb(String name, float[] v) {
        if (v == null || v.length != 3) {
            throw new IllegalArgumentException(name + " needs 3 values (R, G, B)");
        }
        for (float x : v) {
            if (!Float.isFinite(x) || (name.equals("std") && !(x > 0))) {
                throw new IllegalArgumentException(name + " values must be finite" + (name.equals("std") ? " and positive" : "")
                        + ": " + java.util.Arrays.toString(v));
            }
        }
        return v.clone();
    }

    public int size() {
        return size;
    }

    /** [3, size, size]. */
    public FloatTensor apply(RgbImage image) {
        int w = image.width();
        int h = image.height();
        int newW;
        int newH;
        if (w <= h) {
            newW = size;
            newH = (int) ((double) ((long) size * h) / w);
        } else {
            newH = size;
            newW = (int) ((double) ((long) size * w) / h);
        }
        RgbImage resized = Resize.bicubicPil(image, newW, newH);
        int top = (int) Math.rint((newH - size) / 2.0);
        int left = (int) Math.rint((newW - size) / 2.0);
        float[] out = new float[3 * size * size];
        byte[] rgb = resized.rgb();
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            int sy = top + y;
            for (int x = 0; x < size; x++) {
                int sx = left + x;
                boolean inside = sy >= 0 && sy < newH && sx >= 0 && sx < newW; // torchvision pads with 0 if smaller
                int p = (sy * newW + sx) * 3;
                for (int c = 0; c < 3; c++) {
                    float v = inside ? (rgb[p + c] & 0xFF) / 255f : 0f;
                    out[c * plane + y * size + x] = (v - mean[c]) / std[c];
                }
            }
        }
        return new FloatTensor(out, new long[] {3, size, size});
    }
}
