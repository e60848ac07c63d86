package dev.nextgpt.decoder.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/** Independent readers of the artifacts: ImageIO for PNG, javax.sound for WAV, Debian's {@code ffprobe} for MP4. */
public final class MediaProbe {
    private MediaProbe() {}

    public static BufferedImage png(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new AssertionError("ImageIO cannot read the PNG");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WAV's format and its length in frames. */
    public record Wav(AudioFormat format, long frames) {}

    public static Wav wav(byte[] bytes) {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
            return new Wav(in.getFormat(), in.getFrameLength());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UnsupportedAudioFileException e) {
            throw new AssertionError("javax.sound cannot read the WAV", e);
        }
    }

    public static boolean ffprobeAvailable() {
        return Files.isExecutable(Path.of("/usr/bin/ffprobe"));
    }

    /** {@code ffprobe}'s view of the first video stream: {@code codec_name,width,height,nb_read_frames} and the format name. */
    public static String ffprobeVideo(byte[] bytes) {
        try {
            Path tmp = Files.createTempFile("decoder-test-", ".mp4");
            try {
                Files.write(tmp, bytes);
                Process p = new ProcessBuilder("/usr/bin/ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                        "-show_entries", "stream=codec_name,width,height,nb_read_frames:format=format_name",
                        "-of", "default=noprint_wrappers=1", tmp.toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new AssertionError("ffprobe failed: " + out);
                }
                return out;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
