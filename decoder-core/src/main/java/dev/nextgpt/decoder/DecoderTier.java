package dev.nextgpt.decoder;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.bundle.BundleLoader;
import dev.nextgpt.runtime.bundle.BundleManifest;
import dev.nextgpt.runtime.bundle.ComponentNames;
import dev.nextgpt.runtime.bundle.ModelBundle;
import dev.nextgpt.runtime.decoding.DecodeRequest;
import dev.nextgpt.runtime.decoding.DecodedMedia;
import dev.nextgpt.runtime.decoding.ModalityDecoder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One modality's decoding tier, loaded and warmed: only {@code ComponentNames.decodingTier(modality)} of the bundle,
 * then the negative conditioning and one small decode (projection, a denoiser step, VAE, vocoder, and the media
 * writer), so the first real request does not pay for lazy initialisation.
 */
public final class DecoderTier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecoderTier.class);

    private final ModelBundle bundle;
    private final ModalityDecoder decoder;
    private volatile Duration warmUp;

    private DecoderTier(ModelBundle bundle, ModalityDecoder decoder) {
        this.bundle = bundle;
        this.decoder = decoder;
    }

    /** Loads the modality's components from {@code dir} (checksums and contracts verified by the loader). */
    public static DecoderTier load(Path dir, Modality modality, Clock clock) {
        long t0 = System.nanoTime();
        ModelBundle bundle = BundleLoader.load(dir, ComponentNames.decodingTier(modality));
        try {
            DecoderTier tier = new DecoderTier(bundle, new ModalityDecoder(bundle, modality, clock));
            LOG.info("loaded the {} decoding tier of bundle {} in {} ms", modality.wireName(), dir,
                    (System.nanoTime() - t0) / 1_000_000);
            return tier;
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    public ModalityDecoder decoder() {
        return decoder;
    }

    public BundleManifest manifest() {
        return bundle.manifest();
    }

    public Modality modality() {
        return decoder.modality();
    }

    /** Computes the negative conditioning and runs one 1-step decode through the media writer; returns its time. */
    public Duration warmUp() {
        long t0 = System.nanoTime();
        decoder.diffusion().negativeConditioning();
        BundleManifest.SignalGroupSpec group = bundle.manifest().signalGroup(modality());
        int hidden = bundle.manifest().llm().hiddenSize();
        int[] ids = new int[group.count()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = group.firstId() + i;
        }
        SignalGroup zeros = new SignalGroup(modality(), ids, hidden, new float[ids.length * hidden], false);
        DecodedMedia media = decoder.decode(List.of(DecodeRequest.of("warm-up", zeros, decoder.defaultParams(0).withSteps(1))))
                .get(0);
        new ArtifactEncoder().encode(media);
        warmUp = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("warmed up the {} decoder in {} ms", modality().wireName(), warmUp.toMillis());
        return warmUp;
    }

    /** Whether {@link #warmUp()} has completed. */
    public boolean warm() {
        return warmUp != null;
    }

    @Override
    public void close() {
        bundle.close();
    }
}
