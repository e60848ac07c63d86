package dev.nextgpt.runtime.media;

/**
 * Upper bounds that protect a decoder from hostile inputs (decompression bombs, absurd headers). Every check happens
 * before the expensive work where the header allows it (image dimensions, WAV data size, container duration), and
 * again while decoding (decoded samples, frames, bytes).
 *
 * @param maxInputBytes         largest encoded input accepted
 * @param maxImagePixels        largest width × height of an image
 * @param maxAudioSeconds       longest audio (decoded duration)
 * @param maxVideoSeconds       longest video (container duration and decoded timestamps)
 * @param maxVideoFrames        most decoded video frames
 * @param maxVideoFramePixels   largest width × height of one video frame (before any downscaling)
 * @param maxVideoDecodedBytes  most RGB bytes kept for all decoded frames together (after downscaling)
 */
public record MediaLimits(long maxInputBytes, long maxImagePixels, double maxAudioSeconds, double maxVideoSeconds,
                          int maxVideoFrames, long maxVideoFramePixels, long maxVideoDecodedBytes) {

    /** 256 MiB input, 50 Mpx images, 10 min audio, 5 min / 9000 frames of at most 4K video, 1 GiB of decoded RGB. */
    public static MediaLimits defaults() {
        return new MediaLimits(256L << 20, 50_000_000L, 600.0, 300.0, 9000, 3840L * 2160L, 1L << 30);
    }

    public MediaLimits {
        if (maxInputBytes <= 0 || maxImagePixels <= 0 || !(maxAudioSeconds > 0) || !(maxVideoSeconds > 0)
                || maxVideoFrames <= 0 || maxVideoFramePixels <= 0 || maxVideoDecodedBytes <= 0) {
            throw new IllegalArgumentException("media limits must all be positive: " + this);
        }
    }

    public MediaLimits withMaxInputBytes(long v) {
        return new MediaLimits(v, maxImagePixels, maxAudioSeconds, maxVideoSeconds, maxVideoFrames, maxVideoFramePixels, maxVideoDecodedBytes);
    }

    public MediaLimits withMaxImagePixels(long v) {
        return new MediaLimits(maxInputBytes, v, maxAudioSeconds, maxVideoSeconds, maxVideoFrames, maxVideoFramePixels, maxVideoDecodedBytes);
    }

    public MediaLimits withMaxAudioSeconds(double v) {
        return new MediaLimits(maxInputBytes, maxImagePixels, v, maxVideoSeconds, maxVideoFrames, maxVideoFramePixels, maxVideoDecodedBytes);
    }

    public MediaLimits withMaxVideoSeconds(double v) {
        return new MediaLimits(maxInputBytes, maxImagePixels, maxAudioSeconds, v, maxVideoFrames, maxVideoFramePixels, maxVideoDecodedBytes);
    }

    public MediaLimits withMaxVideoFrames(int v) {
        return new MediaLimits(maxInputBytes, maxImagePixels, maxAudioSeconds, maxVideoSeconds, v, maxVideoFramePixels, maxVideoDecodedBytes);
    }

    public MediaLimits withMaxVideoFramePixels(long v) {
        return new MediaLimits(maxInputBytes, maxImagePixels, maxAudioSeconds, maxVideoSeconds, maxVideoFrames, v, maxVideoDecodedBytes);
    }

    public MediaLimits withMaxVideoDecodedBytes(long v) {
        return new MediaLimits(maxInputBytes, maxImagePixels, maxAudioSeconds, maxVideoSeconds, maxVideoFrames, maxVideoFramePixels, v);
    }

    void checkInputSize(String format, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MediaDecodeException(format, "empty input");
        }
        if (bytes.length > maxInputBytes) {
            throw new MediaDecodeException(format, "input is " + bytes.length + " bytes, above the limit of " + maxInputBytes + " bytes");
        }
    }
}
