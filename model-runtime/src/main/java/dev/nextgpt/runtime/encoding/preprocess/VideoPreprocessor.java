package dev.nextgpt.runtime.encoding.preprocess;

import dev.nextgpt.runtime.media.DecodedVideo;
import dev.nextgpt.runtime.media.RgbImage;
import dev.nextgpt.runtime.media.VideoFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ImageBind's video transform ({@code load_and_transform_video_data}):
 * <ol>
 *   <li>{@link ClipSampler} clips over the video's duration; a clip holds the frames with
 *       {@code start ≤ timestamp < end} (for constant frame rate the same frames as pytorchvideo's decord
 *       {@code get_clip}); a clip with no frame (a video shorter than the clip spacing) takes the last frame before
 *       its end;</li>
 *   <li>{@code frames_per_clip} frames by pytorchvideo's {@code UniformTemporalSubsample}: indices
 *       {@code linspace(0, n − 1, k)} in float32, truncated ({@code .long()}), repeating frames when {@code n < k};</li>
 *   <li>{@code x / 255}, short side to {@code size} with bilinear interpolation ({@code ShortSideScale}: long side
 *       {@code floor(long / short · size)}, {@code align_corners=False}, no antialiasing), {@code (x − mean) / std};</li>
 *   <li>{@code spatial_crops} square crops of {@code size} (ImageBind's {@code SpatialCrop}: 1 = centre, 3 = start,
 *       centre, end along the long side; offsets {@code ceil((dim − size) / 2)} for the centre).</li>
 * </ol>
 * Output [clips · crops, 3, frames_per_clip, size, size], clip-major (all crops of clip 0 first). Thread-safe.
 */
public final class VideoPreprocessor {

    private final int size;
    private final ClipSampler sampler;
    private final int framesPerClip;
    private final int spatialCrops;
    private final float[] mean;
    private final float[] std;

