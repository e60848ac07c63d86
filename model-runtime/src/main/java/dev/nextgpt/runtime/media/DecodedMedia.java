package dev.nextgpt.runtime.media;

/** What {@link MediaDecoder#decode(byte[])} returns: an {@link RgbImage}, a {@link MonoAudio} or a {@link DecodedVideo}. */
public sealed interface DecodedMedia permits RgbImage, MonoAudio, DecodedVideo {
    MediaKind kind();
}
