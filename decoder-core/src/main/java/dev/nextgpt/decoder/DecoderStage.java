package dev.nextgpt.decoder;

import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.OutputStored;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.objectstore.ObjectKeys;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.decoding.DecodeRequest;
import dev.nextgpt.runtime.decoding.DecodedMedia;
import dev.nextgpt.runtime.decoding.DiffusionParams;
import dev.nextgpt.runtime.decoding.ModalityDecoder;
import dev.nextgpt.runtime.decoding.ProgressListener;
import dev.nextgpt.worker.TransientFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoder stage: accepted tasks → denoiser batches → media file → object store → the outcome to announce.
 *
 * <p>An output whose artifact is already stored (an earlier delivery got that far) is announced again from the
 * store and not decoded: a redelivery never rewrites an artifact nor changes its announcement. The others run per batch
 * of compatible tasks ({@link BatchPlan}), padded to {@code max-batch} with filler requests when
 * {@link DecoderSettings#padBatches()} (so each output's bytes are those it has alone), through
 * {@link ModalityDecoder#decode} with each task's deadline, a cancellation check per step and progress per step; each
 * completed output is encoded, the cancellation view is asked once more (nothing is stored after a cancel), the file
 * is put at its deterministic key, and progress 1.0 is reported. The caller produces each
 * {@link DecodeOutcome.Stored#message()} and only then commits the records.
 *
 * <p>A failing object store is not an outcome: the store's exception propagates (the service turns it into a
 * {@link TransientFailure}), the records stay uncommitted and are delivered again: same key, same bytes.
 */
public final class DecoderStage {
    /** The share of an output's progress the diffusion steps cover; VAE, encoding and storing are the rest. */
    public static final double DIFFUSION_SHARE = 0.95;
    /** Reason of the failure when the job's deadline passed during decoding. */
    public static final String DEADLINE_EXCEEDED = "deadline exceeded";
    /** Guidance of filler requests: not 1, so a padded batch always runs the unconditional half (one shape for all). */
    static final double FILLER_GUIDANCE = 2.0;

    private static final Logger LOG = LoggerFactory.getLogger(DecoderStage.class);

    private final ModalityDecoder decoder;
    private final int maxBatch;
    private final boolean padBatches;
    private final CancellationCheck cancellation;
    private final ArtifactStore store;
    private final DecoderMetrics metrics;
    private final ArtifactEncoder encoder = new ArtifactEncoder();
    private volatile boolean handingBack;

    public DecoderStage(ModalityDecoder decoder, DecoderSettings settings, CancellationCheck cancellation, ArtifactStore store,
            DecoderMetrics metrics) {
        if (decoder.modality() != settings.modality()) {
            throw new IllegalArgumentException("a " + decoder.modality().wireName() + " decoder for the "
                    + settings.modality().wireName() + " stage");
        }
        this.decoder = decoder;
        this.maxBatch = settings.maxBatch();
        this.padBatches = settings.padBatches();
        this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
        this.store = Objects.requireNonNull(store, "store");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    public DecoderMetrics metrics() {
        return metrics;
    }

    /**
     * Stops the batch in progress within a step and makes {@link #process} throw {@link TransientFailure}: nothing
     * is stored or announced, nothing committed; the records go to another instance (graceful shutdown that ran out
     * of time).
     */
    public void handBack() {
        handingBack = true;
    }

    /** Runs the tasks in batches of compatible ones; one outcome per task, in the tasks' order. */
    public List<DecodeOutcome> process(List<DecodeTask> tasks, ProgressSink progress) {
        DecodeOutcome[] outcomes = new DecodeOutcome[tasks.size()];
        List<DecodeTask> toDecode = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            DecodeTask task = tasks.get(i);
            Optional<ArtifactStore.StoredObject> stored = store.find(task.objectKey());
            if (stored.isPresent()) {
                outcomes[i] = alreadyStored(task, stored.get(), progress);
            } else {
                toDecode.add(task);
                positions.add(i);
            }
        }
        for (List<Integer> batch : BatchPlan.of(toDecode, maxBatch)) {
            List<DecodeOutcome> done = runBatch(batch.stream().map(toDecode::get).toList(), progress);
            for (int k = 0; k < batch.size(); k++) {
                outcomes[positions.get(batch.get(k))] = done.get(k);
            }
        }
        return List.of(outcomes);
    }

    private DecodeOutcome alreadyStored(DecodeTask task, ArtifactStore.StoredObject stored, ProgressSink progress) {
        SignalsReady r = task.message();
        LOG.info("{} is already stored at {} ({} bytes): announcing it again", task.work(), task.objectKey(), stored.size());
        metrics.alreadyStored();
        report(progress, task, 1.0);
        return new DecodeOutcome.Stored(task, new OutputStored(Messages.SCHEMA, r.jobId(), r.tenant(), r.modality(),
                r.outputIndex(), task.objectKey(), stored.contentType(), stored.size(), stored.sha256()), 0);
    }

    private List<DecodeOutcome> runBatch(List<DecodeTask> tasks, ProgressSink progress) {
        requireNotHandingBack();
        long start = System.nanoTime();
        List<DecodeRequest> requests = new ArrayList<>(tasks.size());
        Map<String, DecodeTask> byId = new HashMap<>();
        for (int k = 0; k < tasks.size(); k++) {
            DecodeTask task = tasks.get(k);
            String id = k + "/" + task.work();
            String jobId = task.jobId();
            byId.put(id, task);
            requests.add(DecodeRequest.of(id, task.signals(), task.params())
                    .withDeadline(task.message().deadline())
                    .withCancellation(() -> handingBack || cancellation.isCancelled(jobId)));
        }
        if (padBatches) {
            DecodeTask first = tasks.get(0);
            SignalGroup zeros = new SignalGroup(first.signals().modality(), first.signals().tokenIds(),
                    first.signals().hidden(), new float[first.signals().hiddenStates().length], false);
            DiffusionParams filler = new DiffusionParams(first.params().steps(), FILLER_GUIDANCE, 0, first.params().scheduler());
            for (int k = tasks.size(); k < maxBatch; k++) {
                requests.add(DecodeRequest.of("filler/" + k, zeros, filler));
            }
        }
        ProgressListener listener = (request, step, total) -> {
            DecodeTask task = byId.get(request.id());
            if (task != null) {
                report(progress, task, DIFFUSION_SHARE * step / total);
            }
        };

        metrics.batch(tasks.size());
        List<DecodedMedia> results;
        try {
            results = decoder.decode(requests, listener);
        } catch (RuntimeException e) {
            requireNotHandingBack();   // an error while stopping is not the jobs' failure
            LOG.error("decoding batch {} failed", tasks, e);
            return tasks.stream().map(t -> fail(t, "decoder error: " + e.getMessage(), "decoder_error", start)).toList();
        }
        requireNotHandingBack();

        results = results.subList(0, tasks.size());   // the fillers' results are dropped
        long steps = results.stream().mapToLong(DecodedMedia::stepsCompleted).sum();
        Duration denoise = results.stream().map(r -> r.timings().denoise()).max(Duration::compareTo).orElse(Duration.ZERO);
        metrics.steps(steps, denoise);

        List<DecodeOutcome> outcomes = new ArrayList<>(tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            outcomes.add(finish(tasks.get(k), results.get(k), progress, start));
        }
        LOG.info("decoded a batch of {} ({}) in {} ms: {}", tasks.size(), tasks.get(0).batchKey(),
                (System.nanoTime() - start) / 1_000_000, outcomes.stream().map(DecoderStage::describe).toList());
        return outcomes;
    }

    private DecodeOutcome finish(DecodeTask task, DecodedMedia media, ProgressSink progress, long start) {
        switch (media.status()) {
            case CANCELLED -> {
                return cancel(task, media.stepsCompleted(), start);
            }
            case DEADLINE_EXCEEDED -> {
                return fail(task, DEADLINE_EXCEEDED, "deadline", start);
            }
            case COMPLETED -> {
                // encoded and stored below
            }
        }
        Artifact artifact;
        try {
            artifact = encoder.encode(media);
        } catch (RuntimeException e) {
            LOG.error("encoding {} failed", task, e);
            return fail(task, "encoding " + ObjectKeys.extension(media.modality()) + " failed: " + e.getMessage(),
                    "encoder_error", start);
        }
        requireNotHandingBack();
        if (cancellation.isCancelled(task.jobId())) {
            return cancel(task, media.stepsCompleted(), start);   // the last look before anything leaves this process
        }
        store.put(task.objectKey(), artifact.bytes(), artifact.contentType());
        metrics.stored(artifact.size());
        report(progress, task, 1.0);
        metrics.stage("stored", Duration.ofNanos(System.nanoTime() - start));
        return new DecodeOutcome.Stored(task, announcement(task, artifact), media.stepsCompleted());
    }

    /** The {@code OutputStored} of a stored artifact: the same for every delivery of the same request. */
    static OutputStored announcement(DecodeTask task, Artifact artifact) {
        SignalsReady r = task.message();
        return new OutputStored(Messages.SCHEMA, r.jobId(), r.tenant(), r.modality(), r.outputIndex(), task.objectKey(),
                artifact.contentType(), artifact.size(), artifact.sha256());
    }

    private void requireNotHandingBack() {
        if (handingBack) {
            throw new TransientFailure("shutting down: the batch is handed back uncommitted", null);
        }
    }

    private DecodeOutcome cancel(DecodeTask task, int steps, long start) {
        metrics.cancelled();
        metrics.stage("cancelled", Duration.ofNanos(System.nanoTime() - start));
        return new DecodeOutcome.Cancelled(task, steps);
    }

    private DecodeOutcome fail(DecodeTask task, String reason, String kind, long start) {
        metrics.failed(kind);
        metrics.stage("failed", Duration.ofNanos(System.nanoTime() - start));
        return new DecodeOutcome.Failed(task, reason);
    }

    private static void report(ProgressSink progress, DecodeTask task, double fraction) {
        try {
            progress.progress(task, fraction);
        } catch (RuntimeException e) {
            // progress is advisory: a failed publish must not fail the output
            LOG.warn("progress of {} not reported: {}", task.work(), e.toString());
        }
    }

    private static String describe(DecodeOutcome o) {
        String what;
        if (o instanceof DecodeOutcome.Stored s) {
            what = "stored " + s.message().objectKey();
        } else if (o instanceof DecodeOutcome.Failed f) {
            what = "failed: " + f.reason();
        } else {
            what = "cancelled after " + ((DecodeOutcome.Cancelled) o).stepsCompleted() + " of " + o.task().params().steps()
                    + " steps";
        }
        return o.task().work() + " " + what;
    }
}
