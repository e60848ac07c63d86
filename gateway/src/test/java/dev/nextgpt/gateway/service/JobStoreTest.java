package dev.nextgpt.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.messages.ContentPart;
import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.JobText;
import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.OutputStored;
import dev.nextgpt.contracts.messages.PlannedOutput;
import dev.nextgpt.contracts.messages.TextDelta;
import dev.nextgpt.contracts.messages.Turn;
import dev.nextgpt.contracts.messages.WebhookAttempt;
import dev.nextgpt.gateway.JobSnapshot;
import dev.nextgpt.gateway.JobStatus;
import dev.nextgpt.gateway.JobUpdate;
import dev.nextgpt.gateway.service.JobStore.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The terminal rules of docs/services.md, idempotent application, and order-independent results. */
class JobStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String SHA = "ab".repeat(32);

    private static JobRequested request(String job, String tenant) {
        return new JobRequested(Messages.SCHEMA, job, tenant, T0, List.of(Turn.user(ContentPart.text("hi"))),
                List.of(Modality.IMAGE), null, null, null, null);
    }

    private static OutputStored output(String job, String tenant, Modality m, int index) {
        return new OutputStored(Messages.SCHEMA, job, tenant, m, index,
                "tenants/" + tenant + "/jobs/" + job + "/outputs/" + m.wireName() + "-" + index + ".bin",
                "application/octet-stream", 10, SHA);
    }

    private static JobText text(String job, String tenant, PlannedOutput... outputs) {
        return new JobText(Messages.SCHEMA, job, tenant, "done", List.of(outputs), JobText.FinishReason.STOP);
    }

    @Test
    void succeedsOnlyWithTheFinalTextAndEveryPlannedOutputWhateverTheOrder() {
        JobStore store = new JobStore();
        store.apply(request("j1", "t"), T0);
        store.apply(output("j1", "t", Modality.IMAGE, 0), T0.plusSeconds(1));
        assertEquals(JobStatus.RUNNING, store.get("t", "j1").orElseThrow().status());
        store.apply(text("j1", "t", new PlannedOutput(Modality.IMAGE, 0), new PlannedOutput(Modality.AUDIO, 0)),
                T0.plusSeconds(2));
        assertEquals(JobStatus.RUNNING, store.get("t", "j1").orElseThrow().status(), "audio-0 is missing");
        assertEquals(Outcome.DUPLICATE, store.apply(output("j1", "t", Modality.IMAGE, 0), T0.plusSeconds(3)));
        store.apply(output("j1", "t", Modality.AUDIO, 0), T0.plusSeconds(4));
        JobSnapshot done = store.get("t", "j1").orElseThrow();
        assertEquals(JobStatus.SUCCEEDED, done.status());
        assertEquals(2, done.artifacts().size());
        assertEquals(T0.plusSeconds(4), done.finishedAt());
        assertEquals(Outcome.IGNORED, store.apply(JobEvent.failed("j1", "t", Stage.DECODE_AUDIO, 0, "late", T0),
                T0.plusSeconds(5)), "nothing changes a terminal job");
    }

    @Test
    void failsOnAFailedEventAndCancelsOnTheCommandIgnoringArtifactsAfterIt() {
        JobStore store = new JobStore();
        store.apply(request("f", "t"), T0);
        store.apply(JobEvent.failed("f", "t", Stage.ENCODE, null, "unreadable image", T0.plusSeconds(1)), T0);
        JobSnapshot failed = store.get("t", "f").orElseThrow();
        assertEquals(JobStatus.FAILED, failed.status());
        assertEquals(Stage.ENCODE, failed.error().stage());
        assertEquals("unreadable image", failed.error().reason());

        store.apply(request("c", "t"), T0);
        store.apply(ControlCommand.cancel("c", "t", "client", T0.plusSeconds(1)), T0.plusSeconds(1));
        assertEquals(Outcome.IGNORED, store.apply(output("c", "t", Modality.IMAGE, 0), T0.plusSeconds(2)));
        assertEquals(Outcome.APPLIED, store.apply(text("c", "t"), T0.plusSeconds(2)), "text is kept, the status is not");
        JobSnapshot cancelled = store.get("t", "c").orElseThrow();
        assertEquals(JobStatus.CANCELLED, cancelled.status());
        assertTrue(cancelled.artifacts().isEmpty());
        assertEquals(T0.plusSeconds(1), cancelled.finishedAt());
    }

    @Test
    void refusesRecordsOfAnotherTenantOrOutsideTheJobsPrefixAndHidesJobsFromOtherTenants() {
        JobStore store = new JobStore();
        store.apply(request("j", "t1"), T0);
        assertEquals(Outcome.REJECTED, store.apply(text("j", "t2"), T0));
        OutputStored foreign = new OutputStored(Messages.SCHEMA, "j", "t1", Modality.IMAGE, 0,
                "tenants/t2/jobs/x/outputs/image-0.png", "image/png", 10, SHA);
        assertEquals(Outcome.REJECTED, store.apply(foreign, T0), "a key outside the job's prefix is never presigned");
        assertTrue(store.get("t2", "j").isEmpty());
        assertTrue(store.get("t1", "j").isPresent());
    }

    @Test
    void textIsAssembledBySequenceAndEachUpdateIsStreamedOnce() {
        JobStore store = new JobStore();
        store.apply(request("s", "t"), T0);
        List<JobUpdate> seen = new ArrayList<>();
        var subscription = store.subscribe("t", "s", 0, seen::add).orElseThrow();
        store.apply(new TextDelta(Messages.SCHEMA, "s", "t", 1, "world"), T0);
        store.apply(new TextDelta(Messages.SCHEMA, "s", "t", 0, "hello "), T0);
        store.apply(new TextDelta(Messages.SCHEMA, "s", "t", 0, "hello "), T0);
        assertEquals("hello world", store.get("t", "s").orElseThrow().text());
        store.apply(text("s", "t"), T0);
        assertEquals(List.of(JobUpdate.Kind.QUEUED, JobUpdate.Kind.RUNNING, JobUpdate.Kind.TEXT_DELTA,
                JobUpdate.Kind.TEXT_DELTA, JobUpdate.Kind.TEXT, JobUpdate.Kind.SUCCEEDED),
                seen.stream().map(JobUpdate::kind).toList());
        subscription.close();
        List<JobUpdate> replay = new ArrayList<>();
        assertTrue(store.subscribe("t", "s", 4, replay::add).orElseThrow().ended());
        assertEquals(List.of(5L, 6L), replay.stream().map(JobUpdate::sequence).toList());
    }

    @Test
    void webhookAttemptsAreRecordedOnceEvenAfterTheTerminalState() {
        JobStore store = new JobStore();
        store.apply(request("w", "t"), T0);
        store.apply(ControlCommand.cancel("w", "t", null, T0), T0);
        WebhookAttempt a = new WebhookAttempt(JobSnapshot.eventId("w", JobStatus.CANCELLED), "cancelled", 1, true,
                200, null);
        assertEquals(Outcome.APPLIED, store.apply(JobEvent.webhookAttempt("w", "t", a, T0), T0));
        assertEquals(Outcome.DUPLICATE, store.apply(JobEvent.webhookAttempt("w", "t", a, T0), T0));
        assertTrue(store.get("t", "w").orElseThrow().webhookDelivered());
    }

    @Test
    void anyOrderOfTheSameRecordsGivesTheSameSnapshot() {
        List<Message> records = new ArrayList<>(List.of(request("o", "t"),
                new TextDelta(Messages.SCHEMA, "o", "t", 0, "a"), new TextDelta(Messages.SCHEMA, "o", "t", 1, "b"),
                JobEvent.progress("o", "t", Stage.DECODE_IMAGE, 0, 0.5, T0.plusSeconds(2)),
                JobEvent.progress("o", "t", Stage.DECODE_IMAGE, 0, 1.0, T0.plusSeconds(3)),
                text("o", "t", new PlannedOutput(Modality.IMAGE, 0)), output("o", "t", Modality.IMAGE, 0)));
        JobSnapshot expected = null;
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(records.subList(1, records.size()), random);
            JobStore store = new JobStore();
            records.forEach(m -> store.apply(m, T0.plusSeconds(10)));
            records.forEach(m -> store.apply(m, T0.plusSeconds(11)));   // all redelivered
            JobSnapshot s = store.get("t", "o").orElseThrow();
            assertEquals(JobStatus.SUCCEEDED, s.status());
            JobSnapshot comparable = new JobSnapshot(s.id(), s.tenant(), s.request(), s.status(), s.createdAt(),
                    s.updatedAt(), s.finishedAt(), s.text(), s.finishReason(), s.plannedOutputs(), s.artifacts(),
                    s.stages(), s.error(), s.cancelReason(), s.webhookAttempts(), 0);
            if (expected == null) {
                expected = comparable;
            }
            assertEquals(expected, comparable, "round " + round);
        }
    }
}
