package dev.nextgpt.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.platform.testing.KafkaBroker;
import dev.nextgpt.platform.testing.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class CancellationViewTest {
    @Test
    void readsEveryPartitionFromTheStartAndFollowsNewCommands(KafkaBroker broker) throws Exception {
        TestKafka kafka = new TestKafka(broker, "view");
        for (int i = 0; i < 9; i++) { // keys spread over the 3 partitions
            kafka.send(kafka.control, ControlCommand.cancel("early-" + i, "tenant-1", null, Instant.now()));
        }
        kafka.sendRaw(new ProducerRecord<>(kafka.control, "garbage", "{".getBytes(StandardCharsets.UTF_8)));
        try (CancellationView view = CancellationView.start(broker.bootstrapServers(), kafka.control, Map.of())) {
            assertTrue(view.awaitReady(Duration.ofSeconds(30)));
            assertTrue(view.isRunning());
            for (int i = 0; i < 9; i++) {
                assertTrue(view.isCancelled("early-" + i), "early-" + i);
            }
            assertEquals(9, view.size(), "an invalid record is ignored");
            assertFalse(view.isCancelled("never"));

            List<String> heard = new CopyOnWriteArrayList<>();
            view.addListener(heard::add);
            kafka.send(kafka.control, ControlCommand.cancel("late", "tenant-1", "user asked", Instant.now()));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!view.isCancelled("late") && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertTrue(view.isCancelled("late"));
            assertEquals(List.of("late"), heard);

            kafka.sendRaw(new ProducerRecord<>(kafka.control, "early-0", null)); // tombstone: forget the job
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (view.isCancelled("early-0") && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertFalse(view.isCancelled("early-0"));
        }
    }

    @Test
    void anEmptyTopicIsReadyAtOnce(KafkaBroker broker) throws Exception {
        TestKafka kafka = new TestKafka(broker, "empty-view");
        try (CancellationView view = CancellationView.start(broker.bootstrapServers(), kafka.control, Map.of())) {
            assertTrue(view.awaitReady(Duration.ofSeconds(30)));
            assertEquals(0, view.size());
        }
    }
}
