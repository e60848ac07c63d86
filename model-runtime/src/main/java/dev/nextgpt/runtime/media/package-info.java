/**
 * Media in and out: format sniffing, decoding of images (PNG, JPEG), audio (WAV in Java; MP3, FLAC, OGG, M4A through
 * FFmpeg) and video (MP4/MOV through FFmpeg), and encoding of PNG, WAV (PCM16) and MP4 (H.264).
 *
 * <p>Entry points: {@link dev.nextgpt.runtime.media.MediaSniffer}, {@link dev.nextgpt.runtime.media.MediaDecoder},
 * {@link dev.nextgpt.runtime.media.PngWriter}, {@link dev.nextgpt.runtime.media.WavWriter},
 * {@link dev.nextgpt.runtime.media.Mp4Writer}. Every decoding failure is a
 * {@link dev.nextgpt.runtime.media.MediaDecodeException} whose message names the format and what is wrong; sizes are
 * bounded by {@link dev.nextgpt.runtime.media.MediaLimits}.
 */
package dev.nextgpt.runtime.media;
