package dev.nextgpt.runtime.media;

/** The contract's value mappings for media out (models/README.md, "Media out"). */
public final class MediaOut {
    private MediaOut() {
    }

    /** Pixel in [-1, 1] → {@code round(clamp(x/2 + 0.5, 0, 1) · 255)} (round half to even, as torch/numpy). NaN → 0. */
    public static int toByte(float x) {
        float v = x / 2f + 0.5f;
        if (!(v > 0f)) {
            return 0;
        }
        if (v >= 1f) {
            return 255;
        }
        return (int) Math.rint(v * 255f);
    }

    /** Audio sample → {@code round(clamp(x, -1, 1) · 32767)} (round half to even). NaN → 0. */
    public static short toPcm16(float x) {
        if (Float.isNaN(x)) {
            return 0;
        }
        float v = Math.max(-1f, Math.min(1f, x));
        return (short) Math.rint(v * 32767f);
    }
}
