package dev.nextgpt.runtime.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class WavDecoderTest {

    private final WavDecoder decoder = new WavDecoder();

    @Test
    void pcm16WrittenByWavWriterParsesBackToTheSameSamples() {
        float[] src = MediaTestSupport.tone(440, 0.25, 16000, 0.8);
        byte[] wav = WavWriter.writePcm16(src);
        WavDecoder.Wav parsed = decoder.parse(wav);
        assertEquals(16000, parsed.info().sampleRate());
        assertEquals(16, parsed.info().bitsPerSample());
        assertEquals(src.length, parsed.mono().length);
        for (int i = 0; i < src.length; i++) {
            float expected = MediaOut.toPcm16(src[i]) / 32768f;
            assertEquals(expected, parsed.mono()[i], 0f, "sample " + i);
        }
    }

    @Test
    void pcm24IsScaledBy2To23() {
        int[] values = {0, 8388607, -8388608, 4194304, -1};
        ByteBuffer data = ByteBuffer.allocate(values.length * 3);
        for (int v : values) {
            data.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
        }
        float[] mono = decoder.parse(MediaTestSupport.wav(1, 1, 16000, 24, data.array(), false)).mono();
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i] / 8388608f, mono[i], 0f);
        }
    }

    @Test
    void pcm8IsUnsignedAroundOneTwentyEight() {
        float[] mono = decoder.parse(MediaTestSupport.wav(1, 1, 8000, 8, new byte[] {(byte) 128, (byte) 255, 0, 64}, false)).mono();
        assertArrayEquals(new float[] {0f, 127 / 128f, -1f, -0.5f}, mono, 0f);
    }

    @Test
    void pcm32IntIsScaledBy2To31() {
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MIN_VALUE).putInt(1 << 30);
        float[] mono = decoder.parse(MediaTestSupport.wav(1, 1, 16000, 32, data.array(), false)).mono();
        assertArrayEquals(new float[] {-1f, 0.5f}, mono, 0f);
    }

    @Test
    void float32AndFloat64AreReadAsIs() {
        ByteBuffer f32 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(-0.75f).putFloat(1.5f);
        assertArrayEquals(new float[] {0.25f, -0.75f, 1.5f},
                decoder.parse(MediaTestSupport.wav(3, 1, 16000, 32, f32.array(), false)).mono(), 0f);
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.125).putDouble(-0.5);
        assertArrayEquals(new float[] {0.125f, -0.5f},
                decoder.parse(MediaTestSupport.wav(3, 1, 16000, 64, f64.array(), false)).mono(), 0f);
    }

    @Test
    void stereoIsMixedDownByAveragingTheChannels() {
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 16384).putShort((short) 0)       // frame 0: L 0.5, R 0
                .putShort((short) -32768).putShort((short) 16384); // frame 1: L −1, R 0.5
        WavDecoder.Wav wav = decoder.parse(MediaTestSupport.wav(1, 2, 16000, 16, data.array(), false));
        assertEquals(2, wav.info().channels());
        assertArrayEquals(new float[] {0.25f, -0.25f}, wav.mono(), 1e-7f);
    }

    @Test
    void waveFormatExtensibleWithFloatSubformatIsDecoded() {
        ByteBuffer f32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(-0.5f);
        WavDecoder.Wav wav = decoder.parse(MediaTestSupport.wav(3, 1, 16000, 32, f32.array(), true));
        assertEquals(0xFFFE, wav.info().formatTag());
        assertTrue(wav.info().floatingPoint());
        assertArrayEquals(new float[] {0.5f, -0.5f}, wav.mono(), 0f);
    }

    @Test
    void unknownChunksIncludingOddSizedOnesAreSkipped() {
        ByteBuffer data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 8192).putShort((short) -8192);
        byte[] list = MediaTestSupport.chunk("LIST", "INFOISFT\u0003\0\0\0ab\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        byte[] odd = MediaTestSupport.chunk("junk", new byte[] {1, 2, 3});
        float[] mono = decoder.parse(MediaTestSupport.wav(1, 1, 16000, 16, data.array(), false, list, odd)).mono();
        assertArrayEquals(new float[] {0.25f, -0.25f}, mono, 0f);
    }

    @Test
    void resamplingFrom44100To16000KeepsAOneKilohertzTone() {
        float[] src = MediaTestSupport.tone(1000, 1.0, 44100, 0.5);
        MonoAudio audio = decoder.decode(WavWriter.writePcm16(src, 44100), 16000);
        assertEquals(16000, audio.sampleRate());
        assertEquals(16000, audio.samples().length, "ceil(44100 · 160 / 441)");
        assertEquals(1000.0, MediaTestSupport.dominantFrequency(audio.samples(), 16000), 1.0);
        double rms = 0;
        for (int i = 1000; i < 15000; i++) {
            rms += audio.samples()[i] * audio.samples()[i];
        }
        rms = Math.sqrt(rms / 14000);
        assertEquals(0.5 / Math.sqrt(2), rms, 0.01, "passband amplitude is kept");
    }

    @Test
    void truncatedDataChunkIsRefusedWithBothSizes() {
        byte[] wav = WavWriter.writePcm16(new float[1000]);
        byte[] cut = java.util.Arrays.copyOf(wav, 1000);
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> decoder.parse(cut));
        assertTrue(e.getMessage().startsWith("WAV: truncated: data chunk declares 2000 bytes but only 956 remain"), e.getMessage());
    }

    @Test
    void streamingPlaceholderSizeReadsToTheEnd() {
        byte[] wav = WavWriter.writePcm16(new float[] {0.5f, -0.5f, 0.25f});
        ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(40, -1);
        assertEquals(3, decoder.parse(wav).mono().length);
    }

    @Test
    void corruptOrUnsupportedHeadersAreNamed() {
        byte[] wav = WavWriter.writePcm16(new float[10]);
        String headerOnly = assertThrows(MediaDecodeException.class, () -> decoder.parse(java.util.Arrays.copyOf(wav, 20))).getMessage();
        assertTrue(headerOnly.contains("WAV: "), headerOnly);
        String alaw = assertThrows(MediaDecodeException.class,
                () -> decoder.parse(MediaTestSupport.wav(6, 1, 8000, 8, new byte[4], false))).getMessage();
        assertTrue(alaw.contains("A-law") && alaw.contains("unsupported"), alaw);
        String bits = assertThrows(MediaDecodeException.class,
                () -> decoder.parse(MediaTestSupport.wav(1, 1, 8000, 12, new byte[4], false))).getMessage();
        assertTrue(bits.contains("12 bits"), bits);
        byte[] noData = java.util.Arrays.copyOf(wav, 36);
        String missing = assertThrows(MediaDecodeException.class, () -> decoder.parse(noData)).getMessage();
        assertTrue(missing.contains("no data chunk"), missing);
        String empty = assertThrows(MediaDecodeException.class, () -> decoder.parse(WavWriter.writePcm16(new float[0]))).getMessage();
        assertTrue(empty.contains("no samples"), empty);
    }

    @Test
    void audioLongerThanTheLimitIsRefusedBeforeDecoding() {
        WavDecoder strict = new WavDecoder(MediaLimits.defaults().withMaxAudioSeconds(0.5));
        byte[] wav = WavWriter.writePcm16(new float[16000]);
        String msg = assertThrows(MediaDecodeException.class, () -> strict.parse(wav)).getMessage();
        assertTrue(msg.contains("1.0 s, above the limit of 0.5 s"), msg);
    }
}
