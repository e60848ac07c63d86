package dev.nextgpt.runtime.media;

/**
 * A WAV (RIFF/WAVE) parser in plain Java.
 *
 * <p>Supported encodings: integer PCM of 8 (unsigned), 16, 24 and 32 bits and IEEE float of 32 and 64 bits, in
 * {@code WAVE_FORMAT_PCM}, {@code WAVE_FORMAT_IEEE_FLOAT} or {@code WAVE_FORMAT_EXTENSIBLE} (sub-format GUID)
 * files, any channel count up to 64 (mixed down to mono by averaging). Samples are scaled as torchaudio loads them:
 * {@code int / 2^(bits−1)}, 8-bit as {@code (u − 128) / 128}. Chunks other than {@code fmt } and {@code data} are
 * skipped (RIFF pads odd-sized chunks to even). A {@code data} chunk that declares more bytes than the file holds is
 * refused as truncated, except for the streaming placeholder 0xFFFFFFFF, which means "to the end of file".
 */
public final class WavDecoder {

    private static final int FORMAT_PCM = 0x0001;
    private static final int FORMAT_IEEE_FLOAT = 0x0003;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;
    /** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID whose first two bytes are a WAVE format tag. */
    private static final byte[] GUID_TAIL = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA,
            0x00, 0x38, (byte) 0x9B, 0x71};

    /** What the {@code fmt } chunk says, and how many sample frames the data chunk holds. */
    public record WavInfo(int formatTag, int channels, int sampleRate, int bitsPerSample, boolean floatingPoint, long frames) {
        public double durationSeconds() {
            return frames / (double) sampleRate;
        }
    }

    /** A parsed WAV: its header and the mono mix-down at the file's own sample rate. */
    public record Wav(WavInfo info, float[] mono) {
        public MonoAudio audio() {
            return new MonoAudio(mono, info.sampleRate());
        }
    }

    private final MediaLimits limits;

    public WavDecoder(MediaLimits limits) {
        this.limits = limits;
    }

    public WavDecoder() {
        this(MediaLimits.defaults());
    }

    /** Mono audio at {@code targetRate}, resampled with {@link Resampler} when the file's rate differs. */
    public MonoAudio decode(byte[] bytes, int targetRate) {
        Wav wav = parse(bytes);
        float[] samples = wav.info().sampleRate() == targetRate ? wav.mono()
                : Resampler.resample(wav.mono(), wav.info().sampleRate(), targetRate);
        return new MonoAudio(samples, targetRate);
    }

    /** Parses the header and mixes the samples down to mono, at the file's sample rate. */
    public Wav parse(byte[] b) {
        limits.checkInputSize("WAV", b);
        if (b.length < 12 || !ascii(b, 0, "RIFF") || !ascii(b, 8, "WAVE")) {
            throw new MediaDecodeException(MediaFormat.WAV, "missing RIFF/WAVE header");
        }
        int fmtOffset = -1;
        int fmtSize = 0;
        int dataOffset = -1;
        long dataSize = 0;
        int pos = 12;
        while (pos + 8 <= b.length) {
            String id = new String(b, pos, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long size = u32(b, pos + 4);
            int body = pos + 8;
            long remaining = b.length - (long) body;
            if (id.equals("data")) {
                dataOffset = body;
                if (size > remaining) {
                    if (size == 0xFFFFFFFFL) {
                        size = remaining; // streaming writers leave the placeholder in place
                    } else {
                        throw new MediaDecodeException(MediaFormat.WAV, "truncated: data chunk declares " + size
                                + " bytes but only " + remaining + " remain");
                    }
                }
                dataSize = size;
                if (fmtOffset >= 0) {
                    break;
                }
            } else if (id.equals("fmt ")) {
                if (size < 16 || size > remaining) {
                    throw new MediaDecodeException(MediaFormat.WAV, "corrupt fmt chunk (size " + size + ", " + remaining + " bytes left)");
                }
                fmtOffset = body;
                fmtSize = (int) size;
                if (dataOffset >= 0) {
                    break;
                }
            } else if (size > remaining) {
                throw new MediaDecodeException(MediaFormat.WAV, "truncated: chunk '" + printable(id) + "' declares " + size
                        + " bytes but only " + remaining + " remain");
            }
            long next = body + size + (size & 1);
            if (next > b.length) {
                break;
            }
            pos = (int) next;
        }
        if (fmtOffset < 0) {
            throw new MediaDecodeException(MediaFormat.WAV, "no fmt chunk");
        }
        if (dataOffset < 0) {
            throw new MediaDecodeException(MediaFormat.WAV, "no data chunk");
        }
        int tag = u16(b, fmtOffset);
        int channels = u16(b, fmtOffset + 2);
        long sampleRate = u32(b, fmtOffset + 4);
        int blockAlign = u16(b, fmtOffset + 12);
        int bits = u16(b, fmtOffset + 14);
        int effectiveTag = tag;
        if (tag == FORMAT_EXTENSIBLE) {
            if (fmtSize < 40 || u16(b, fmtOffset + 16) < 22) {
                throw new MediaDecodeException(MediaFormat.WAV, "WAVE_FORMAT_EXTENSIBLE fmt chunk too short (" + fmtSize + " bytes)");
            }
            int guid = fmtOffset + 24;
            for (int i = 0; i < GUID_TAIL.length; i++) {
                if (b[guid + 2 + i] != GUID_TAIL[i]) {
                    throw new MediaDecodeException(MediaFormat.WAV, "WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID");
                }
            }
            effectiveTag = u16(b, guid);
        }
        boolean isFloat;
        if (effectiveTag == FORMAT_PCM) {
            isFloat = false;
            if (bits != 8 && bits != 16 && bits != 24 && bits != 32) {
                throw new MediaDecodeException(MediaFormat.WAV, "unsupported PCM sample size " + bits
                        + " bits; supported: 8, 16, 24, 32");
            }
        } else if (effectiveTag == FORMAT_IEEE_FLOAT) {
            isFloat = true;
            if (bits != 32 && bits != 64) {
                throw new MediaDecodeException(MediaFormat.WAV, "unsupported float sample size " + bits + " bits; supported: 32, 64");
            }
        } else {
            throw new MediaDecodeException(MediaFormat.WAV, "unsupported encoding (format tag 0x" + String.format("%04x", effectiveTag)
                    + " " + tagName(effectiveTag) + "); supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit");
        }
        if (channels < 1 || channels > 64) {
            throw new MediaDecodeException(MediaFormat.WAV, "unsupported channel count " + channels);
        }
        if (sampleRate < 1 || sampleRate > 768_000) {
            throw new MediaDecodeException(MediaFormat.WAV, "invalid sample rate " + sampleRate + " Hz");
        }
        int bytesPerSample = bits / 8;
        if (blockAlign != channels * bytesPerSample) {
            throw new MediaDecodeException(MediaFormat.WAV, "block align " + blockAlign + " does not match " + channels
                    + " channels × " + bits + " bits");
        }
        long frames = dataSize / blockAlign;
        WavInfo info = new WavInfo(tag, channels, (int) sampleRate, bits, isFloat, frames);
        if (frames == 0) {
            throw new MediaDecodeException(MediaFormat.WAV, "data chunk holds no samples");
        }
        if (info.durationSeconds() > limits.maxAudioSeconds()) {
            throw new MediaDecodeException(MediaFormat.WAV, String.format("audio is %.1f s, above the limit of %.1f s",
                    info.durationSeconds(), limits.maxAudioSeconds()));
        }
        float[] mono = new float[(int) frames];
        float inv = 1f / channels;
        int p = dataOffset;
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++, p += bytesPerSample) {
                sum += sample(b, p, bits, isFloat);
            }
            mono[f] = channels == 1 ? (float) sum : (float) sum * inv;
        }
        return new Wav(info, mono);
    }

    private static double sample(byte[] b, int p, int bits, boolean isFloat) {
        if (isFloat) {
            if (bits == 32) {
                return Float.intBitsToFloat((int) u32(b, p));
            }
            long lo = u32(b, p), hi = u32(b, p + 4);
            return Double.longBitsToDouble((hi << 32) | lo);
        }
        switch (bits) {
            case 8:
                return ((b[p] & 0xFF) - 128) / 128f;
            case 16:
                return (short) ((b[p] & 0xFF) | (b[p + 1] << 8)) / 32768f;
            case 24:
                return ((b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8) | (b[p + 2] << 16)) / 8388608f;
            default:
                return (int) u32(b, p) / 2147483648.0;
        }
    }

    private static String tagName(int tag) {
        switch (tag) {
            case 0x0002: return "MS ADPCM";
            case 0x0006: return "A-law";
            case 0x0007: return "mu-law";
            case 0x0011: return "IMA ADPCM";
            case 0x0055: return "MPEG layer 3";
            default: return "unknown";
        }
    }

    private static boolean ascii(byte[] b, int offset, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b[offset + i] != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String id) {
        StringBuilder sb = new StringBuilder();
        for (char c : id.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }

    static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8);
    }

    static long u32(byte[] b, int p) {
        return (b[p] & 0xFFL) | ((b[p + 1] & 0xFFL) << 8) | ((b[p + 2] & 0xFFL) << 16) | ((b[p + 3] & 0xFFL) << 24);
    }
}
