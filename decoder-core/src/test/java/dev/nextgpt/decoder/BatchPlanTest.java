package dev.nextgpt.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.decoder.testing.SampleSignals;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.decoding.DiffusionParams;
import dev.nextgpt.runtime.decoding.SchedulerKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPlanTest {
    private static DecodeTask task(String job, int steps, SchedulerKind scheduler) {
        var message = SampleSignals.signals(job, Modality.IMAGE, 0, null, null);
        var group = new SignalGroup(Modality.IMAGE, new int[] {1, 2, 3, 4}, 1, new float[4], false);
        return new DecodeTask(message, group, new DiffusionParams(steps, 7.5, 1, scheduler), "k/" + job);
    }

    @Test
    void compatibleTasksShareABatchInArrivalOrderUpToTheLimit() {
        List<DecodeTask> tasks = List.of(
                task("a", 20, SchedulerKind.DDIM), task("b", 10, SchedulerKind.DDIM), task("c", 20, SchedulerKind.DDIM),
                task("d", 20, SchedulerKind.DPMPP_2M), task("e", 20, SchedulerKind.DDIM), task("f", 10, SchedulerKind.DDIM));
        assertEquals(List.of(List.of(0, 2, 4), List.of(1, 5), List.of(3)), BatchPlan.of(tasks, 4));
        assertEquals(List.of(List.of(0, 2), List.of(4), List.of(1, 5), List.of(3)), BatchPlan.of(tasks, 2));
        assertEquals(List.of(), BatchPlan.of(List.of(), 4));
    }
}
