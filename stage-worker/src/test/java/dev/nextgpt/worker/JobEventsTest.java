package dev.nextgpt.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.TraceParent;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.Messages;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class JobEventsTest {
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final Publisher publisher = new Publisher(producer);
    private final TraceParent trace = Traces.newRoot();

    private JobEvent event(int i) {
        return Messages.decode(producer.history().get(i).value(), JobEvent.class);
    }

    @Test
    void progressIsThrottledButTheFirstAndLastStepsAlwaysGoOut() throws Exception {
        JobEvents events = new JobEvents(publisher, Stage.DECODE_IMAGE, Clock.systemUTC(), Duration.ofMillis(200));
        assertTrue(events.progress("job-1", "t", 0, 0.1, trace, null));
        assertFalse(events.progress("job-1", "t", 0, 0.2, trace, null));
        assertTrue(events.progress("job-1", "t", 1, 0.2, trace, null), "another output has its own throttle");
        assertFalse(events.progress("job-1", "t", 0, 0.3, trace, null));
        Thread.sleep(250);
        assertTrue(events.progress("job-1", "t", 0, 0.6, trace, null));
        assertFalse(events.progress("job-1", "t", 0, 0.7, trace, null));
        assertTrue(events.progress("job-1", "t", 0, 1.0, trace, null));
        assertEquals(4, producer.history().size());
        JobEvent last = event(3);
        assertEquals(JobEvent.Kind.PROGRESS, last.kind());
        assertEquals(Stage.DECODE_IMAGE, last.stage());
        assertEquals(0, last.outputIndex());
        assertEquals(1.0, last.progress());
        assertEquals("job-1", producer.history().get(3).key());
        String tp = new String(producer.history().get(3).headers().lastHeader("traceparent").value(),
                StandardCharsets.UTF_8);
        assertEquals(trace.traceId(), TraceParent.parse(tp).traceId());
        publisher.awaitAcknowledged();
    }

    @Test
    void failuresCarryTheStageAndABoundedReason() {
        JobEvents events = new JobEvents(publisher, Stage.GENERATE, Clock.systemUTC(), Duration.ofMillis(200));
        events.failed("job-2", "t", null, "x".repeat(5000), trace, null);
        JobEvent failed = event(0);
        assertEquals(JobEvent.Kind.FAILED, failed.kind());
        assertEquals(Stage.GENERATE, failed.stage());
        assertEquals(JobEvents.MAX_REASON_CHARS, failed.reason().length());
    }

    @Test
    void anUnacknowledgedRecordIsAPublishFailure() {
        MockProducer<String, byte[]> failing =
                new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        Publisher p = new Publisher(failing);
        new JobEvents(p, Stage.ENCODE, Clock.systemUTC(), Duration.ofMillis(200))
                .failed("job-3", "t", null, "bad", trace, null);
        failing.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
        var e = assertThrows(PublishFailure.class, p::awaitAcknowledged);
        assertTrue(e.getMessage().contains("broker gone"), e.getMessage());
    }

    @Test
    void deadLetterHeaderValuesStayWithinTheLimit() {
        byte[] v = DeadLetters.utf8("é".repeat(2000));
        assertTrue(v.length <= DeadLetters.MAX_VALUE_BYTES);
        assertTrue(new String(v, StandardCharsets.UTF_8).endsWith("é..."));
    }
}