    /** Values from the bundle's {@code encoders.video}. */
    public VideoPreprocessor(int size, int clips, double clipSeconds, int framesPerClip, int spatialCrops, float[] mean, float[] std) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        if (framesPerClip < 1) {
            throw new IllegalArgumentException("frames_per_clip must be at least 1: " + framesPerClip);
        }
        if (spatialCrops != 1 && spatialCrops != 3) {
            throw new IllegalArgumentException("spatial_crops must be 1 or 3: " + spatialCrops);
        }
        this.size = size;
        this.sampler = new ClipSampler(clipSeconds, clips);
        this.framesPerClip = framesPerClip;
        this.spatialCrops = spatialCrops;
        this.mean = ImagePreprocessor.checkRgb("mean", mean);
        this.std = ImagePreprocessor.checkRgb("std", std);
    }

    /** The short side frames are scaled to; pass it to the decoder to keep memory bounded. */
    public int size() {
        return size;
    }

    /** pytorchvideo's {@code UniformTemporalSubsample} indices: {@code torch.linspace(0, n−1, k).clamp(0, n−1).long()}. */
    public static int[] uniformSubsample(int n, int k) {
        int[] idx = new int[k];
        if (k == 1) {
            return idx; // linspace(0, n−1, 1) = [0]
        }
        float start = 0f;
        float end = n - 1;
        float step = (end - start) / (k - 1);
        int halfway = k / 2;
        for (int i = 0; i < k; i++) {
            float v = i < halfway ? start + step * i : end - step * (k - i - 1);
            idx[i] = (int) Math.min(Math.max(v, 0f), n - 1);
        }
        return idx;
    }

    /** Which decoded frames each clip uses: [clips][frames_per_clip] indices into {@code video.frames()}. */
    public int[][] frameIndices(DecodedVideo video) {
        List<ClipSampler.Clip> clips = sampler.clips(video.durationSeconds());
        List<VideoFrame> frames = video.frames();
        int[][] out = new int[clips.size()][];
        for (ClipSampler.Clip clip : clips) {
            double start = clip.start();
            double end = clip.end();
            List<Integer> inClip = new ArrayList<>();
            int lastBefore = 0;
            for (int i = 0; i < frames.size(); i++) {
                double t = frames.get(i).timestampSeconds();
                if (t < end) {
                    lastBefore = i;
                    if (t >= start) {
                        inClip.add(i);
                    }
                }
            }
            if (inClip.isEmpty()) {
                inClip.add(lastBefore);
            }
            int[] sub = uniformSubsample(inClip.size(), framesPerClip);
            int[] chosen = new int[framesPerClip];
            for (int t = 0; t < framesPerClip; t++) {
                chosen[t] = inClip.get(sub[t]);
            }
            out[clip.index()] = chosen;
        }
        return out;
    }

    /** [clips · crops, 3, frames_per_clip, size, size]. */
    public FloatTensor apply(DecodedVideo video) {
        int[][] indices = frameIndices(video);
        int w = video.width();
        int h = video.height();
        for (VideoFrame f : video.frames()) {
            if (f.image().width() != w || f.image().height() != h) {
                throw new IllegalArgumentException("frame of " + f.image().width() + "x" + f.image().height()
                        + " in a " + w + "x" + h + " video");
            }
        }
        int newW;
        int newH;
        if (w < h) {
            newW = size;
            newH = (int) Math.floor((double) h / w * size);
        } else {
            newH = size;
            newW = (int) Math.floor((double) w / h * size);
        }
        int[][] offsets = cropOffsets(newH, newW); // [crop] → {y, x}
        int crops = offsets.length;
        int plane = size * size;
        int perClipFrames = framesPerClip;
        long total = (long) indices.length * crops * 3 * perClipFrames * plane;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("video tensor would hold " + total + " floats");
        }
        float[] out = new float[(int) total];
        Map<Integer, float[]> scaled = new HashMap<>();
        for (int clip = 0; clip < indices.length; clip++) {
            for (int t = 0; t < perClipFrames; t++) {
                int frameIndex = indices[clip][t];
                float[] img = scaled.computeIfAbsent(frameIndex, fi -> scaleAndNormalise(video.frames().get(fi).image(), newH, newW));
                for (int crop = 0; crop < crops; crop++) {
                    int oy = offsets[crop][0];
                    int ox = offsets[crop][1];
                    int k = clip * crops + crop;
                    for (int c = 0; c < 3; c++) {
                        int dst = (((k * 3 + c) * perClipFrames) + t) * plane;
                        int src = c * newH * newW;
                        for (int y = 0; y < size; y++) {
                            System.arraycopy(img, src + (oy + y) * newW + ox, out, dst + y * size, size);
                        }
                    }
                }
            }
        }
        return new FloatTensor(out, new long[] {(long) indices.length * crops, 3, perClipFrames, size, size});
    }

    private float[] scaleAndNormalise(RgbImage image, int newH, int newW) {
        int w = image.width();
        int h = image.height();
        byte[] rgb = image.rgb();
        float[] planes = new float[3 * h * w];
        for (int i = 0, n = h * w; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                planes[c * n + i] = (rgb[3 * i + c] & 0xFF) / 255f;
            }
        }
        float[] out = new float[3 * newH * newW];
        for (int c = 0; c < 3; c++) {
            Resize.bilinearTorch(planes, c * h * w, h, w, out, c * newH * newW, newH, newW);
            for (int i = c * newH * newW, e = (c + 1) * newH * newW; i < e; i++) {
                out[i] = (out[i] - mean[c]) / std[c];
            }
        }
        return out;
    }

    /** ImageBind's {@code uniform_crop} offsets for each crop index in use. */
    private int[][] cropOffsets(int h, int w) {
        int[] spatialIdx = spatialCrops == 1 ? new int[] {1} : new int[] {0, 1, 2};
        int[][] out = new int[spatialIdx.length][];
        for (int i = 0; i < spatialIdx.length; i++) {
            int y = (int) Math.ceil((h - size) / 2.0);
            int x = (int) Math.ceil((w - size) / 2.0);
            if (h > w) {
                if (spatialIdx[i] == 0) {
                    y = 0;
                } else if (spatialIdx[i] == 2) {
                    y = h - size;
                }
            } else {
                if (spatialIdx[i] == 0) {
                    x = 0;
                } else if (spatialIdx[i] == 2) {
                    x = w - size;
                }
            }
            out[i] = new int[] {y, x};
        }
        return out;
    }
}
