package dev.nextgpt.decoder.audio;

import dev.nextgpt.decoder.service.DecoderConfig;
import io.smallrye.config.ConfigMapping;

/** {@code nextgpt.decoder.*} of the audio decoder (keys and defaults: {@link DecoderConfig}); the modality is audio. */
@ConfigMapping(prefix = "nextgpt.decoder")
public interface AudioDecoderConfig extends DecoderConfig {}
