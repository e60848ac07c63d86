package dev.nextgpt.runtime.media;

/** One decoded frame and its presentation time in seconds, relative to the first frame of the video. */
public record VideoFrame(RgbImage image, double timestampSeconds) {
}
