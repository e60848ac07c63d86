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

    private static final java.util.regex.Pattern ERROR_CODE = java.util.regex.Pattern.compile("error (-?\\d+)");

    /**
     * A short reason for a JavaCV exception: FFmpeg's text for the error code in its message (for example
     * "Invalid data found when processing input"), without JavaCV's hints and object names.
     */
    static String reason(Throwable e) {
        String msg = String.valueOf(e.getMessage());
        java.util.regex.Matcher m = ERROR_CODE.matcher(msg);
        if (m.find()) {
            try {
                int code = Integer.parseInt(m.group(1));
                if (code == -2) { // AVERROR(ENOENT): what avformat_open_input reports when probing custom I/O fails
                    return "FFmpeg does not recognise the data";
                }
                byte[] buf = new byte[256];
                if (avutil.av_strerror(code, buf, buf.length) == 0) {
                    int len = 0;
                    while (len < buf.length && buf[len] != 0) {
                        len++;
                    }
                    return new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8);
                }
                return "FFmpeg error " + code;
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        int cut = msg.indexOf(" (");
        return cut > 0 ? msg.substring(0, cut) : msg;
    }

    /** Whether the bundled FFmpeg has an encoder of that name. */
    static boolean hasEncoder(String name) {
        init();
        AVCodec codec = avcodec.avcodec_find_encoder_by_name(name);
        return codec != null && !codec.isNull();
    }
}
