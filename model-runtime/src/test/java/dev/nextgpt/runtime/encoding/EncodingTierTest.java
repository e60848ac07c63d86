package dev.nextgpt.runtime.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.bundle.ComponentNames;
import dev.nextgpt.runtime.bundle.ModelBundle;
import dev.nextgpt.runtime.media.MediaDecodeException;
import dev.nextgpt.runtime.media.MediaDecoder;
import dev.nextgpt.runtime.media.Mp4Writer;
import dev.nextgpt.runtime.media.PngWriter;
import dev.nextgpt.runtime.media.RgbImage;
import dev.nextgpt.runtime.media.WavWriter;
import dev.nextgpt.runtime.testing.NanoBundle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EncodingTierTest {
    static ModelBundle bundle;
    static EncodingTier tier;

    @BeforeAll
    static void load() {
        bundle = NanoBundle.get();
        tier = new EncodingTier(bundle, new MediaDecoder());
    }

    static byte[] png(int w, int h, int r, int g, int b) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            rgb[i * 3] = (byte) r;
            rgb[i * 3 + 1] = (byte) g;
            rgb[i * 3 + 2] = (byte) b;
        }
        return PngWriter.write(new RgbImage(w, h, rgb));
    }

    static byte[] wav(double hz, double seconds) {
        float[] s = new float[(int) (16_000 * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.4 * Math.sin(2 * Math.PI * hz * i / 16_000));
        }
        return WavWriter.writePcm16(s, 16_000);
    }

    static byte[] mp4(int frames) {
        List<RgbImage> list = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            byte[] rgb = new byte[32 * 32 * 3];
            for (int i = 0; i < 32 * 32; i++) {
                rgb[i * 3] = (byte) (f * 12);
                rgb[i * 3 + 2] = (byte) 200;
            }
            list.add(new RgbImage(32, 32, rgb));
        }
        return new Mp4Writer().write(list, 8);
    }

    @Test
    void eachModalityBecomesProjectedLlmEmbeddingsOfTheBundlesWidth() {
        int hidden = bundle.manifest().llm().hiddenSize();
        int tokens = bundle.manifest().encoders().tokensPerItem();
        for (var item : List.of(
                new Object[] {Modality.IMAGE, png(64, 48, 220, 20, 20)},
                new Object[] {Modality.AUDIO, wav(440, 2.5)},
                new Object[] {Modality.VIDEO, mp4(20)})) {
            MediaEmbedding e = tier.encode((Modality) item[0], (byte[]) item[1]);
            assertEquals(item[0], e.modality());
            assertEquals(tokens, e.tokens());
            assertEquals(hidden, e.hidden());
            for (float v : e.data()) {
                assertTrue(Float.isFinite(v), "finite embedding values");
            }
        }
    }

    @Test
    void encodingEqualsEncoderThenInputProjectionOnThePreprocessedTensor() {
        byte[] image = png(40, 40, 10, 200, 30);
        EncodingTier.PreparedMedia prepared = tier.prepare(Modality.IMAGE, image);
        MediaEmbedding viaTier = tier.encode(List.of(prepared)).get(0);
        try (NDManager scope = bundle.newScope()) {
            long[] s = prepared.tensor().shape();
            NDArray x = scope.create(prepared.tensor().data(), new Shape(1, s[0], s[1], s[2]));
            NDArray emb = bundle.component(ComponentNames.encoder(Modality.IMAGE)).forward(x);
            assertEquals(1f, emb.norm().getFloat(), 1e-4f, "ImageBind embeddings are L2-normalised");
            float[] direct = bundle.component(ComponentNames.inputProjection(Modality.IMAGE)).forward(emb).toFloatArray();
            assertArrayEquals(direct, viaTier.data(), 1e-6f);
        }
    }

    @Test
    void aBatchOfMixedModalitiesEqualsEachItemAlone() {
        List<EncodingTier.PreparedMedia> items = List.of(
                tier.prepare(Modality.IMAGE, png(32, 32, 255, 0, 0)),
                tier.prepare(Modality.AUDIO, wav(220, 1.0)),
                tier.prepare(Modality.IMAGE, png(32, 32, 0, 0, 255)),
                tier.prepare(Modality.VIDEO, mp4(16)));
        List<MediaEmbedding> batched = tier.encode(items);
        assertEquals(4, batched.size());
        for (int i = 0; i < items.size(); i++) {
            MediaEmbedding alone = tier.encode(List.of(items.get(i))).get(0);
            assertEquals(items.get(i).modality(), batched.get(i).modality(), "results keep input order");
            assertArrayEquals(alone.data(), batched.get(i).data(), 1e-5f);
        }
        assertFalse(java.util.Arrays.equals(batched.get(0).data(), batched.get(2).data()), "different images, different embeddings");
    }

    @Test
    void bytesOfAnotherModalityAreRefusedFromTheirContentNotAName() {
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> tier.prepare(Modality.IMAGE, wav(440, 0.5)));
        assertTrue(e.getMessage().toLowerCase().contains("wav"), e.getMessage());
    }

    @Test
    void corruptedMediaIsAClearDecodeError() {
        byte[] broken = png(32, 32, 1, 2, 3);
        byte[] truncated = java.util.Arrays.copyOf(broken, broken.length / 2);
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> tier.prepare(Modality.IMAGE, truncated));
        assertTrue(e.getMessage().startsWith("PNG"), e.getMessage());
    }
}
