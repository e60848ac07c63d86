package dev.nextgpt.runtime.decoding;

/**
 * The "Media out" conversions of {@code models/README.md}, for the media encoders: pixels
 * {@code round(clamp(x/2 + 0.5, 0, 1) · 255)}, PCM16 {@code round(clamp(x, −1, 1) · 32767)}; rounding is half to even,
 * as {@code torch.round}, computed in float32.
 */
public final class MediaOut {
    private MediaOut() {}

    /** One value in [-1,1] to a pixel byte (0…255, returned as an int). */
    public static int toPixel(float x) {
        float v = x / 2f + 0.5f;
        if (!(v > 0f)) { // also maps NaN to 0
            v = 0f;
        } else if (v > 1f) {
            v = 1f;
        }
        return (int) Math.rint(v * 255f);
    }

    /** Every value to a pixel byte, same layout. */
    public static byte[] toUint8(float[] data) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (byte) toPixel(data[i]);
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
                out[3 * p + c] = (byte) toPixel(planar[c * plane + p]);
            }
        }
        return out;
    }

    /** One sample to PCM16. */
    public static short toPcm16(float x) {
        float v = x;
        if (Float.isNaN(v)) {
            v = 0f;
        } else if (v < -1f) {
            v = -1f;
        } else if (v > 1f) {
            v = 1f;
        }
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

    /** A waveform to PCM16 little-endian bytes (the data chunk of a WAV file). */
    public static byte[] toPcm16LittleEndian(float[] waveform) {
        byte[] out = new byte[waveform.length * 2];
        for (int i = 0; i < waveform.length; i++) {
            short s = toPcm16(waveform[i]);
            out[2 * i] = (byte) s;
            out[2 * i + 1] = (byte) (s >> 8);
        }
        return out;
    }
}
