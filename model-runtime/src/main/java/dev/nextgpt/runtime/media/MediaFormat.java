package dev.nextgpt.runtime.media;

/** A container/codec family recognised by {@link MediaSniffer}, with the modality it carries. */
public enum MediaFormat {
    PNG(MediaKind.IMAGE, "PNG", "image/png"),
    JPEG(MediaKind.IMAGE, "JPEG", "image/jpeg"),
    WAV(MediaKind.AUDIO, "WAV", "audio/wav"),
    MP3(MediaKind.AUDIO, "MP3", "audio/mpeg"),
    FLAC(MediaKind.AUDIO, "FLAC", "audio/flac"),
    OGG(MediaKind.AUDIO, "OGG", "audio/ogg"),
    /** MPEG-4 audio-only file (brand {@code M4A }/{@code M4B }), decoded through FFmpeg like MP3. */
    M4A(MediaKind.AUDIO, "M4A", "audio/mp4"),
    MP4(MediaKind.VIDEO, "MP4", "video/mp4"),
    MOV(MediaKind.VIDEO, "MOV", "video/quicktime");

    private final MediaKind kind;
    private final String displayName;
    private final String mimeType;

    MediaFormat(MediaKind kind, String displayName, String mimeType) {
        this.kind = kind;
        this.displayName = displayName;
        this.mimeType = mimeType;
    }

    public MediaKind kind() {
        return kind;
    }

    /** Name used in error messages, e.g. {@code "WAV"}. */
    public String displayName() {
        return displayName;
    }

    public String mimeType() {
        return mimeType;
    }
}
