package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.bundle.BundleManifest.DecoderSpec;
import dev.nextgpt.runtime.bundle.Component;
import dev.nextgpt.runtime.bundle.ComponentNames;
import dev.nextgpt.runtime.bundle.ModelBundle;
import java.time.Duration;

/**
 * From final latents to media tensors: {@code vae_decoder(latent / latent_scale)}; for audio the log-mel
 * {@code [B,1,Tm,M]} is squeezed to {@code [B,Tm,M]} for the vocoder, whose waveform is clamped to [-1,1].
 */
public final class LatentDecoder {
    private final Modality modality;
    private final Component vae;
    private final Component vocoder;
    private final float latentScale;

    /** The decoded batch and the time each stage took. */
    public record Result(NDArray media, Duration vae, Duration vocoder) {}

    public LatentDecoder(ModelBundle bundle, Modality modality) {
        DecoderSpec decoder = bundle.manifest().decoder(modality);
        if (!(decoder.latentScale() > 0)) {
            throw new IllegalStateException("bundle.json: decoders." + modality.wireName() + ".latent_scale must be > 0");
        }
        this.modality = modality;
        this.vae = bundle.component(ComponentNames.vaeDecoder(modality));
        this.vocoder = modality == Modality.AUDIO ? bundle.component(ComponentNames.AUDIO_VOCODER) : null;
        this.latentScale = (float) decoder.latentScale();
    }

    /** Decodes latents {@code [B,*latent_shape]}; results live in the latents' manager. */
    public Result decode(NDArray latents) {
        long t0 = System.nanoTime();
        NDArray media = vaeDecode(latents);
        long t1 = System.nanoTime();
        if (vocoder == null) {
            return new Result(media, Duration.ofNanos(t1 - t0), Duration.ZERO);
        }
        NDArray waveform = vocode(media);
        return new Result(waveform, Duration.ofNanos(t1 - t0), Duration.ofNanos(System.nanoTime() - t1));
    }

    /** {@code vae_decoder(latents / latent_scale)}. */
    public NDArray vaeDecode(NDArray latents) {
        return vae.forward(latents.div(latentScale));
    }

    /** Audio only: log-mel {@code [B,1,Tm,M]} to waveform {@code [B,S]} clamped to [-1,1]. */
    public NDArray vocode(NDArray logMel) {
        if (vocoder == null) {
            throw new IllegalStateException(modality.wireName() + " has no vocoder");
        }
        NDArray mel = logMel.getShape().dimension() == 4 ? logMel.squeeze(1) : logMel;
        return vocoder.forward(mel).clip(-1f, 1f);
    }
}
