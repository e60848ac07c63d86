package dev.nextgpt.worker;

import dev.nextgpt.contracts.messages.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * The work of a stage on one batch. It publishes through {@link StageContext#publisher()} (from any thread, but
 * before it returns) and returns one {@link Outcome} per item, in batch order. Throwing {@link StageFailure} fails
 * that job and the worker runs the rest again; any other exception makes the worker run each item alone, so one bad
 * item cannot fail the others.
 */
@FunctionalInterface
public interface BatchHandler<T extends Message> {
    List<Outcome> handle(List<Delivery<T>> batch, StageContext context) throws Exception;

    /** A handler that processes items one by one; an item's exception fails that item only. */
    static <T extends Message> BatchHandler<T> eachItem(ItemHandler<T> item) {
        return (batch, context) -> {
            List<Outcome> outcomes = new ArrayList<>(batch.size());
            for (Delivery<T> d : batch) {
                outcomes.add(StageWorker.runItem(item, d, context));
            }
            return outcomes;
        };
    }

    /** The work on one item. */
    @FunctionalInterface
    interface ItemHandler<T extends Message> {
        Outcome handle(Delivery<T> item, StageContext context) throws Exception;
    }
}
