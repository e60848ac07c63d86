package dev.nextgpt.worker;

import dev.nextgpt.contracts.TraceParent;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * W3C trace context across stages: what a worker produces for a job is a child of what it consumed (same trace id,
 * a new span id, the same flags), so one job is one trace; a record without context starts a new, sampled trace.
 */
public final class Traces {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Traces() {}

    /** A new root: random trace and span ids, sampled. */
    public static TraceParent newRoot() {
        return new TraceParent(randomHex(16), randomHex(8), 1);
    }

    /** A child span of {@code parent} in the same trace. */
    public static TraceParent child(TraceParent parent) {
        return parent == null ? newRoot() : new TraceParent(parent.traceId(), randomHex(8), parent.flags());
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        do {
            RANDOM.nextBytes(b);
        } while (allZero(b));
        return HexFormat.of().formatHex(b);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
