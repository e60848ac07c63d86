package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import dev.nextgpt.runtime.testing.ReferenceTensors;

/** Max-abs-difference shorthand. */
final class ReferenceDiff {
    private ReferenceDiff() {}

    static float of(NDArray expected, NDArray actual) {
        return ReferenceTensors.maxAbsDiff(expected, actual);
    }
}
