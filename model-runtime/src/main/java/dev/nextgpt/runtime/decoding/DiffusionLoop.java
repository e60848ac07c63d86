package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.bundle.BundleManifest.DecoderSpec;
import dev.nextgpt.runtime.bundle.Component;
import dev.nextgpt.runtime.bundle.ComponentNames;
import dev.nextgpt.runtime.bundle.ModelBundle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latent diffusion loop of one modality with classifier-free guidance, for a batch of requests that share steps
 * and scheduler:
 *
 * <pre>
 *   x ← initial noise (per request: its seed or explicit noise)
 *   for t in scheduler.timesteps():
 *       drop the requests that are cancelled or past their deadline
 *       [ε_u; ε_c] ← denoiser([x; x], t, [negative; conditioning])      (one batch of 2B)
 *       ε ← ε_u + g (ε_c − ε_u)                                          (g per request)
 *       x ← scheduler.step(ε, x, state)                                  (state per request)
 * </pre>
 *
 * The negative conditioning is {@code decoder.<m>.text_encoder(negative_prompt_ids)}, computed once here. When every
 * request of a step has {@code g = 1} the unconditional half is skipped ({@code ε = ε_c}).
 */
public final class DiffusionLoop {
    private static final Logger LOG = LoggerFactory.getLogger(DiffusionLoop.class);

    private final Modality modality;
    private final DecoderSpec decoder;
    private final Component denoiser;
    private final NoiseSchedule schedule;
    private final long[] latentShape;
    private final Shape conditioningShape;
    /** [1,Q,D], lives in the bundle manager. */
    private final NDArray negativeConditioning;
    private final Clock clock;
    private final Map<BatchKey, Scheduler> schedulers = new ConcurrentHashMap<>();
    private final AtomicLong denoiserCalls = new AtomicLong();

    public DiffusionLoop(ModelBundle bundle, Modality modality) {
        this(bundle, modality, Clock.systemUTC());
    }

    /** With the clock deadlines are compared against. */
    public DiffusionLoop(ModelBundle bundle, Modality modality, Clock clock) {
        this.modality = modality;
        this.decoder = bundle.manifest().decoder(modality);
        this.denoiser = bundle.component(ComponentNames.denoiser(modality));
        this.schedule = NoiseSchedule.of(decoder.scheduler());
        this.latentShape = decoder.latentShape().clone();
        this.conditioningShape = new Shape(1, decoder.queryCount(), decoder.conditioningDim());
        this.clock = clock;
        this.negativeConditioning = encodeNegativePrompt(bundle);
    }

    private NDArray encodeNegativePrompt(ModelBundle bundle) {
        long[] ids = decoder.negativePromptIds();
        if (ids == null || ids.length == 0) {
            throw new IllegalStateException("bundle.json: decoders." + modality.wireName() + ".negative_prompt_ids is missing");
        }
        Component textEncoder = bundle.component(ComponentNames.textEncoder(modality));
        try (NDManager scope = bundle.newScope()) {
            NDArray negative = textEncoder.forward(scope.create(ids, new Shape(1, ids.length)));
            if (!negative.getShape().equals(conditioningShape)) {
                throw new IllegalStateException(textEncoder.name() + " returned " + negative.getShape() + ", expected " + conditioningShape);
            }
            negative.attach(bundle.manager());
            return negative;
        }
    }

    public Modality modality() {
        return modality;
    }

    /** The negative (unconditional) conditioning {@code [1,Q,D]} (bundle-lifetime; do not close). */
    public NDArray negativeConditioning() {
        return negativeConditioning;
    }

    /** One item's latent shape (without batch). */
    public long[] latentShape() {
        return latentShape.clone();
    }

    public NoiseSchedule noiseSchedule() {
        return schedule;
    }

    /** The (shared, immutable) scheduler for a kind and number of steps. */
    public Scheduler scheduler(SchedulerKind kind, int steps) {
        return schedulers.computeIfAbsent(new BatchKey(modality, steps, kind), k -> Scheduler.create(kind, schedule, steps));
    }

