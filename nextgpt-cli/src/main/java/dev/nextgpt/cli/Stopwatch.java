package dev.nextgpt.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Milliseconds spent per named stage, in the order stages ran. */
final class Stopwatch {
    private final Map<String, Double> stages = new LinkedHashMap<>();

    static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    void add(String stage, double ms) {
        stages.merge(stage, ms, Double::sum);
    }

    Map<String, Double> stages() {
        return stages;
    }
}
