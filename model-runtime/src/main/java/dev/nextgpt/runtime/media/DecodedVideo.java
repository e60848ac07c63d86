package dev.nextgpt.runtime.media;

import java.util.List;

/**
 * Decoded video frames in presentation order.
 *
 * @param frames          frames, timestamps non-decreasing, the first at 0
 * @param width           frame width (after any downscaling requested from the decoder)
 * @param height          frame height
 * @param fps             the stream's average frame rate (estimated from the timestamps when the container has none)
 * @param durationSeconds last timestamp + one frame period; for constant frame rate this is {@code frames / fps},
 *                        the duration pytorchvideo's decord-backed {@code EncodedVideo} reports
 */
public record DecodedVideo(List<VideoFrame> frames, int width, int height, double fps, double durationSeconds)
        implements DecodedMedia {

    public DecodedVideo {
        frames = List.copyOf(frames);
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a video needs at least one frame");
        }
    }

    @Override
    public MediaKind kind() {
        return MediaKind.VIDEO;
    }

    /** Builds a video from frames taken at a constant rate (timestamps i / fps). */
    public static DecodedVideo ofConstantRate(List<RgbImage> images, double fps) {
        if (!(fps > 0)) {
            throw new IllegalArgumentException("fps must be positive: " + fps);
        }
        List<VideoFrame> frames = new java.util.ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            frames.add(new VideoFrame(images.get(i), i / fps));
        }
        RgbImage first = images.get(0);
        return new DecodedVideo(frames, first.width(), first.height(), fps, images.size() / fps);
    }

    @Override
    public String toString() {
        return "DecodedVideo[" + frames.size() + " frames " + width + "x" + height + " @ " + fps + " fps, " + durationSeconds + " s]";
    }
}