    /** How many denoiser batches this loop has run (a metric; tests use it too). */
    public long denoiserCalls() {
        return denoiserCalls.get();
    }

    /**
     * Runs a batch of jobs that share steps and scheduler; returns one outcome per job, in order. Everything is created
     * under {@code scope}; the completed latents live there until it closes.
     */
    public List<DiffusionOutcome> run(NDManager scope, List<DiffusionJob> jobs) {
        Scheduler scheduler = schedulerFor(jobs);
        long started = System.nanoTime();
        List<Slot> slots = new ArrayList<>();
        for (DiffusionJob job : jobs) {
            slots.add(new Slot(job, scope, scheduler));
        }

        List<Slot> active = new ArrayList<>(slots);
        int total = scheduler.steps();
        for (int i = 0; i < total; i++) {
            leaveStopped(active, i, started);
            if (active.isEmpty()) {
                break;
            }
            try (NDManager step = scope.newSubManager()) {
                NDArray x = concat(step, active.stream().map(s -> s.latent).toList());
                NDArray eps = predictGuidedNoise(step, x, active, scheduler.timestep(i));
                for (int k = 0; k < active.size(); k++) {
                    Slot slot = active.get(k);
                    slot.moveTo(scheduler.step(row(eps, k), row(x, k), slot.state));
                }
            }
            for (Slot slot : active) {
                slot.progress(i + 1, total);
            }
        }
        for (Slot slot : active) {
            slot.finish(DecodeStatus.COMPLETED, started);
        }
        List<DiffusionOutcome> outcomes = new ArrayList<>(slots.size());
        for (Slot slot : slots) {
            outcomes.add(slot.outcome);
        }
        return outcomes;
    }

    /** The guided noise prediction {@code ε_u + g (ε_c − ε_u)} for the active requests at timestep {@code t}. */
    private NDArray predictGuidedNoise(NDManager step, NDArray x, List<Slot> active, int t) {
        int b = active.size();
        NDArray conditioning = concat(step, active.stream().map(s -> s.conditioning).toList());
        if (active.stream().allMatch(s -> s.job.params().guidanceScale() == 1.0)) {
            return denoise(step, x, t, conditioning);
        }
        NDArray negative = concat(step, Collections.nCopies(b, negativeConditioning));
        NDArray both = denoise(step, concat(step, List.of(x, x)), t, concat(step, List.of(negative, conditioning)));
        NDArray epsUncond = both.get("0:{}", b);
        NDArray epsCond = both.get("{}:", b);

        float[] scales = new float[b];
        for (int k = 0; k < b; k++) {
            scales[k] = (float) active.get(k).job.params().guidanceScale();
        }
        long[] gShape = new long[latentShape.length + 1];
        Arrays.fill(gShape, 1);
        gShape[0] = b;
        NDArray g = step.create(scales, new Shape(gShape));
        return epsUncond.add(epsCond.sub(epsUncond).mul(g));
    }

    private NDArray denoise(NDManager step, NDArray latents, int t, NDArray conditioning) {
        NDArray timesteps = step.full(new Shape(latents.getShape().get(0)), (float) t);
        NDArray eps = denoiser.forward(new NDList(latents, timesteps, conditioning)).head();
        denoiserCalls.incrementAndGet();
        if (!eps.getShape().equals(latents.getShape())) {
            throw new IllegalStateException(denoiser.name() + " returned " + eps.getShape() + " for latents " + latents.getShape());
        }
        return eps;
    }

    /** Takes out the requests that are past their deadline or cancelled, before step {@code i}. */
    private void leaveStopped(List<Slot> active, int i, long started) {
        Instant now = clock.instant();
        active.removeIf(slot -> {
            DecodeStatus stop = slot.stopReason(now);
            if (stop == null) {
                return false;
            }
            LOG.debug("{} diffusion request leaves the batch before step {}: {}", modality.wireName(), i, stop);
            slot.finish(stop, started);
            return true;
        });
    }

