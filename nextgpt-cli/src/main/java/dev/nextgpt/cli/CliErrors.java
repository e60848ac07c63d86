package dev.nextgpt.cli;

import dev.nextgpt.runtime.bundle.BundleException;
import dev.nextgpt.runtime.media.MediaDecodeException;
import java.io.IOException;

/** Turns an exception into the one line the CLI prints, and tells bad input from internal failure. */
final class CliErrors {
    private CliErrors() {}

    static boolean isBadInput(Throwable e) {
        return e instanceof BadInputException
                || e instanceof BundleException
                || e instanceof MediaDecodeException
                || e instanceof IllegalArgumentException
                || e instanceof IOException;
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Input the user gave that cannot be used. */
    static final class BadInputException extends RuntimeException {
        BadInputException(String message) {
            super(message);
        }

        BadInputException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
