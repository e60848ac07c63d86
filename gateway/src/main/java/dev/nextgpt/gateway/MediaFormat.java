package dev.nextgpt.gateway;

import dev.nextgpt.contracts.Modality;
import java.util.Optional;

/** A media format the gateway accepts as input, recognised from the bytes, with the modality it carries. */
public enum MediaFormat {
    PNG(Modality.IMAGE, "PNG", "image/png"),
    JPEG(Modality.IMAGE, "JPEG", "image/jpeg"),
    WAV(Modality.AUDIO, "WAV", "audio/wav"),
    MP3(Modality.AUDIO, "MP3", "audio/mpeg"),
    FLAC(Modality.AUDIO, "FLAC", "audio/flac"),
    OGG(Modality.AUDIO, "OGG", "audio/ogg"),
    M4A(Modality.AUDIO, "M4A", "audio/mp4"),
    MP4(Modality.VIDEO, "MP4", "video/mp4"),
    MOV(Modality.VIDEO, "MOV", "video/quicktime");

    /** For messages: what the API takes. */
    public static final String SUPPORTED = "PNG, JPEG (image); WAV, MP3, FLAC, OGG, M4A (audio); MP4, MOV (video)";

    private final Modality modality;
    private final String displayName;
    private final String contentType;

    MediaFormat(Modality modality, String displayName, String contentType) {
        this.modality = modality;
        this.displayName = displayName;
        this.contentType = contentType;
    }

    public Modality modality() {
        return modality;
    }

    public String displayName() {
        return displayName;
    }

    public String contentType() {
        return contentType;
    }

    /** The format whose content type is {@code contentType}, if any. */
    public static Optional<MediaFormat> ofContentType(String contentType) {
        for (MediaFormat f : values()) {
            if (f.contentType.equals(contentType)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