    private Scheduler schedulerFor(List<DiffusionJob> jobs) {
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("no diffusion jobs");
        }
        DiffusionParams first = jobs.get(0).params();
        for (DiffusionJob job : jobs) {
            DiffusionParams p = job.params();
            if (p.steps() != first.steps() || p.scheduler() != first.scheduler()) {
                throw new IllegalArgumentException("the jobs of one batch must share steps and scheduler: "
                        + BatchKey.of(modality, first) + " vs " + BatchKey.of(modality, p));
            }
            p.validateFor(decoder);
            if (job.noise() != null && job.noise().length != latentSize()) {
                throw new IllegalArgumentException("explicit noise has " + job.noise().length + " values, the " + modality.wireName()
                        + " latent " + Arrays.toString(latentShape) + " has " + latentSize());
            }
        }
        return scheduler(first.scheduler(), first.steps());
    }

    private int latentSize() {
        long size = 1;
        for (long d : latentShape) {
            size *= d;
        }
        return Math.toIntExact(size);
    }

    /** Polls a cancellation check; a check that throws is logged and counts as "not cancelled". */
    static boolean isCancelled(BooleanSupplier cancellation) {
        if (cancellation == null) {
            return false;
        }
        try {
            return cancellation.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("cancellation check failed; the request goes on", e);
            return false;
        }
    }

    /** Rows {@code k:k+1} of a batch. */
    private static NDArray row(NDArray batch, int k) {
        return batch.get("{}:{}", k, k + 1);
    }

    /** Concatenation along the batch axis, owned by {@code target} (whatever managers the parts live in). */
    private static NDArray concat(NDManager target, List<NDArray> parts) {
        NDArray out = parts.size() == 1 ? parts.get(0).duplicate() : NDArrays.concat(new NDList(parts), 0);
        out.attach(target);
        return out;
    }

    /** One request in the loop: its latent, scheduler state and the manager holding them. */
    private final class Slot {
        final DiffusionJob job;
        final NDManager manager;
        final SchedulerState state;
        final NDArray conditioning;
        NDArray latent;
        DiffusionOutcome outcome;

        Slot(DiffusionJob job, NDManager scope, Scheduler scheduler) {
            this.job = job;
            this.manager = scope.newSubManager();
            this.state = scheduler.newState(manager);
            this.conditioning = checkedConditioning(job.conditioning());
            float[] noise = job.noise() != null ? job.noise() : SeededNoise.gaussian(job.params().seed(), latentSize());
            long[] shape = new long[latentShape.length + 1];
            shape[0] = 1;
            System.arraycopy(latentShape, 0, shape, 1, latentShape.length);
            this.latent = manager.create(noise, new Shape(shape));
        }

        private NDArray checkedConditioning(NDArray c) {
            NDArray out = c;
            if (c.getShape().dimension() == 2) {
                out = c.expandDims(0);
                out.attach(manager);
            }
            if (!out.getShape().equals(conditioningShape)) {
                throw new IllegalArgumentException(modality.wireName() + " conditioning must be " + conditioningShape + ", got " + c.getShape());
            }
            if (out.getDataType() != DataType.FLOAT32) {
                out = out.toType(DataType.FLOAT32, false);
                out.attach(manager);
            }
            return out;
        }

        DecodeStatus stopReason(Instant now) {
            if (job.deadline() != null && !now.isBefore(job.deadline())) {
                return DecodeStatus.DEADLINE_EXCEEDED;
            }
            return isCancelled(job.cancellation()) ? DecodeStatus.CANCELLED : null;
        }

        void moveTo(NDArray next) {
            next.attach(manager);
            latent.close();
            latent = next;
        }

        void progress(int step, int total) {
            if (job.progress() != null) {
                try {
                    job.progress().onStep(step, total);
                } catch (RuntimeException e) {
                    LOG.warn("progress listener failed at step {}/{}", step, total, e);
                }
            }
        }

        void finish(DecodeStatus status, long started) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            int steps = state.stepIndex();
            state.close();
            if (status == DecodeStatus.COMPLETED) {
                outcome = new DiffusionOutcome(status, latent, steps, elapsed);
            } else {
                manager.close(); // frees this request's latent and state now; the others go on
                latent = null;
                outcome = new DiffusionOutcome(status, null, steps, elapsed);
            }
        }
    }
}
