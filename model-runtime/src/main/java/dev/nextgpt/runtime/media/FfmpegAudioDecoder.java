package dev.nextgpt.runtime.media;

import java.io.ByteArrayInputStream;
import java.nio.FloatBuffer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes compressed audio (MP3, FLAC, OGG Vorbis/Opus/FLAC, M4A/AAC) with FFmpeg through JavaCV's
 * {@link FFmpegFrameGrabber}, reading from the byte array, and has FFmpeg (libswresample) mix down to mono and
 * resample to the requested rate as 32-bit float.
 *
 * <p>The container's declared duration is checked against {@link MediaLimits#maxAudioSeconds()} before decoding, the
 * decoded sample count while decoding. Input that decodes to far less than the duration the container declares
 * (a FLAC or MP3-with-Xing-header cut short) is refused as truncated.
 */
public final class FfmpegAudioDecoder {

    private final MediaLimits limits;

    public FfmpegAudioDecoder(MediaLimits limits) {
        this.limits = limits;
    }

    public FfmpegAudioDecoder() {
        this(MediaLimits.defaults());
    }

    /** Decodes {@code bytes} of the given (sniffed) format to mono float samples at {@code sampleRate}. */
    public MonoAudio decode(byte[] bytes, MediaFormat format, int sampleRate) {
        limits.checkInputSize(format.displayName(), bytes);
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
        }
        Ffmpeg.init();
        long maxSamples = (long) Math.ceil(limits.maxAudioSeconds() * sampleRate);
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(new ByteArrayInputStream(bytes));
        grabber.setAudioChannels(1);
        grabber.setSampleRate(sampleRate);
        grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
        grabber.setFormat(switch (format) {
            case MP3 -> "mp3";
            case FLAC -> "flac";
            case OGG -> "ogg";
            case M4A, MP4, MOV -> "mov";
            default -> throw new MediaDecodeException(format, "is not compressed audio FFmpeg should decode here");
        });
        try {
            try {
                grabber.start();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                throw new MediaDecodeException(format.displayName(), "not a readable " + format.displayName()
                        + " stream, corrupt or truncated (" + Ffmpeg.reason(e) + ")", e, false);
            }
            if (!grabber.hasAudio()) {
                throw new MediaDecodeException(format, "no audio stream found");
            }
            double declaredSeconds = grabber.getLengthInTime() > 0 ? grabber.getLengthInTime() / 1e6 : -1;
            if (declaredSeconds > limits.maxAudioSeconds()) {
                throw new MediaDecodeException(format, String.format("audio is %.1f s, above the limit of %.1f s",
                        declaredSeconds, limits.maxAudioSeconds()));
            }
            float[] out = new float[(int) Math.min(maxSamples + 1,
                    declaredSeconds > 0 ? (long) (declaredSeconds * sampleRate) + sampleRate : 16L * sampleRate)];
            int count = 0;
            Frame frame;
            while (true) {
                try {
                    frame = grabber.grabSamples();
                } catch (FrameGrabber.Exception | RuntimeException e) {
                    throw new MediaDecodeException(format.displayName(), "corrupt audio data after " + count + " samples ("
                            + Ffmpeg.reason(e) + ")", e, false);
                }
                if (frame == null) {
                    break;
                }
                if (frame.samples == null || frame.samples.length == 0) {
                    continue;
                }
                FloatBuffer buf = (FloatBuffer) frame.samples[0];
                int n = buf.remaining();
                if (count + (long) n > maxSamples) {
                    throw new MediaDecodeException(format, String.format("audio is longer than the limit of %.1f s",
                            limits.maxAudioSeconds()));
                }
                if (count + n > out.length) {
                    out = java.util.Arrays.copyOf(out, (int) Math.min(maxSamples + 1, Math.max(count + n, 2L * out.length)));
                }
                buf.get(out, count, n);
                count += n;
            }
            if (count == 0) {
                throw new MediaDecodeException(format, "no audio samples could be decoded (corrupt or truncated?)");
            }
            double decodedSeconds = count / (double) sampleRate;
            if (declaredSeconds > 0 && decodedSeconds < 0.9 * declaredSeconds - 0.25) {
                throw new MediaDecodeException(format, String.format(
                        "truncated: the stream declares %.2f s but only %.2f s could be decoded", declaredSeconds, decodedSeconds));
            }
            return new MonoAudio(count == out.length ? out : java.util.Arrays.copyOf(out, count), sampleRate);
        } finally {
            try {
                grabber.close();
            } catch (FrameGrabber.Exception | RuntimeException ignored) {
                // nothing useful to do: decoding already succeeded or failed
            }
        }
    }
}
