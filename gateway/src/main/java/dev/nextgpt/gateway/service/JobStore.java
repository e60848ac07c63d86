package dev.nextgpt.gateway.service;

import dev.nextgpt.contracts.messages.ControlCommand;
import dev.nextgpt.contracts.messages.JobEvent;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.JobText;
import dev.nextgpt.contracts.messages.Message;
import dev.nextgpt.contracts.messages.OutputStored;
import dev.nextgpt.contracts.messages.TextDelta;
import dev.nextgpt.contracts.messages.WebhookAttempt;
import dev.nextgpt.gateway.Artifact;
import dev.nextgpt.gateway.DeliveryAttempt;
import dev.nextgpt.gateway.JobFailure;
import dev.nextgpt.gateway.JobSnapshot;
import dev.nextgpt.gateway.JobStatus;
import dev.nextgpt.gateway.JobUpdate;
import dev.nextgpt.gateway.StageProgress;
import dev.nextgpt.objectstore.ObjectKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Every job the gateway knows, built only from the records of the job topics (and the gateway's own records, applied
 * as soon as Kafka acknowledged them so a client reads its own writes). Each record is applied once per (job, stage,
 * output index, sequence); the terminal rules of {@code docs/services.md} decide the status, and nothing changes a
 * terminal status. Two stores fed the same records, in any order, hold equal {@link JobSnapshot}s (except for an
 * artifact racing a cancel: the replay orders those by timestamp).
 */
public final class JobStore {
    private static final Logger LOG = Logger.getLogger(JobStore.class);

    /** What applying a record did. */
    public enum Outcome {
        APPLIED,
        /** Applied before (a redelivery or the gateway's own record coming back). */
        DUPLICATE,
        /** Valid, but the job is terminal (e.g. an artifact after a cancel). */
        IGNORED,
        /** Contradicts what the job is (another tenant, an object key outside the job's prefix). */
        REJECTED
    }

    /** A page of a tenant's jobs, newest first. */
    public record Page(List<JobSnapshot> jobs, JobSnapshot last, boolean more) {
    }

    /** A live view of a job's updates; {@link #close()} stops it. */
    public interface Subscription extends AutoCloseable {
        /** Whether the job was already terminal, so every update was replayed and nothing more comes. */
        boolean ended();

        @Override
        void close();
    }

    private record Listed(Instant createdAt, String id) {
    }

    /** Newest first; ties broken by id, descending, so the order is total. */
    private static final Comparator<Listed> NEWEST_FIRST = Comparator.comparing(Listed::createdAt)
            .thenComparing(Listed::id).reversed();

    private final Map<String, JobState> jobs = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentSkipListSet<Listed>> byTenant = new ConcurrentHashMap<>();
    private final List<Consumer<JobSnapshot>> terminalListeners = new CopyOnWriteArrayList<>();

    /** Calls {@code listener} (outside any lock) whenever a terminal job changes: its terminal status or its request. */
    public void onTerminal(Consumer<JobSnapshot> listener) {
        terminalListeners.add(listener);
    }

