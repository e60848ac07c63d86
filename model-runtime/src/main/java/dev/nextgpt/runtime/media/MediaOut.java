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

    /** A waveform to PCM16 samples. */
    public static short[] toPcm16(float[] waveform) {
        short[] out = new short[waveform.length];
        for (int i = 0; i < waveform.length; i++) {
            out[i] = toPcm16(waveform[i]);
        }
        return out;
    }

    /**
     * Planar {@code [3,F,H,W]} (or {@code [3,H,W]} with {@code frames = 1}) to interleaved RGB bytes
     * {@code [F,H,W,3]}, the layout image and video encoders take.
     */
    public static byte[] toInterleavedRgb(float[] planar, int frames, int height, int width) {
        int plane = frames * height * width;
        if (planar.length != 3 * plane) {
            throw new IllegalArgumentException("expected 3×" + frames + "×" + height + "×" + width + " values, got " + planar.length);
        }
        byte[] out = new byte[planar.length];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                out[3 * p + c] = (byte) toByte(planar[c * plane + p]);
            }
        }
        return out;
    }
}
