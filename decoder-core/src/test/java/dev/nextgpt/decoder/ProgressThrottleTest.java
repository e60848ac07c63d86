package dev.nextgpt.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressThrottleTest {
    private static final long MS = 1_000_000;

    @Test
    void firstStepThenAtMostOnePerInterval() {
        ProgressThrottle t = new ProgressThrottle(Duration.ofMillis(100));
        assertEquals(0.95 / 10, t.onStep(1, 10, 0), 1e-12);
        assertTrue(t.onStep(2, 10, 50 * MS) < 0);
        assertEquals(0.95 * 3 / 10, t.onStep(3, 10, 100 * MS), 1e-12);
        assertTrue(t.onStep(4, 10, 150 * MS) < 0);
        assertEquals(0.95, t.onStep(10, 10, 250 * MS), 1e-12);
    }

    @Test
    void zeroIntervalReportsEveryStepAndNeverGoesBack() {
        ProgressThrottle t = new ProgressThrottle(Duration.ZERO);
        for (int step = 1; step <= 5; step++) {
            assertEquals(0.95 * step / 5, t.onStep(step, 5, step), 1e-12);
        }
        assertTrue(t.onStep(5, 5, 10) < 0, "a repeated step is not reported twice");
    }
}
