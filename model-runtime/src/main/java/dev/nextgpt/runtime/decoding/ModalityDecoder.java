package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.bundle.BundleManifest.DecoderSpec;
import dev.nextgpt.runtime.bundle.BundleManifest.OutputSpec;
import dev.nextgpt.runtime.bundle.ModelBundle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoding tier of one modality: signal group → output projection → guided latent diffusion → VAE (→ vocoder).
 * Built once from a loaded bundle (which needs {@code ComponentNames.decodingTier(modality)}); everything computed
 * once (signal-token embeddings, negative conditioning) stays in the bundle's manager, each {@link #decode} call runs
 * in its own {@link ModelBundle#newScope() scope}. The decoder keeps no per-call state.
 */
public final class ModalityDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ModalityDecoder.class);

    private final ModelBundle bundle;
    private final Modality modality;
    private final DecoderSpec spec;
    private final OutputProjection projection;
    private final DiffusionLoop diffusion;
    private final LatentDecoder latentDecoder;
    private final Clock clock;

    public ModalityDecoder(ModelBundle bundle, Modality modality) {
        this(bundle, modality, Clock.systemUTC());
    }

    /** With the clock deadlines are compared against. */
    public ModalityDecoder(ModelBundle bundle, Modality modality, Clock clock) {
        this.bundle = bundle;
        this.modality = modality;
        this.spec = bundle.manifest().decoder(modality);
        this.clock = clock;
        this.projection = new OutputProjection(bundle, modality);
        this.diffusion = new DiffusionLoop(bundle, modality, clock);
        this.latentDecoder = new LatentDecoder(bundle, modality);
    }

    public Modality modality() {
        return modality;
    }

    /** The manifest section of this decoder (dims, defaults, limits, output). */
    public DecoderSpec spec() {
        return spec;
    }

    public OutputProjection projection() {
        return projection;
    }

    public DiffusionLoop diffusion() {
        return diffusion;
    }

    public LatentDecoder latentDecoder() {
        return latentDecoder;
    }

    /** The manifest defaults with a seed. */
    public DiffusionParams defaultParams(long seed) {
        return DiffusionParams.defaults(spec, seed);
    }

    /**
     * Checks a request before it is queued: modality, a complete signal group, parameters within the manifest's limits
     * and explicit noise of the right size. Returns it; an {@link IllegalArgumentException} says what is wrong.
     */
    public DecodeRequest validate(DecodeRequest request) {
        if (request.modality() != modality) {
            throw new IllegalArgumentException("request " + request.id() + " is for " + request.modality().wireName()
                    + ", this decoder makes " + modality.wireName());
        }
        projection.validate(request.signals());
        request.params().validateFor(spec);
        long size = Arrays.stream(spec.latentShape()).reduce(1, (a, b) -> a * b);
        if (request.noise() != null && request.noise().length != size) {
            throw new IllegalArgumentException("request " + request.id() + ": explicit noise has " + request.noise().length
                    + " values, the " + modality.wireName() + " latent " + Arrays.toString(spec.latentShape()) + " has " + size);
        }
        return request;
    }

    /** {@link #decode(List, ProgressListener)} without progress reports. */
    public List<DecodedMedia> decode(List<DecodeRequest> requests) {
        return decode(requests, ProgressListener.NONE);
    }

    /**
     * Decodes requests of this modality; returns one result per request, in order. Requests that share a
     * {@link BatchKey} run as one batch (call with requests of one key to control batching). All requests are
     * validated before any runs. A request already cancelled or past its deadline does not run at all.
     */
    public List<DecodedMedia> decode(List<DecodeRequest> requests, ProgressListener listener) {
        requests.forEach(this::validate);
        Map<BatchKey, List<Integer>> batches = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            batches.computeIfAbsent(requests.get(i).batchKey(), k -> new ArrayList<>()).add(i);
        }
        DecodedMedia[] results = new DecodedMedia[requests.size()];
        for (List<Integer> batch : batches.values()) {
            List<DecodeRequest> members = batch.stream().map(requests::get).toList();
            List<DecodedMedia> decoded = decodeBatch(members, listener);
            for (int k = 0; k < batch.size(); k++) {
                results[batch.get(k)] = decoded.get(k);
            }
        }
        return List.of(results);
    }

    /** One batch: every request shares the batch key. */
    private List<DecodedMedia> decodeBatch(List<DecodeRequest> requests, ProgressListener listener) {
        DecodedMedia[] results = new DecodedMedia[requests.size()];
        List<Integer> running = new ArrayList<>();
        Instant now = clock.instant();
        for (int i = 0; i < requests.size(); i++) {
            DecodeRequest r = requests.get(i);
            if (r.deadline() != null && !now.isBefore(r.deadline())) {
                results[i] = DecodedMedia.unfinished(r, DecodeStatus.DEADLINE_EXCEEDED, 0, DecodeTimings.NONE);
            } else if (DiffusionLoop.isCancelled(r.cancellation())) {
                results[i] = DecodedMedia.unfinished(r, DecodeStatus.CANCELLED, 0, DecodeTimings.NONE);
            } else {
                running.add(i);
            }
        }
        if (running.isEmpty()) {
            return List.of(results);
        }

        try (NDManager scope = bundle.newScope()) {
            // 1. signal hidden states → conditioning [B,Q,D]
            long t0 = System.nanoTime();
            List<SignalGroup> groups = running.stream().map(i -> requests.get(i).signals()).toList();
            NDArray conditioning = projection.project(scope, groups);
            Duration projectionTime = Duration.ofNanos(System.nanoTime() - t0);

            // 2. guided diffusion, each request with its own noise, guidance, deadline and cancellation
            List<DiffusionJob> jobs = new ArrayList<>();
            for (int k = 0; k < running.size(); k++) {
                DecodeRequest r = requests.get(running.get(k));
                jobs.add(new DiffusionJob(conditioning.get("{}:{}", k, k + 1), r.params(), r.noise(), r.deadline(),
                        r.cancellation(), (step, total) -> listener.onStep(r, step, total)));
            }
            List<DiffusionOutcome> outcomes = diffusion.run(scope, jobs);

            // 3. VAE (and vocoder) on the completed latents, as one batch
            List<Integer> completed = new ArrayList<>();
            for (int k = 0; k < running.size(); k++) {
                DiffusionOutcome o = outcomes.get(k);
                DecodeRequest r = requests.get(running.get(k));
                if (o.completed()) {
                    completed.add(k);
                } else {
                    results[running.get(k)] = DecodedMedia.unfinished(r, o.status(), o.stepsCompleted(),
                            new DecodeTimings(projectionTime, o.elapsed(), Duration.ZERO, Duration.ZERO));
                }
            }
            if (!completed.isEmpty()) {
                NDList latents = new NDList();
                completed.forEach(k -> latents.add(outcomes.get(k).latent()));
                NDArray batch = latents.size() == 1 ? latents.head() : NDArrays.concat(latents, 0);
                LatentDecoder.Result media = latentDecoder.decode(batch);
                long[] itemShape = Arrays.copyOfRange(media.media().getShape().getShape(), 1, media.media().getShape().dimension());
                for (int j = 0; j < completed.size(); j++) {
                    int k = completed.get(j);
                    DecodeRequest r = requests.get(running.get(k));
                    DiffusionOutcome o = outcomes.get(k);
                    float[] data = media.media().get(j).toFloatArray();
                    results[running.get(k)] = completedMedia(r, data, itemShape, o.stepsCompleted(),
                            new DecodeTimings(projectionTime, o.elapsed(), media.vae(), media.vocoder()));
                }
            }
        }
        if (LOG.isDebugEnabled()) {
            for (DecodedMedia m : results) {
                LOG.debug("{}", m);
            }
        }
        return List.of(results);
    }

    private DecodedMedia completedMedia(DecodeRequest r, float[] data, long[] shape, int steps, DecodeTimings timings) {
        OutputSpec out = spec.output();
        int sampleRate = modality == Modality.AUDIO && out != null && out.sampleRate() != null ? out.sampleRate() : 0;
        int fps = modality == Modality.VIDEO && out != null && out.fps() != null ? out.fps() : 0;
        return new DecodedMedia(r.id(), modality, DecodeStatus.COMPLETED, data, shape, sampleRate, fps, steps, timings);
    }
}
