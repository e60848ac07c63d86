package dev.nextgpt.decoder.video;

import dev.nextgpt.decoder.service.DecoderConfig;
import io.smallrye.config.ConfigMapping;

/** {@code nextgpt.decoder.*} of the video decoder (keys and defaults: {@link DecoderConfig}); the modality is video. */
@ConfigMapping(prefix = "nextgpt.decoder")
public interface VideoDecoderConfig extends DecoderConfig {}
