package dev.nextgpt.runtime.encoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.bundle.BundleManifest;
import dev.nextgpt.runtime.bundle.ComponentNames;
import dev.nextgpt.runtime.bundle.ModelBundle;
import dev.nextgpt.runtime.encoding.preprocess.AudioPreprocessor;
import dev.nextgpt.runtime.encoding.preprocess.FloatTensor;
import dev.nextgpt.runtime.encoding.preprocess.ImagePreprocessor;
import dev.nextgpt.runtime.encoding.preprocess.VideoPreprocessor;
import dev.nextgpt.runtime.media.MediaDecoder;
import dev.nextgpt.runtime.media.MediaFormat;
import dev.nextgpt.runtime.media.MediaKind;
import dev.nextgpt.runtime.media.MediaSniffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The encoding tier: media bytes → decoded media → ImageBind preprocessing at the bundle's sizes → encoder
 * (one L2-normalised vector per item) → input projection (LLM embeddings). Items of one modality run as one batch.
 * Thread-safe: decoding and preprocessing keep no state, and every batch runs in its own NDManager scope.
 */
public final class EncodingTier {
    private final ModelBundle bundle;
    private final MediaDecoder decoder;
    private final ImagePreprocessor image;
    private final AudioPreprocessor audio;
    private final VideoPreprocessor video;

    public EncodingTier(ModelBundle bundle, MediaDecoder decoder) {
        this.bundle = bundle;
        this.decoder = decoder;
        BundleManifest.EncodersSpec spec = bundle.manifest().encoders();
        BundleManifest.ImageEncoderSpec i = spec.image();
        BundleManifest.AudioEncoderSpec a = spec.audio();
        BundleManifest.VideoEncoderSpec v = spec.video();
        this.image = new ImagePreprocessor(i.size(), i.mean(), i.std());
        this.audio = new AudioPreprocessor(a.sampleRate(), a.numMelBins(), a.targetFrames(), a.clipSeconds(), a.clips(), a.mean(), a.std());
        this.video = new VideoPreprocessor(v.size(), v.clips(), v.clipSeconds(), v.framesPerClip(), v.spatialCrops(), v.mean(), v.std());
    }

    /** The components this tier needs from a bundle. */
    public static List<String> components() {
        return ComponentNames.encodingTier();
    }

    /** A decoded and preprocessed input item, ready for the encoder. */
    public record PreparedMedia(Modality modality, MediaFormat format, FloatTensor tensor) {}

    /**
     * Decodes and preprocesses one item. The bytes must hold the declared modality (checked from the bytes, never a
     * name); anything unreadable is a {@link dev.nextgpt.runtime.media.MediaDecodeException} naming the problem.
     */
    public PreparedMedia prepare(Modality modality, byte[] bytes) {
        MediaFormat format = MediaSniffer.sniff(bytes, kind(modality));
        FloatTensor tensor = switch (modality) {
            case IMAGE -> image.apply(decoder.decodeImage(bytes));
            case AUDIO -> audio.apply(decoder.decodeAudio(bytes, audio.sampleRate()));
            case VIDEO -> video.apply(decoder.decodeVideo(bytes));
        };
        return new PreparedMedia(modality, format, tensor);
    }

    /** Encodes and projects prepared items, batching each modality, and returns them in input order. */
    public List<MediaEmbedding> encode(List<PreparedMedia> items) {
        MediaEmbedding[] out = new MediaEmbedding[items.size()];
        for (Modality m : Modality.values()) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).modality() == m) {
                    idx.add(i);
                }
            }
            if (idx.isEmpty()) {
                continue;
            }
            List<MediaEmbedding> encoded = encodeBatch(m, idx.stream().map(i -> items.get(i).tensor()).toList());
            for (int k = 0; k < idx.size(); k++) {
                out[idx.get(k)] = encoded.get(k);
            }
        }
        return Arrays.asList(out);
    }

    /** Decodes, preprocesses, encodes and projects one item. */
    public MediaEmbedding encode(Modality modality, byte[] bytes) {
        return encode(List.of(prepare(modality, bytes))).get(0);
    }

    private List<MediaEmbedding> encodeBatch(Modality modality, List<FloatTensor> tensors) {
        long[] itemShape = tensors.get(0).shape();
        int itemSize = tensors.get(0).data().length;
        float[] batch = new float[itemSize * tensors.size()];
        for (int b = 0; b < tensors.size(); b++) {
            FloatTensor t = tensors.get(b);
            if (!Arrays.equals(t.shape(), itemShape)) {
                throw new IllegalArgumentException(modality.wireName() + " items of one batch must share a shape: "
                        + Arrays.toString(itemShape) + " vs " + Arrays.toString(t.shape()));
            }
            System.arraycopy(t.data(), 0, batch, b * itemSize, itemSize);
        }
        long[] batchShape = new long[itemShape.length + 1];
        batchShape[0] = tensors.size();
        System.arraycopy(itemShape, 0, batchShape, 1, itemShape.length);
        try (NDManager scope = bundle.newScope()) {
            NDArray input = scope.create(batch, new Shape(batchShape));
            NDArray embedding = bundle.component(ComponentNames.encoder(modality)).forward(input);
            NDArray projected = bundle.component(ComponentNames.inputProjection(modality)).forward(new NDList(embedding)).head();
            int tokens = (int) projected.getShape().get(1);
            int hidden = (int) projected.getShape().get(2);
            float[] all = projected.toFloatArray();
            List<MediaEmbedding> result = new ArrayList<>(tensors.size());
            for (int b = 0; b < tensors.size(); b++) {
                result.add(new MediaEmbedding(modality, tokens, hidden,
                        Arrays.copyOfRange(all, b * tokens * hidden, (b + 1) * tokens * hidden)));
            }
            return result;
        }
    }

    private static MediaKind kind(Modality m) {
        return switch (m) {
            case IMAGE -> MediaKind.IMAGE;
            case AUDIO -> MediaKind.AUDIO;
            case VIDEO -> MediaKind.VIDEO;
        };
    }
}
