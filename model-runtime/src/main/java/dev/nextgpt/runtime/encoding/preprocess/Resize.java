package dev.nextgpt.runtime.encoding.preprocess;

import dev.nextgpt.runtime.media.RgbImage;

/** The two resampling kernels ImageBind's transforms use, reimplemented so results match the reference. */
public final class Resize {

    private Resize() {
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    /**
     * PIL's {@code Image.resize(..., BICUBIC)} on an 8-bit RGB image (what torchvision's {@code Resize} does to a
     * PIL image): separable convolution with the Keys cubic ({@code a = −0.5}, support 2), the support widened by
     * the scale factor when downscaling (antialiasing), weights normalised per output pixel and quantised to
     * 22-bit fixed point, horizontal pass first with rounding to 8 bits in between, then the vertical pass.
     * Bit-exact with Pillow for the same input pixels.
     */
    public static RgbImage bicubicPil(RgbImage in, int outWidth, int outHeight) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("output size must be positive: " + outWidth + "x" + outHeight);
        }
        byte[] src = in.rgb();
        int w = in.width();
        int h = in.height();
        if (outWidth != w) {
            Coeffs cx = coeffs(w, outWidth);
            byte[] dst = new byte[outWidth * h * 3];
            for (int y = 0; y < h; y++) {
                int row = y * w * 3;
                for (int x = 0; x < outWidth; x++) {
                    int min = cx.min[x];
                    int size = cx.size[x];
                    int kOff = x * cx.ksize;
                    for (int c = 0; c < 3; c++) {
                        int ss = 1 << (PRECISION_BITS - 1);
                        for (int i = 0; i < size; i++) {
                            ss += (src[row + (min + i) * 3 + c] & 0xFF) * cx.k[kOff + i];
                        }
                        dst[(y * outWidth + x) * 3 + c] = clip8(ss);
                    }
                }
            }
            src = dst;
            w = outWidth;
        }
        if (outHeight != h) {
            Coeffs cy = coeffs(h, outHeight);
            byte[] dst = new byte[w * outHeight * 3];
            for (int y = 0; y < outHeight; y++) {
                int min = cy.min[y];
                int size = cy.size[y];
                int kOff = y * cy.ksize;
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        int ss = 1 << (PRECISION_BITS - 1);
                        for (int i = 0; i < size; i++) {
                            ss += (src[((min + i) * w + x) * 3 + c] & 0xFF) * cy.k[kOff + i];
                        }
                        dst[(y * w + x) * 3 + c] = clip8(ss);
                    }
                }
            }
            src = dst;
            h = outHeight;
        }
        return src == in.rgb() ? in : new RgbImage(w, h, src);
    }

    private record Coeffs(int ksize, int[] min, int[] size, int[] k) {
    }

    private static double bicubic(double x) {
        final double a = -0.5;
        if (x < 0) {
            x = -x;
        }
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0;
    }

    private static Coeffs coeffs(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 2.0 * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] mins = new int[outSize];
        int[] sizes = new int[outSize];
        int[] k = new int[outSize * ksize];
        double[] pre = new double[ksize];
        double ss = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                double wgt = bicubic((x + xmin - center + 0.5) * ss);
                pre[x] = wgt;
                ww += wgt;
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? pre[x] / ww : pre[x];
                k[xx * ksize + x] = (int) (v < 0 ? v * (1 << PRECISION_BITS) - 0.5 : v * (1 << PRECISION_BITS) + 0.5);
            }
            mins[xx] = xmin;
            sizes[xx] = xmax;
        }
        return new Coeffs(ksize, mins, sizes, k);
    }

    private static byte clip8(int in) {
        if (in >= (1 << PRECISION_BITS << 8)) {
            return (byte) 255;
        }
        if (in <= 0) {
            return 0;
        }
        return (byte) (in >> PRECISION_BITS);
    }

    /**
     * {@code torch.nn.functional.interpolate(mode="bilinear", align_corners=False)} without antialiasing (what
     * pytorchvideo's {@code ShortSideScale} does) on one float plane {@code [h, w]} at {@code offset}; writes
     * {@code [outH, outW]} into {@code out} at {@code outOffset}.
     */
    public static void bilinearTorch(float[] in, int offset, int h, int w, float[] out, int outOffset, int outH, int outW) {
        float scaleY = (float) h / outH;
        float scaleX = (float) w / outW;
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] lx = new float[outW];
        for (int x = 0; x < outW; x++) {
            float src = Math.max((x + 0.5f) * scaleX - 0.5f, 0f);
            int i0 = (int) src;
            x0[x] = i0;
            x1[x] = i0 < w - 1 ? i0 + 1 : i0;
            lx[x] = src - i0;
        }
        for (int y = 0; y < outH; y++) {
            float srcY = Math.max((y + 0.5f) * scaleY - 0.5f, 0f);
            int y0 = (int) srcY;
            int y1 = y0 < h - 1 ? y0 + 1 : y0;
            float ly1 = srcY - y0;
            float ly0 = 1f - ly1;
            int r0 = offset + y0 * w;
            int r1 = offset + y1 * w;
            int o = outOffset + y * outW;
            for (int x = 0; x < outW; x++) {
                float l1 = lx[x];
                float l0 = 1f - l1;
                out[o + x] = ly0 * (l0 * in[r0 + x0[x]] + l1 * in[r0 + x1[x]])
                        + ly1 * (l0 * in[r1 + x0[x]] + l1 * in[r1 + x1[x]]);
            }
        }
    }
}
