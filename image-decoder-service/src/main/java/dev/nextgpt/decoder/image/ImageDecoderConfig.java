package dev.nextgpt.decoder.image;

import dev.nextgpt.decoder.service.DecoderConfig;
import io.smallrye.config.ConfigMapping;

/** {@code nextgpt.decoder.*} of the image decoder (keys and defaults: {@link DecoderConfig}); the modality is image. */
@ConfigMapping(prefix = "nextgpt.decoder")
public interface ImageDecoderConfig extends DecoderConfig {}
