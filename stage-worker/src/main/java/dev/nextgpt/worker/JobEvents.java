package dev.nextgpt.worker;

import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.TraceParent;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.JobEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes a stage's {@link JobEvent}s to {@code nextgpt.jobs.events}. Progress is throttled per (job, output): the
 * first step and the last ({@code progress == 1}) always go out, the steps between at most once per interval.
 * Thread-safe.
 */
public final class JobEvents {
    /** Default spacing of progress events of one (job, output). */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofMillis(250);
    /** Longest reason a {@link JobEvent} carries (the contract's limit is 2000 characters). */
    public static final int MAX_REASON_CHARS = 2000;
    private static final int MAX_TRACKED = 10_000;

    private final Publisher publisher;
    private final Stage stage;
    private final Clock clock;
    private final long intervalNanos;
    private final String topic;
    private final Map<String, Long> lastProgress = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    public JobEvents(Publisher publisher, Stage stage, Clock clock, Duration progressInterval) {
        this(publisher, stage, clock, progressInterval, Topics.JOBS_EVENTS);
    }

    JobEvents(Publisher publisher, Stage stage, Clock clock, Duration progressInterval, String topic) {
        this.publisher = publisher;
        this.stage = stage;
        this.clock = clock;
        this.intervalNanos = progressInterval.toNanos();
        this.topic = topic;
    }

    public Stage stage() {
        return stage;
    }

    /** Progress (0..1) of {@code job}'s output; returns whether an event was sent (throttling). */
    public boolean progress(Delivery<?> job, Integer outputIndex, double progress) {
        return progress(job.jobId(), job.tenant(), outputIndex, progress, job.traceParent(), job.traceState());
    }

    public boolean progress(String jobId, String tenant, Integer outputIndex, double progress, TraceParent trace,
            String traceState) {
        double p = Math.max(0, Math.min(1, progress));
        String key = jobId + ":" + outputIndex;
        long now = System.nanoTime();
        synchronized (lastProgress) {
            Long last = lastProgress.get(key);
            boolean final_ = p >= 1.0;
            if (last != null && !final_ && now - last < intervalNanos) {
                return false;
            }
            if (final_) {
                lastProgress.remove(key);
            } else {
                lastProgress.put(key, now);
            }
        }
        publisher.send(topic, JobEvent.progress(jobId, tenant, stage, outputIndex, p, clock.instant()), trace,
                traceState);
        return true;
    }

    /** The job failed in this stage. */
    public void failed(Delivery<?> job, Integer outputIndex, String reason) {
        failed(job.jobId(), job.tenant(), outputIndex, reason, job.traceParent(), job.traceState());
    }

    public void failed(String jobId, String tenant, Integer outputIndex, String reason, TraceParent trace,
            String traceState) {
        forget(jobId, outputIndex);
        publisher.send(topic, JobEvent.failed(jobId, tenant, stage, outputIndex, reason(reason), clock.instant()),
                trace, traceState);
    }

    /** The stage stopped work on the job because it was cancelled. */
    public void cancelled(Delivery<?> job, String reason) {
        forget(job.jobId(), job.outputIndex());
        publisher.send(topic, JobEvent.cancelled(job.jobId(), job.tenant(), stage, reason == null ? null : reason(reason),
                clock.instant()), job.traceParent(), job.traceState());
    }

    private void forget(String jobId, Integer outputIndex) {
        synchronized (lastProgress) {
            lastProgress.remove(jobId + ":" + outputIndex);
        }
    }

    static String reason(String reason) {
        String r = reason == null || reason.isBlank() ? "unknown error" : reason.strip();
        return r.length() <= MAX_REASON_CHARS ? r : r.substring(0, MAX_REASON_CHARS - 3) + "...";
    }
}
