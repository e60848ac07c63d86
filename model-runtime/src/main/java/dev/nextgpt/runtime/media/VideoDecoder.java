package dev.nextgpt.runtime.media;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes MP4/MOV video (H.264 and whatever else the bundled FFmpeg decodes) with JavaCV's
 * {@link FFmpegFrameGrabber} from the byte array into RGB frames with timestamps.
 *
 * <p>Before FFmpeg sees the bytes, the top-level ISO-BMFF boxes are walked: a box that runs past the end of the input
 * (a truncated upload) or a missing {@code moov} box is refused with a precise message. Then the frame size and the
 * declared duration are checked against {@link MediaLimits}; while decoding, the frame count, timestamps and kept
 * RGB bytes are checked too. Rotation metadata is not applied.
 *
 * <p>Timestamps are made relative to the first decoded frame. Frames can be downscaled by FFmpeg (libswscale,
 * area averaging) while decoding so that memory stays bounded for long or large videos:
 * {@link #decode(byte[], int)} keeps the short side at most {@code maxShortSide}.
 */
public final class VideoDecoder {

    private final MediaLimits limits;

    public VideoDecoder(MediaLimits limits) {
        this.limits = limits;
    }

    public VideoDecoder() {
        this(MediaLimits.defaults());
    }

    /** All frames at their native size. */
    public DecodedVideo decode(byte[] bytes) {
        return decode(bytes, 0);
    }

    /**
     * All frames, downscaled (aspect kept, long side {@code floor(long · maxShortSide / short)}) when the short side
     * is above {@code maxShortSide}; {@code 0} keeps the native size.
     */
    public DecodedVideo decode(byte[] bytes, int maxShortSide) {
        MediaFormat format = MediaSniffer.sniff(bytes, MediaKind.VIDEO);
        limits.checkInputSize(format.displayName(), bytes);
        checkBoxes(format, bytes);
        Ffmpeg.init();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(new ByteArrayInputStream(bytes));
        grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        try {
            try {
                grabber.start();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                throw new MediaDecodeException(format.displayName(), "FFmpeg cannot open the stream, corrupt or unsupported ("
                        + Ffmpeg.reason(e) + ")", e, false);
            }
            if (!grabber.hasVideo()) {
                throw new MediaDecodeException(format, "no video stream found");
            }
            int srcW = grabber.getImageWidth();
            int srcH = grabber.getImageHeight();
            if (srcW <= 0 || srcH <= 0) {
                throw new MediaDecodeException(format, "invalid frame size " + srcW + "x" + srcH);
            }
            if ((long) srcW * srcH > limits.maxVideoFramePixels()) {
                throw new MediaDecodeException(format, "frames are " + srcW + "x" + srcH + " = " + (long) srcW * srcH
                        + " pixels, above the limit of " + limits.maxVideoFramePixels());
            }
            double declared = grabber.getLengthInTime() > 0 ? grabber.getLengthInTime() / 1e6 : -1;
            if (declared > limits.maxVideoSeconds()) {
                throw new MediaDecodeException(format, String.format("video is %.1f s, above the limit of %.1f s",
                        declared, limits.maxVideoSeconds()));
            }
            int w = srcW;
            int h = srcH;
            int shortSide = Math.min(srcW, srcH);
            if (maxShortSide > 0 && shortSide > maxShortSide) {
                if (srcW <= srcH) {
                    w = maxShortSide;
                    h = (int) ((double) srcH * maxShortSide / srcW);
                } else {
                    h = maxShortSide;
                    w = (int) ((double) srcW * maxShortSide / srcH);
                }
                grabber.setImageWidth(w);
                grabber.setImageHeight(h);
                grabber.setImageScalingFlags(swscale.SWS_AREA);
            }
            long frameBytes = 3L * w * h;
            List<VideoFrame> frames = new ArrayList<>();
            long firstTs = Long.MIN_VALUE;
            long lastTs = Long.MIN_VALUE;
            while (true) {
                Frame frame;
                try {
                    frame = grabber.grabImage();
                } catch (FrameGrabber.Exception | RuntimeException e) {
                    throw new MediaDecodeException(format.displayName(), "corrupt video data after " + frames.size() + " frames ("
                            + Ffmpeg.reason(e) + ")", e, false);
                }
                if (frame == null) {
                    break;
                }
                if (frame.image == null || frame.image.length == 0) {
                    continue;
                }
                if (frames.size() >= limits.maxVideoFrames()) {
                    throw new MediaDecodeException(format, "video has more than " + limits.maxVideoFrames() + " frames (the limit)");
                }
                if ((frames.size() + 1) * frameBytes > limits.maxVideoDecodedBytes()) {
                    throw new MediaDecodeException(format, "decoded frames would exceed " + limits.maxVideoDecodedBytes()
                            + " bytes (the limit); decode with a smaller maxShortSide");
                }
                if (frame.imageWidth != w || frame.imageHeight != h) {
                    throw new MediaDecodeException(format, "frame size changed mid-stream from " + w + "x" + h + " to "
                            + frame.imageWidth + "x" + frame.imageHeight);
                }
                long ts = frame.timestamp;
                if (firstTs == Long.MIN_VALUE) {
                    firstTs = ts;
                }
                ts = Math.max(ts - firstTs, lastTs == Long.MIN_VALUE ? 0 : lastTs); // keep timestamps non-decreasing
                lastTs = ts;
                if (ts / 1e6 > limits.maxVideoSeconds()) {
                    throw new MediaDecodeException(format, String.format("video is longer than the limit of %.1f s",
                            limits.maxVideoSeconds()));
                }
                frames.add(new VideoFrame(copyRgb(frame, w, h), ts / 1e6));
            }
            if (frames.isEmpty()) {
                throw new MediaDecodeException(format, "no video frames could be decoded (corrupt or truncated?)");
            }
            double fps = grabber.getFrameRate();
            double last = frames.get(frames.size() - 1).timestampSeconds();
            if (!(fps > 0) || Double.isInfinite(fps) || fps > 1000) {
                fps = frames.size() > 1 && last > 0 ? (frames.size() - 1) / last : 1.0;
            }
            return new DecodedVideo(frames, w, h, fps, last + 1.0 / fps);
        } finally {
            try {
                grabber.close();
            } catch (FrameGrabber.Exception | RuntimeException ignored) {
                // nothing useful to do here
            }
        }
    }

    private static RgbImage copyRgb(Frame frame, int w, int h) {
        ByteBuffer buf = ((ByteBuffer) frame.image[0]).duplicate();
        int stride = frame.imageStride;
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            buf.position(y * stride);
            buf.get(rgb, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, rgb);
    }

    /** Walks the top-level ISO-BMFF boxes: each must fit in the input, and a {@code moov} box must exist. */
    static void checkBoxes(MediaFormat format, byte[] b) {
        long pos = 0;
        boolean moov = false;
        while (pos < b.length) {
            if (pos + 8 > b.length) {
                throw new MediaDecodeException(format, "truncated: " + (b.length - pos) + " stray bytes at offset " + pos
                        + " where a box header was expected");
            }
            int p = (int) pos;
            long size = ((b[p] & 0xFFL) << 24) | ((b[p + 1] & 0xFFL) << 16) | ((b[p + 2] & 0xFFL) << 8) | (b[p + 3] & 0xFFL);
            String type = new String(b, p + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (!type.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
                throw new MediaDecodeException(format, "corrupt box header at offset " + pos + " (type bytes "
                        + MediaSniffer.hex(java.util.Arrays.copyOfRange(b, p + 4, p + 8), 4) + ")");
            }
            long header = 8;
            if (size == 1) {
                if (pos + 16 > b.length) {
                    throw new MediaDecodeException(format, "truncated: box '" + type + "' header at offset " + pos);
                }
                size = 0;
                for (int i = 0; i < 8; i++) {
                    size = (size << 8) | (b[p + 8 + i] & 0xFF);
                }
                header = 16;
            } else if (size == 0) {
                size = b.length - pos; // extends to the end of the file
            }
            if (size < header) {
                throw new MediaDecodeException(format, "corrupt box '" + type + "' at offset " + pos + " (size " + size + ")");
            }
            if (type.equals("moov")) {
                moov = true;
            }
            if (size > b.length - pos) {
                throw new MediaDecodeException(format, "truncated: box '" + type + "' at offset " + pos + " declares " + size
                        + " bytes but only " + (b.length - pos) + " remain");
            }
            pos += size;
        }
        if (!moov) {
            throw new MediaDecodeException(format, "no 'moov' box (an incomplete recording?)");
        }
    }
}
