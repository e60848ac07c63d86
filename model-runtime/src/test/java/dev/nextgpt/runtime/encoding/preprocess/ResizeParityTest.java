package dev.nextgpt.runtime.encoding.preprocess;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.runtime.media.MediaTestSupport;
import dev.nextgpt.runtime.media.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Resize#bicubicPil} against torch's PIL-compatible antialiased bicubic
 * ({@code F.interpolate(mode="bicubic", antialias=True)}: Keys a = −0.5, support widened by the scale). PIL rounds
 * (and clips) to 8 bits between its two passes and torch does not, so values may differ by one level where nothing
 * clips (the test image keeps overshoot inside 0–255); a wrong kernel or support differs by many.
 */
class ResizeParityTest {

    @TempDir
    Path dir;

    private static RgbImage testImage(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        java.util.Random rnd = new java.util.Random(11);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (x < w / 3 ? 240 : 20);                       // hard vertical edge
                rgb[o + 1] = (byte) ((x * 255 / w + y * 255 / h) / 2);        // smooth gradient
                rgb[o + 2] = (byte) (40 + rnd.nextInt(176));                  // noise (overshoot stays inside 0–255)
            }
        }
        return new RgbImage(w, h, rgb);
    }

    private void compare(int w, int h, int outW, int outH) throws Exception {
        RgbImage img = testImage(w, h);
        Path raw = dir.resolve("in.rgb");
        Files.write(raw, img.rgb());
        Path out = dir.resolve("out.safetensors");
        String script = String.join("\n",
                "import sys, json, struct, torch",
                "w, h, ow, oh = map(int, sys.argv[3:7])",
                "x = torch.frombuffer(bytearray(open(sys.argv[1], 'rb').read()), dtype=torch.uint8)",
                "x = x.view(h, w, 3).permute(2, 0, 1).unsqueeze(0).float()",
                "y = torch.nn.functional.interpolate(x, size=(oh, ow), mode='bicubic', align_corners=False, antialias=True)",
                "y = y[0].permute(1, 2, 0).contiguous()",
                "raw = y.numpy().astype('<f4').tobytes()",
                "hd = json.dumps({'y': {'dtype': 'F32', 'shape': list(y.shape), 'data_offsets': [0, len(raw)]}}).encode()",
                "hd += b' ' * ((8 - len(hd) % 8) % 8)",
                "open(sys.argv[2], 'wb').write(struct.pack('<Q', len(hd)) + hd + raw)");
        MediaTestSupport.runPython("-c", script, raw.toString(), out.toString(), "" + w, "" + h, "" + outW, "" + outH);
        float[] reference = MediaTestSupport.readSafetensorsF32(out, "y", new long[3]);
        RgbImage ours = Resize.bicubicPil(img, outW, outH);
        int max = 0;
        for (int i = 0; i < reference.length; i++) {
            int ref = (int) Math.rint(Math.max(0, Math.min(255, reference[i])));
            int d = Math.abs(ref - (ours.rgb()[i] & 0xFF));
            max = Math.max(max, d);
        }
        assertTrue(max <= 1, w + "x" + h + " → " + outW + "x" + outH + ": max difference " + max + " levels");
    }

    @Test
    void downscaleMatchesTorchAntialiasedBicubicWithinOneLevel() throws Exception {
        compare(64, 48, 42, 32);
    }

    @Test
    void upscaleMatchesTorchAntialiasedBicubicWithinOneLevel() throws Exception {
        compare(20, 15, 42, 32);
    }

    private void compareBilinear(int w, int h, int outW, int outH) throws Exception {
        float[] plane = new float[w * h];
        java.util.Random rnd = new java.util.Random(w * 31 + h);
        for (int i = 0; i < plane.length; i++) {
            plane[i] = rnd.nextFloat();
        }
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(plane.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : plane) {
            bb.putFloat(v);
        }
        Path raw = dir.resolve("in.f32");
        Files.write(raw, bb.array());
        Path out = dir.resolve("out.safetensors");
        String script = String.join("\n",
                "import sys, json, struct, torch",
                "w, h, ow, oh = map(int, sys.argv[3:7])",
                "x = torch.frombuffer(bytearray(open(sys.argv[1], 'rb').read()), dtype=torch.float32).view(1, 1, h, w)",
                "y = torch.nn.functional.interpolate(x, size=(oh, ow), mode='bilinear', align_corners=False)[0, 0].contiguous()",
                "raw = y.numpy().astype('<f4').tobytes()",
                "hd = json.dumps({'y': {'dtype': 'F32', 'shape': list(y.shape), 'data_offsets': [0, len(raw)]}}).encode()",
                "hd += b' ' * ((8 - len(hd) % 8) % 8)",
                "open(sys.argv[2], 'wb').write(struct.pack('<Q', len(hd)) + hd + raw)");
        MediaTestSupport.runPython("-c", script, raw.toString(), out.toString(), "" + w, "" + h, "" + outW, "" + outH);
        float[] reference = MediaTestSupport.readSafetensorsF32(out, "y", new long[2]);
        float[] ours = new float[outW * outH];
        Resize.bilinearTorch(plane, 0, h, w, ours, 0, outH, outW);
        double max = 0;
        for (int i = 0; i < ours.length; i++) {
            max = Math.max(max, Math.abs(ours[i] - reference[i]));
        }
        assertTrue(max < 1e-5, w + "x" + h + " → " + outW + "x" + outH + ": max difference " + max);
    }

    @Test
    void bilinearMatchesTorchInterpolateWithoutAntialiasing() throws Exception {
        compareBilinear(23, 17, 45, 32);
        compareBilinear(40, 30, 16, 12);
    }
}
