package dev.nextgpt.encoder.model;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.encoder.config.BundleConfig;
import dev.nextgpt.encoder.config.EncoderConfig;
import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.runtime.bundle.BundleLoader;
import dev.nextgpt.runtime.bundle.ComponentNames;
import dev.nextgpt.runtime.bundle.ModelBundle;
import dev.nextgpt.runtime.encoding.EncodingTier;
import dev.nextgpt.runtime.media.MediaDecoder;
import dev.nextgpt.runtime.media.PngWriter;
import dev.nextgpt.runtime.media.RgbImage;
import dev.nextgpt.runtime.media.WavWriter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The encoding tier of the bundle: only {@link ComponentNames#encodingTier()} is loaded (and verified: sizes,
 * SHA-256, contracts). Loaded once, when the service starts; warmed up with a synthetic image and audio clip.
 */
@ApplicationScoped
public class EncodingModel {
    private static final Logger LOG = Logger.getLogger(EncodingModel.class);

    private final ModelBundle bundle;
    private final EncodingTier tier;
    private volatile boolean warm;

    public EncodingModel(BundleConfig bundleConfig, EncoderConfig config) {
        Path dir = Path.of(bundleConfig.path()).toAbsolutePath().normalize();
        long start = System.nanoTime();
        this.bundle = BundleLoader.load(dir, ComponentNames.encodingTier());
        this.tier = new EncodingTier(bundle, new MediaDecoder());
        LOG.infof("encoding tier of %s loaded in %d ms", dir, (System.nanoTime() - start) / 1_000_000);
        if (config.warmUp()) {
            warmUp();
        }
        warm = true;
    }

    private void warmUp() {
        long start = System.nanoTime();
        byte[] rgb = new byte[64 * 48 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 7);
        }
        tier.encode(Modality.IMAGE, PngWriter.write(new RgbImage(64, 48, rgb)));
        float[] samples = new float[WavWriter.DEFAULT_SAMPLE_RATE];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / WavWriter.DEFAULT_SAMPLE_RATE));
        }
        tier.encode(Modality.AUDIO, WavWriter.writePcm16(samples));
        LOG.infof("encoding tier warmed up in %d ms", (System.nanoTime() - start) / 1_000_000);
    }

    public EncodingTier tier() {
        return tier;
    }

    /** Encodes one item (tests compare the service's output with this). */
    public MediaEmbedding encode(Modality modality, byte[] bytes) {
        return tier.encode(modality, bytes);
    }

    /** Loaded and warmed up. */
    public boolean isReady() {
        return warm;
    }

    public Path dir() {
        return bundle.dir();
    }

    @PreDestroy
    void close() {
        bundle.close();
    }
}
