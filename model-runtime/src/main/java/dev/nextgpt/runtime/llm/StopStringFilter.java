package dev.nextgpt.runtime.llm;

import java.util.List;

/**
 * Streams text through a set of stop strings: text that might be the start of a stop string is held back until
 * it is known not to be; when a stop string appears the text is cut right before it and nothing more is let
 * through. The pieces returned concatenate to the final text.
 */
final class StopStringFilter {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopStringFilter(List<String> stops) {
        this.stops = stops;
    }

    /** Adds generated text; returns what can be released now. */
    String push(String delta) {
        if (stopped || delta.isEmpty()) {
            return "";
        }
        held.append(delta);
        if (stops.isEmpty()) {
            return release(held.length());
        }
        int cut = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            stopped = true;
            String out = held.substring(0, cut);
            held.setLength(0);
            return out;
        }
        return release(held.length() - longestStopPrefixSuffix());
    }

    /** True once a stop string appeared. */
    boolean stopped() {
        return stopped;
    }

    /** Releases what is still held (generation ended without completing a stop string). */
    String finish() {
        return stopped ? "" : release(held.length());
    }

    private String release(int n) {
        String out = held.substring(0, n);
        held.delete(0, n);
        return out;
    }

    /** Length of the longest suffix of the held text that is a proper prefix of a stop string. */
    private int longestStopPrefixSuffix() {
        String h = held.toString();
        int best = 0;
        for (String stop : stops) {
            int max = Math.min(stop.length() - 1, h.length());
            for (int len = max; len > best; len--) {
                if (h.regionMatches(h.length() - len, stop, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
