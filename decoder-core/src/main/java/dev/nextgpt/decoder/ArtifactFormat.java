package dev.nextgpt.decoder;

import dev.nextgpt.contracts.Modality;

/** The file each modality's decoder writes: PNG images, WAV (PCM16 mono) audio, MP4 (H.264) video. */
public enum ArtifactFormat {
    PNG("image/png", "png"),
    WAV("audio/wav", "wav"),
    MP4("video/mp4", "mp4");

    private final String contentType;
    private final String extension;

    ArtifactFormat(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    public String contentType() {
        return contentType;
    }

    /** The object key's extension, without the dot. */
    public String extension() {
        return extension;
    }

    public static ArtifactFormat of(Modality modality) {
        return switch (modality) {
            case IMAGE -> PNG;
            case AUDIO -> WAV;
            case VIDEO -> MP4;
        };
    }
}
