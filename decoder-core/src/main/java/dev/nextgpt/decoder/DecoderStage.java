package dev.nextgpt.decoder;

import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.objectstore.ObjectKeys;
import dev.nextgpt.runtime.decoding.DecodeRequest;
import dev.nextgpt.runtime.decoding.DecodedMedia;
import dev.nextgpt.runtime.decoding.ModalityDecoder;
import dev.nextgpt.runtime.decoding.ProgressListener;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoder stage: accepted tasks → denoiser batches → media file → object store → the outcome to announce.
 *
 * <p>Per batch it runs {@link ModalityDecoder#decode} with each task's deadline, a cancellation check per step and a
 * throttled progress listener; each completed output is encoded, the cancellation view is asked once more (nothing
 * is stored after a cancel), the file is put at its deterministic key with its content type and SHA-256, and progress
 * 1.0 is published. The caller produces each outcome's message and only then commits the records.
 *
 * <p>A failure of the object store is not an outcome: it propagates, the records stay uncommitted and are delivered
 * again (same key, same bytes).
 */
public final class DecoderStage {
    private static final Logger LOG = LoggerFactory.getLogger(DecoderStage.class);

    private final ModalityDecoder decoder;
    private final DecoderSettings settings;
    private final CancellationCheck cancellation;
    private final ArtifactStore store;
    private final ProgressSink progress;
    private final DecoderMetrics metrics;
    private final DecodeEvents events;
    private final ArtifactEncoder encoder = new ArtifactEncoder();

    public DecoderStage(ModalityDecoder decoder, DecoderSettings settings, CancellationCheck cancellation,
            ArtifactStore store, ProgressSink progress, DecoderMetrics metrics, Clock clock) {
        if (decoder.modality() != settings.modality()) {
            throw new IllegalArgumentException("a " + decoder.modality().wireName() + " decoder for the "
                    + settings.modality().wireName() + " stage");
        }
        this.decoder = decoder;
        this.settings = settings;
        this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
        this.store = Objects.requireNonNull(store, "store");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.events = new DecodeEvents(clock);
    }

    public DecodeEvents events() {
        return events;
    }

    public DecoderMetrics metrics() {
        return metrics;
    }

    /** Runs the tasks in batches of compatible ones; one outcome per task, in the tasks' order. */
    public List<DecodeOutcome> process(List<DecodeTask> tasks) {
        DecodeOutcome[] outcomes = new DecodeOutcome[tasks.size()];
        for (List<Integer> batch : BatchPlan.of(tasks, settings.maxBatch())) {
            List<DecodeTask> members = batch.stream().map(tasks::get).toList();
            List<DecodeOutcome> done = runBatch(members);
            for (int k = 0; k < batch.size(); k++) {
                outcomes[batch.get(k)] = done.get(k);
            }
        }
        return List.of(outcomes);
    }

    private List<DecodeOutcome> runBatch(List<DecodeTask> tasks) {
        long start = System.nanoTime();
        List<DecodeRequest> requests = new ArrayList<>(tasks.size());
        ProgressThrottle[] throttles = new ProgressThrottle[tasks.size()];
        Map<String, Integer> positions = new HashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            DecodeTask task = tasks.get(k);
            String jobId = task.jobId();
            String id = k + "/" + task.work();
            positions.put(id, k);
            requests.add(DecodeRequest.of(id, task.signals(), task.params())
                    .withDeadline(task.message().deadline())
                    .withCancellation(() -> cancellation.isCancelled(jobId)));
            throttles[k] = new ProgressThrottle(settings.progressInterval());
        }
        ProgressListener listener = (request, step, total) -> {
            int k = positions.get(request.id());
            double fraction = throttles[k].onStep(step, total, System.nanoTime());
            if (fraction >= 0) {
                publishProgress(tasks.get(k), fraction);
            }
        };

        metrics.batch(tasks.size());
        List<DecodedMedia> results;
        try {
            results = decoder.decode(requests, listener);
        } catch (RuntimeException e) {
            LOG.error("decoding batch {} failed", tasks, e);
            List<DecodeOutcome> failed = new ArrayList<>();
            for (DecodeTask task : tasks) {
                failed.add(fail(task, "decoder error: " + e.getMessage(), "decoder_error", start));
            }
            return failed;
        }

        long steps = results.stream().mapToLong(DecodedMedia::stepsCompleted).sum();
        Duration denoise = results.stream().map(r -> r.timings().denoise()).max(Duration::compareTo).orElse(Duration.ZERO);
        metrics.steps(steps, denoise);

        List<DecodeOutcome> outcomes = new ArrayList<>(tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            outcomes.add(finish(tasks.get(k), results.get(k), start));
        }
        LOG.info("decoded batch of {} ({}) in {} ms: {}", tasks.size(), tasks.get(0).batchKey(),
                (System.nanoTime() - start) / 1_000_000, outcomes.stream().map(DecoderStage::describe).toList());
        return outcomes;
    }

    private DecodeOutcome finish(DecodeTask task, DecodedMedia media, long start) {
        SignalsReady r = task.message();
        switch (media.status()) {
            case CANCELLED -> {
                return cancel(task, "cancelled after " + media.stepsCompleted() + " of " + task.params().steps() + " steps",
                        media.stepsCompleted(), start);
            }
            case DEADLINE_EXCEEDED -> {
                return fail(task, DecodeEvents.DEADLINE_EXCEEDED, "deadline", start);
            }
            case COMPLETED -> {
                // completed below
            }
        }
        Artifact artifact;
        try {
            artifact = encoder.encode(media);
        } catch (RuntimeException e) {
            LOG.error("encoding {} failed", task, e);
            return fail(task, "encoding " + ObjectKeys.extension(r.modality()) + " failed: " + e.getMessage(),
                    "encoder_error", start);
        }
        if (cancellation.isCancelled(task.jobId())) {
            return cancel(task, "cancelled before the artifact was stored", media.stepsCompleted(), start);
        }
        store.put(task.objectKey(), artifact.bytes(), artifact.contentType());
        metrics.stored(artifact.size());
        publishProgress(task, 1.0);
        metrics.stage("stored", Duration.ofNanos(System.nanoTime() - start));
        return new DecodeOutcome.Stored(task, events.stored(task, artifact), media.stepsCompleted());
    }

    private DecodeOutcome cancel(DecodeTask task, String reason, int steps, long start) {
        metrics.cancelled();
        metrics.stage("cancelled", Duration.ofNanos(System.nanoTime() - start));
        return new DecodeOutcome.Cancelled(task, events.cancelled(task.message(), reason), steps);
    }

    private DecodeOutcome fail(DecodeTask task, String reason, String kind, long start) {
        metrics.failed(kind);
        metrics.stage("failed", Duration.ofNanos(System.nanoTime() - start));
        return new DecodeOutcome.Failed(task, events.failed(task.message(), reason));
    }

    private void publishProgress(DecodeTask task, double fraction) {
        try {
            progress.publish(task, events.progress(task.message(), fraction));
        } catch (RuntimeException e) {
            // progress is advisory: a failed publish must not fail the output
            LOG.warn("progress of {} not published: {}", task.work(), e.toString());
        }
    }

    private static String describe(DecodeOutcome o) {
        String what;
        if (o instanceof DecodeOutcome.Stored s) {
            what = "stored " + s.message().objectKey();
        } else if (o instanceof DecodeOutcome.Failed f) {
            what = "failed: " + f.message().reason();
        } else {
            what = "cancelled";
        }
        return o.task().work() + " " + what;
    }
}
