package dev.nextgpt.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StageReadinessTest {
    @Test
    void aServiceThatHasNotStartedReportsEachPartAndIsDown() {
        StageReadiness r = StageReadiness.of(false, null, null, () -> { });
        assertFalse(r.up());
        assertEquals(Map.of("bundle", "loading", "cancellation-view", "catching up", "worker", "stopped",
                "object-store", "up"), r.data());
    }

    @Test
    void aFailingObjectStoreProbeIsReportedWithItsMessage() {
        StageReadiness r = StageReadiness.of(true, null, null, () -> {
            throw new IllegalStateException("object store unreachable: connection refused");
        });
        assertFalse(r.up());
        assertEquals("object store unreachable: connection refused", r.data().get("object-store"));
        assertEquals("loaded", r.data().get("bundle"));
    }
}
