package dev.nextgpt.runtime.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MP3, FLAC and OGG fixtures are made at test time from a 44.1 kHz stereo tone with Debian's ffmpeg. */
class CompressedAudioDecoderTest {

    @TempDir
    Path dir;

    private final MediaDecoder decoder = new MediaDecoder();

    private byte[] sourceWav(double seconds) {
        float[] tone = MediaTestSupport.tone(440, seconds, 44100, 0.5);
        return WavWriter.writePcm16(tone, 44100);
    }

    private void assertToneAt16k(MonoAudio audio, double seconds) {
        assertEquals(16000, audio.sampleRate());
        assertEquals(seconds, audio.durationSeconds(), 0.08, "duration");
        assertEquals(440.0, MediaTestSupport.dominantFrequency(audio.samples(), 16000), 2.0);
    }

    @Test
    void mp3DecodesToMono16kWithTheToneKept() throws Exception {
        byte[] mp3 = MediaTestSupport.ffmpegTranscode(sourceWav(1.0), dir, "mp3", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "64k");
        assertEquals(MediaFormat.MP3, MediaSniffer.sniff(mp3));
        assertToneAt16k(decoder.decodeAudio(mp3), 1.0);
    }

    @Test
    void flacDecodesToMono16kWithTheToneKept() throws Exception {
        byte[] flac = MediaTestSupport.ffmpegTranscode(sourceWav(1.0), dir, "flac", "-c:a", "flac");
        assertEquals(MediaFormat.FLAC, MediaSniffer.sniff(flac));
        MonoAudio audio = decoder.decodeAudio(flac);
        assertToneAt16k(audio, 1.0);
    }

    @Test
    void oggVorbisDecodesToMono16k() throws Exception {
        byte[] ogg = MediaTestSupport.ffmpegTranscode(sourceWav(1.0), dir, "ogg", "-c:a", "libvorbis", "-q:a", "4");
        assertEquals(MediaFormat.OGG, MediaSniffer.sniff(ogg));
        assertToneAt16k(decoder.decodeAudio(ogg), 1.0);
    }

    @Test
    void m4aAacDecodesToMono16k() throws Exception {
        byte[] m4a = MediaTestSupport.ffmpegTranscode(sourceWav(1.0), dir, "m4a", "-c:a", "aac", "-b:a", "96k");
        assertEquals(MediaFormat.M4A, MediaSniffer.sniff(m4a));
        assertToneAt16k(decoder.decodeAudio(m4a), 1.0);
    }

    @Test
    void truncatedFlacIsRefusedAsTruncated() throws Exception {
        byte[] flac = MediaTestSupport.ffmpegTranscode(sourceWav(2.0), dir, "flac", "-c:a", "flac");
        byte[] cut = java.util.Arrays.copyOf(flac, flac.length / 3);
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> decoder.decodeAudio(cut));
        assertTrue(e.getMessage().startsWith("FLAC: truncated"), e.getMessage());
    }

    @Test
    void mp3HeaderFollowedByGarbageIsRefused() throws Exception {
        byte[] mp3 = MediaTestSupport.ffmpegTranscode(sourceWav(1.0), dir, "mp3", "-c:a", "libmp3lame", "-id3v2_version", "0");
        byte[] broken = new byte[600];
        System.arraycopy(mp3, 0, broken, 0, 4); // one valid frame header, then noise
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 4; i < broken.length; i++) {
            broken[i] = (byte) rnd.nextInt(256);
        }
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> decoder.decodeAudio(broken));
        assertTrue(e.getMessage().startsWith("MP3: "), e.getMessage());
    }

    @Test
    void corruptOggIsRefused() throws Exception {
        byte[] junk = new byte[300];
        System.arraycopy("OggS".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, junk, 0, 4);
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> decoder.decodeAudio(junk));
        assertTrue(e.getMessage().startsWith("OGG: "), e.getMessage());
    }

    @Test
    void compressedAudioLongerThanTheLimitIsRefused() throws Exception {
        byte[] flac = MediaTestSupport.ffmpegTranscode(sourceWav(2.0), dir, "flac", "-c:a", "flac");
        MediaDecoder strict = new MediaDecoder(MediaLimits.defaults().withMaxAudioSeconds(1.0));
        MediaDecodeException e = assertThrows(MediaDecodeException.class, () -> strict.decodeAudio(flac));
        assertTrue(e.getMessage().contains("above the limit of 1.0 s"), e.getMessage());
    }
}
