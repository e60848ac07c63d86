package dev.nextgpt.runtime.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes canonical 44-byte-header WAV files, PCM 16-bit little-endian, mono. */
public final class WavWriter {

    /** The contract's output rate for audio. */
    public static final int DEFAULT_SAMPLE_RATE = 16_000;

    private WavWriter() {
    }

    /** Mono 16 kHz PCM16; samples are clamped to [-1, 1] and mapped to {@code round(x · 32767)}. */
    public static byte[] writePcm16(float[] samples) {
        return writePcm16(samples, DEFAULT_SAMPLE_RATE);
    }

    /** Mono PCM16 at {@code sampleRate}; samples are clamped to [-1, 1] and mapped to {@code round(x · 32767)}. */
    public static byte[] writePcm16(float[] samples, int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive: " + sampleRate);
        }
        long dataBytes = 2L * samples.length;
        if (dataBytes > 0xFFFFFFFFL - 36) {
            throw new IllegalArgumentException("too many samples for a WAV file: " + samples.length);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (44 + dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(new byte[] {'R', 'I', 'F', 'F'}).putInt((int) (36 + dataBytes)).put(new byte[] {'W', 'A', 'V', 'E'});
        buf.put(new byte[] {'f', 'm', 't', ' '}).putInt(16)
                .putShort((short) 1)                 // PCM
                .putShort((short) 1)                 // mono
                .putInt(sampleRate)
                .putInt(sampleRate * 2)              // byte rate
                .putShort((short) 2)                 // block align
                .putShort((short) 16);               // bits per sample
        buf.put(new byte[] {'d', 'a', 't', 'a'}).putInt((int) dataBytes);
        for (float s : samples) {
            buf.putShort(MediaOut.toPcm16(s));
        }
        return buf.array();
    }

    public static byte[] writePcm16(MonoAudio audio) {
        return writePcm16(audio.samples(), audio.sampleRate());
    }

    public static void writePcm16(float[] samples, int sampleRate, Path file) throws IOException {
        Files.write(file, writePcm16(samples, sampleRate));
    }
}
