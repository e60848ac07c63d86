package dev.nextgpt.decoder;

import dev.nextgpt.runtime.decoding.DecodedMedia;
import dev.nextgpt.runtime.media.Mp4Writer;
import dev.nextgpt.runtime.media.PngWriter;
import dev.nextgpt.runtime.media.WavWriter;

/**
 * Encodes a completed decode into its file: image → PNG (RGB 8-bit), audio → WAV PCM16 mono at the decoder's rate
 * (16 kHz), video → MP4 H.264 at the decoder's fps. Same media in, same bytes out (the writers are deterministic),
 * which is what makes a redelivered request overwrite its object with identical content.
 */
public final class ArtifactEncoder {
    private final Mp4Writer mp4 = new Mp4Writer();

    public Artifact encode(DecodedMedia media) {
        if (!media.completed()) {
            throw new IllegalArgumentException("request " + media.requestId() + " did not complete: " + media.status());
        }
        byte[] bytes = switch (media.modality()) {
            case IMAGE -> PngWriter.writeSigned(media.data(), media.height(), media.width());
            case AUDIO -> WavWriter.writePcm16(media.data(), media.sampleRate() > 0 ? media.sampleRate() : WavWriter.DEFAULT_SAMPLE_RATE);
            case VIDEO -> mp4.writeSigned(media.data(), media.frames(), media.height(), media.width(), media.fps());
        };
        return Artifact.of(media.modality(), bytes);
    }
}