    /**
     * Applies one record.
     *
     * @param recordTime the record's timestamp: the time of messages that carry none of their own
     */
    public Outcome apply(Message message, Instant recordTime) {
        JobState state = jobs.computeIfAbsent(message.jobId(), JobState::new);
        Outcome outcome;
        boolean becameVisible;
        JobSnapshot notify = null;
        synchronized (state) {
            if (state.tenant == null) {
                state.tenant = message.tenant();
            } else if (!state.tenant.equals(message.tenant())) {
                LOG.warnf("job %s: a %s for tenant %s, but the job belongs to %s; ignored", message.jobId(),
                        message.getClass().getSimpleName(), message.tenant(), state.tenant);
                return Outcome.REJECTED;
            }
            boolean wasVisible = state.visible();
            JobStatus before = state.status;
            if (message instanceof JobRequested m) {
                outcome = requested(state, m);
            } else if (message instanceof TextDelta m) {
                outcome = delta(state, m, recordTime);
            } else if (message instanceof JobText m) {
                outcome = finalText(state, m, recordTime);
            } else if (message instanceof OutputStored m) {
                outcome = output(state, m, recordTime);
            } else if (message instanceof JobEvent m) {
                outcome = event(state, m);
            } else if (message instanceof ControlCommand m) {
                outcome = control(state, m);
            } else {
                outcome = Outcome.IGNORED;
            }
            becameVisible = !wasVisible && state.visible();
            if (outcome == Outcome.APPLIED && state.status.terminal() && state.visible()
                    && (before != state.status || becameVisible)) {
                notify = state.snapshot();
            }
        }
        if (becameVisible) {
            byTenant.computeIfAbsent(state.tenant, t -> new ConcurrentSkipListSet<>(NEWEST_FIRST))
                    .add(new Listed(state.createdAt, state.id));
        }
        if (notify != null) {
            for (Consumer<JobSnapshot> listener : terminalListeners) {
                try {
                    listener.accept(notify);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "job %s: terminal listener failed", notify.id());
                }
            }
        }
        return outcome;
    }

    private static Outcome requested(JobState s, JobRequested m) {
        if (!s.seen.add("requested")) {
            return Outcome.DUPLICATE;
        }
        s.request = m;
        s.createdAt = m.createdAt();
        s.touch(m.createdAt());
        if (s.status == JobStatus.QUEUED && s.updates.isEmpty()) {
            s.emit(JobUpdate.Kind.QUEUED, null);
        }
        return Outcome.APPLIED;
    }

    // Text, progress and artifacts that arrive after the terminal state are still recorded (without a stream event),
    // so the state does not depend on the order in which records of different topics arrive; only the status is
    // final. Artifacts after a cancel are the exception: a cancelled job has no outputs from after the cancel.

    private static Outcome delta(JobState s, TextDelta m, Instant at) {
        if (!s.seen.add("generate:0:" + m.sequence())) {
            return Outcome.DUPLICATE;
        }
        boolean late = s.status.terminal();
        s.start(at);
        s.deltas.put(m.sequence(), m.text());
        s.touch(at);
        if (!late) {
            s.emit(JobUpdate.Kind.TEXT_DELTA, new JobUpdate.TextPiece(m.sequence(), m.text()));
        }
        return Outcome.APPLIED;
    }

    private static Outcome finalText(JobState s, JobText m, Instant at) {
        if (!s.seen.add("generate:0:final")) {
            return Outcome.DUPLICATE;
        }
        boolean late = s.status.terminal();
        s.start(at);
        s.finalText = m;
        s.touch(at);
        if (!late) {
            s.emit(JobUpdate.Kind.TEXT, new JobUpdate.FinalText(m.text(), m.finishReason().wireName(), m.outputs()));
            if (s.complete()) {
                s.finish(JobStatus.SUCCEEDED, at);
            }
        }
        return Outcome.APPLIED;
    }

    private static Outcome output(JobState s, OutputStored m, Instant at) {
        if (!m.objectKey().startsWith(ObjectKeys.jobPrefix(m.tenant(), m.jobId()))) {
            LOG.warnf("job %s: output %s-%d at '%s', outside the job's prefix; ignored", m.jobId(),
                    m.modality().wireName(), m.outputIndex(), m.objectKey());
            return Outcome.REJECTED;
        }
        if (s.status == JobStatus.CANCELLED) {
            return Outcome.IGNORED;
        }
        if (!s.seen.add(m.idempotencyKey().toString())) {
            return Outcome.DUPLICATE;
        }
        boolean late = s.status.terminal();
        s.start(at);
        Artifact artifact = new Artifact(m.modality(), m.outputIndex(), m.objectKey(), m.contentType(), m.size(),
                m.sha256(), at);
        s.artifacts.put(JobState.outputKey(m.modality(), m.outputIndex()), artifact);
        s.touch(at);
        if (!late) {
            s.emit(JobUpdate.Kind.ARTIFACT, artifact);
            if (s.complete()) {
                s.finish(JobStatus.SUCCEEDED, at);
            }
        }
        return Outcome.APPLIED;
    }

    private static Outcome event(JobState s, JobEvent m) {
        String stage = JobState.stageKey(m.stage(), m.outputIndex());
        switch (m.kind()) {
            case WEBHOOK_ATTEMPT -> {
                WebhookAttempt a = m.webhook();
                if (!s.seen.add("webhook:" + a.jobStatus() + ":" + a.attempt())) {
                    return Outcome.DUPLICATE;
                }
                s.attempts.add(new DeliveryAttempt(a, m.at()));
                s.attempts.sort(Comparator.comparing((DeliveryAttempt d) -> d.attempt().attempt()));
                return Outcome.APPLIED;
            }
            case PROGRESS -> {
                if (!s.seen.add(stage + ":progress:" + m.progress())) {
                    return Outcome.DUPLICATE;
                }
                boolean late = s.status.terminal();
                s.start(m.at());
                StageProgress previous = s.stages.get(stage);
                if (previous == null || m.progress() > previous.progress()) {
                    StageProgress progress = new StageProgress(m.stage(), m.outputIndex(), m.progress(), m.at());
                    s.stages.put(stage, progress);
                    s.touch(m.at());
                    if (!late) {
                        s.emit(JobUpdate.Kind.PROGRESS, progress);
                    }
                }
                return Outcome.APPLIED;
            }
            case FAILED -> {
                if (s.status.terminal()) {
                    return Outcome.IGNORED;
                }
                if (!s.seen.add(stage + ":failed")) {
                    return Outcome.DUPLICATE;
                }
                s.error = new JobFailure(m.stage(), m.outputIndex(), m.reason());
                s.finish(JobStatus.FAILED, m.at());
                return Outcome.APPLIED;
            }
            case CANCELLED -> {
                // a worker confirming it stopped; the job is cancelled by the control topic's command
                return s.seen.add(stage + ":cancelled") ? Outcome.APPLIED : Outcome.DUPLICATE;
            }
            default -> {
                return Outcome.IGNORED;
            }
        }
    }

    private static Outcome control(JobState s, ControlCommand m) {
        if (s.status.terminal()) {
            return Outcome.IGNORED;
        }
        if (!s.seen.add("control:" + m.action().wireName())) {
            return Outcome.DUPLICATE;
        }
        s.cancelReason = m.reason();
        s.finish(JobStatus.CANCELLED, m.at());
        return Outcome.APPLIED;
    }

    /** The job, if it exists and belongs to {@code tenant}. */
    public Optional<JobSnapshot> get(String tenant, String jobId) {
        JobState state = jobs.get(jobId);
        if (state == null) {
            return Optional.empty();
        }
        synchronized (state) {
            return state.visible() && state.tenant.equals(tenant) ? Optional.of(state.snapshot()) : Optional.empty();
        }
    }

    /** The job, whoever owns it (for the gateway's own work, never for answers to a tenant). */
    public Optional<JobSnapshot> find(String jobId) {
        JobState state = jobs.get(jobId);
        if (state == null) {
            return Optional.empty();
        }
        synchronized (state) {
            return state.visible() ? Optional.of(state.snapshot()) : Optional.empty();
        }
    }

    /** Every visible job. */
    public List<JobSnapshot> all() {
        List<JobSnapshot> out = new ArrayList<>();
        for (JobState state : jobs.values()) {
            synchronized (state) {
                if (state.visible()) {
                    out.add(state.snapshot());
                }
            }
        }
        return out;
    }

    /** How many visible jobs are in each status. */
    public Map<JobStatus, Integer> countByStatus() {
        Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            counts.put(status, 0);
        }
        for (JobState state : jobs.values()) {
            synchronized (state) {
                if (state.visible()) {
                    counts.merge(state.status, 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /**
     * A tenant's jobs, newest first, after the job {@code (afterCreatedAt, afterId)} when given.
     */
    public Page list(String tenant, Instant afterCreatedAt, String afterId, int limit) {
        ConcurrentSkipListSet<Listed> index = byTenant.get(tenant);
        if (index == null) {
            return new Page(List.of(), null, false);
        }
        var view = afterId == null ? index : index.tailSet(new Listed(afterCreatedAt, afterId), false);
        List<JobSnapshot> page = new ArrayList<>();
        boolean more = false;
        for (Listed listed : view) {
            if (page.size() == limit) {
                more = true;
                break;
            }
            get(tenant, listed.id()).ifPresent(page::add);
        }
        return new Page(page, page.isEmpty() ? null : page.get(page.size() - 1), more);
    }

    /**
     * Replays the job's updates after {@code afterSequence} to {@code listener}, then passes it every new one until
     * the job is terminal, all under the job's lock so nothing is lost or reordered in between. Empty when the job
     * does not exist for {@code tenant}.
     */
    public Optional<Subscription> subscribe(String tenant, String jobId, long afterSequence,
            Consumer<JobUpdate> listener) {
        JobState state = jobs.get(jobId);
        if (state == null) {
            return Optional.empty();
        }
        synchronized (state) {
            if (!state.visible() || !state.tenant.equals(tenant)) {
                return Optional.empty();
            }
            for (JobUpdate update : state.updates) {
                if (update.sequence() > afterSequence) {
                    listener.accept(update);
                }
            }
            boolean ended = state.status.terminal();
            if (!ended) {
                state.listeners.add(listener);
            }
            return Optional.of(new Subscription() {
                @Override
                public boolean ended() {
                    return ended;
                }

                @Override
                public void close() {
                    synchronized (state) {
                        state.listeners.remove(listener);
                    }
                }
            });
        }
    }
}
