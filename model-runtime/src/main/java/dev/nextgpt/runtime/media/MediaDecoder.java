package dev.nextgpt.runtime.media;

/**
 * One entry point for decoding uploaded media: sniffs the bytes, checks the expected modality, and dispatches to
 * {@link ImageDecoder}, {@link WavDecoder} / {@link FfmpegAudioDecoder} or {@link VideoDecoder}. Thread-safe
 * (every call uses its own decoder state).
 */
public final class MediaDecoder {

    /** The rate the ImageBind audio front end expects. */
    public static final int DEFAULT_SAMPLE_RATE = 16_000;

    private final MediaLimits limits;
    private final ImageDecoder images;
    private final WavDecoder wavs;
    private final FfmpegAudioDecoder compressedAudio;
    private final VideoDecoder videos;

    public MediaDecoder(MediaLimits limits) {
        this.limits = limits;
        this.images = new ImageDecoder(limits);
        this.wavs = new WavDecoder(limits);
        this.compressedAudio = new FfmpegAudioDecoder(limits);
        this.videos = new VideoDecoder(limits);
    }

    public MediaDecoder() {
        this(MediaLimits.defaults());
    }

    public MediaLimits limits() {
        return limits;
    }

    /** The format (and so the modality) of {@code bytes}. */
    public MediaFormat sniff(byte[] bytes) {
        return MediaSniffer.sniff(bytes);
    }

    /** Decodes whatever {@code bytes} hold; audio comes out as mono 16 kHz, video at native size. */
    public DecodedMedia decode(byte[] bytes) {
        return switch (MediaSniffer.sniff(bytes).kind()) {
            case IMAGE -> decodeImage(bytes);
            case AUDIO -> decodeAudio(bytes);
            case VIDEO -> decodeVideo(bytes);
        };
    }

    /** PNG or JPEG → RGB. */
    public RgbImage decodeImage(byte[] bytes) {
        return images.decode(bytes);
    }

    /** Any supported audio → mono 16 kHz. */
    public MonoAudio decodeAudio(byte[] bytes) {
        return decodeAudio(bytes, DEFAULT_SAMPLE_RATE);
    }

    /**
     * Any supported audio → mono at {@code sampleRate}: WAV is parsed in Java and resampled with {@link Resampler};
     * MP3, FLAC, OGG and M4A are decoded, mixed down and resampled by FFmpeg.
     */
    public MonoAudio decodeAudio(byte[] bytes, int sampleRate) {
        MediaFormat format = MediaSniffer.sniff(bytes, MediaKind.AUDIO);
        if (format == MediaFormat.WAV) {
            return wavs.decode(bytes, sampleRate);
        }
        return compressedAudio.decode(bytes, format, sampleRate);
    }

    /** MP4/MOV → RGB frames at native size. */
    public DecodedVideo decodeVideo(byte[] bytes) {
        return videos.decode(bytes);
    }

    /** MP4/MOV → RGB frames, downscaled so the short side is at most {@code maxShortSide} (0 = native size). */
    public DecodedVideo decodeVideo(byte[] bytes, int maxShortSide) {
        return videos.decode(bytes, maxShortSide);
    }
}
