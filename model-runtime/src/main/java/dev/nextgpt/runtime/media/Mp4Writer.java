package dev.nextgpt.runtime.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Writes MP4 files that browsers play: H.264 in yuv420p, even dimensions, {@code moov} before {@code mdat}
 * ({@code movflags=+faststart}), constant frame rate, no audio. Encoding runs in the bundled FFmpeg through JavaCV's
 * {@link FFmpegFrameRecorder}; the encoder is the first of {@link #H264_ENCODERS} the build has (the LGPL
 * {@code org.bytedeco:ffmpeg} build on Maven Central ships Cisco's {@code libopenh264}, constrained-baseline profile).
 *
 * <p>Frames of odd width or height are padded to even by repeating the last column/row. RGB → YUV uses
 * libswscale's BT.601 limited-range matrix and the stream is tagged so (smpte170m).
 */
public final class Mp4Writer {

    /** Software H.264 encoders in order of preference. */
    public static final List<String> H264_ENCODERS = List.of("libopenh264", "libx264");

    private final int bitrate;

    /** Bitrate chosen per video: {@code max(200 kbit/s, 0.5 bit per pixel per frame)}. */
    public Mp4Writer() {
        this(0);
    }

    /** @param bitrate target video bitrate in bit/s, or 0 to choose one from the frame size and rate */
    public Mp4Writer(int bitrate) {
        if (bitrate < 0) {
            throw new IllegalArgumentException("bitrate must not be negative: " + bitrate);
        }
        this.bitrate = bitrate;
    }

    /** The H.264 encoder the bundled FFmpeg offers, if any. */
    public static Optional<String> h264Encoder() {
        for (String name : H264_ENCODERS) {
            if (Ffmpeg.hasEncoder(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** Encodes frames (all of one size) at {@code fps} into MP4 bytes. */
    public byte[] write(List<RgbImage> frames, double fps) {
        Path tmp = null;
        try {
            // faststart rewrites the file after encoding, which needs a real (re-openable) file
            tmp = Files.createTempFile("nextgpt-", ".mp4");
            write(frames, fps, tmp);
            return Files.readAllBytes(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // temp file cleanup is best effort
                }
            }
        }
    }

    /**
     * A video [3,F,H,W] in [-1, 1] (the video VAE decoder's output for one item) as MP4 bytes; each value maps to
     * {@code round(clamp(x/2 + 0.5, 0, 1) · 255)}.
     */
    public byte[] writeSigned(float[] cfhw, int frameCount, int height, int width, double fps) {
        return write(framesOfSigned(cfhw, frameCount, height, width), fps);
    }

    /** Splits a [3,F,H,W] tensor in [-1, 1] into RGB frames. */
    public static List<RgbImage> framesOfSigned(float[] cfhw, int frameCount, int height, int width) {
        long plane = (long) frameCount * height * width;
        if (frameCount <= 0 || cfhw.length != 3 * plane) {
            throw new IllegalArgumentException("expected 3x" + frameCount + "x" + height + "x" + width + " = " + 3 * plane
                    + " floats, got " + cfhw.length);
        }
        List<RgbImage> frames = new ArrayList<>(frameCount);
        for (int f = 0; f < frameCount; f++) {
            frames.add(RgbImage.fromSignedPlanar(cfhw, f * height * width, plane, height, width));
        }
        return frames;
    }

    /** Encodes frames (all of one size) at {@code fps} into an MP4 file. */
    public void write(List<RgbImage> frames, double fps, Path file) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a video needs at least one frame");
        }
        if (!(fps > 0) || fps > 240) {
            throw new IllegalArgumentException("fps must be in (0, 240]: " + fps);
        }
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        for (RgbImage f : frames) {
            if (f.width() != w || f.height() != h) {
                throw new IllegalArgumentException("all frames must be " + w + "x" + h + ", got " + f.width() + "x" + f.height());
            }
        }
        String encoder = h264Encoder().orElseThrow(() -> new MediaEncodeException(
                "the bundled FFmpeg has no H.264 encoder (looked for " + H264_ENCODERS + ")"));
        int ew = w + (w & 1);
        int eh = h + (h & 1);
        int rate = bitrate > 0 ? bitrate : (int) Math.min(50_000_000L, Math.max(200_000L, (long) (ew * (long) eh * fps * 0.5)));
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toString(), ew, eh, 0);
        recorder.setFormat("mp4");
        recorder.setVideoCodecName(encoder);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(fps);
        recorder.setVideoBitrate(rate);
        recorder.setGopSize(Math.max(1, (int) Math.round(2 * fps)));
        recorder.setOption("movflags", "+faststart");
        recorder.setVideoOption("colorspace", "smpte170m");
        recorder.setVideoOption("color_primaries", "smpte170m");
        recorder.setVideoOption("color_trc", "smpte170m");
        recorder.setVideoOption("color_range", "tv");
        Ffmpeg.init();
        try (Frame frame = new Frame(ew, eh, Frame.DEPTH_UBYTE, 3)) {
            recorder.start();
            ByteBuffer buf = (ByteBuffer) frame.image[0];
            int stride = frame.imageStride;
            byte[] row = new byte[ew * 3];
            for (RgbImage image : frames) {
                byte[] rgb = image.rgb();
                for (int y = 0; y < eh; y++) {
                    int sy = Math.min(y, h - 1);
                    System.arraycopy(rgb, sy * w * 3, row, 0, w * 3);
                    if (ew != w) {
                        System.arraycopy(rgb, (sy * w + w - 1) * 3, row, w * 3, 3);
                    }
                    buf.position(y * stride);
                    buf.put(row, 0, ew * 3);
                }
                buf.position(0);
                recorder.record(frame, avutil.AV_PIX_FMT_RGB24);
            }
            recorder.stop();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            throw new MediaEncodeException("MP4: encoding " + frames.size() + " frames of " + ew + "x" + eh + " with "
                    + encoder + " failed: " + e.getMessage(), e);
        } finally {
            try {
                recorder.release();
            } catch (FrameRecorder.Exception ignored) {
                // already failed or finished
            }
        }
    }
}
