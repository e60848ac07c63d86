package dev.nextgpt.runtime.media;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Shared FFmpeg set-up. The natives come from the {@code org.bytedeco:ffmpeg} / {@code javacpp} platform jars on the
 * class path and are unpacked by JavaCPP's {@code Loader} into its cache ({@code ~/.javacpp/cache}, or the folder in
 * the system property {@code org.bytedeco.javacpp.cachedir}); nothing is downloaded.
 *
 * <p>FFmpeg's own log goes to stderr; it is limited to {@code fatal} by default (our exceptions carry the details).
 * Set the system property {@code nextgpt.ffmpeg.loglevel} (quiet, panic, fatal, error, warning, info, verbose,
 * debug) to change it.
 */
final class Ffmpeg {

    private static volatile boolean initialised;

    private Ffmpeg() {
    }

    static void init() {
        if (initialised) {
            return;
        }
        synchronized (Ffmpeg.class) {
            if (initialised) {
                return;
            }
            String level = System.getProperty("nextgpt.ffmpeg.loglevel", "fatal");
            avutil.av_log_set_level(switch (level.toLowerCase(java.util.Locale.ROOT)) {
                case "quiet" -> avutil.AV_LOG_QUIET;
                case "panic" -> avutil.AV_LOG_PANIC;
                case "error" -> avutil.AV_LOG_ERROR;
                case "warning" -> avutil.AV_LOG_WARNING;
                case "info" -> avutil.AV_LOG_INFO;
                case "verbose" -> avutil.AV_LOG_VERBOSE;
                case "debug" -> avutil.AV_LOG_DEBUG;
                default -> avutil.AV_LOG_FATAL;
            });
            initialised = true;
        }
    }

    /** Whether the bundled FFmpeg has an encoder of that name. */
    static boolean hasEncoder(String name) {
        init();
        AVCodec codec = avcodec.avcodec_find_encoder_by_name(name);
        return codec != null && !codec.isNull();
    }
}
