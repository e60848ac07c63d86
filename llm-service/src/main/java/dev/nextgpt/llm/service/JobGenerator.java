package dev.nextgpt.llm.service;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.ClaimCheckPolicy;
import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.JobEncoded;
import dev.nextgpt.contracts.messages.JobText;
import dev.nextgpt.contracts.messages.Messages;
import dev.nextgpt.contracts.messages.PlannedOutput;
import dev.nextgpt.contracts.messages.SignalsReady;
import dev.nextgpt.contracts.messages.TensorPayload;
import dev.nextgpt.contracts.messages.TextDelta;
import dev.nextgpt.contracts.tensors.FloatTensor;
import dev.nextgpt.contracts.tensors.NamedTensors;
import dev.nextgpt.contracts.tensors.TensorCodec;
import dev.nextgpt.llm.config.LlmConfig;
import dev.nextgpt.llm.model.LanguageModel;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.llm.FinishReason;
import dev.nextgpt.runtime.llm.GenerationParams;
import dev.nextgpt.runtime.llm.GenerationRequest;
import dev.nextgpt.runtime.llm.GenerationResult;
import dev.nextgpt.runtime.llm.LlmTier;
import dev.nextgpt.runtime.llm.Prompt;
import dev.nextgpt.runtime.llm.TokenListener;
import dev.nextgpt.worker.BatchHandler;
import dev.nextgpt.worker.Delivery;
import dev.nextgpt.worker.Outcome;
import dev.nextgpt.worker.StageContext;
import dev.nextgpt.worker.StageFailure;
import dev.nextgpt.worker.TransientFailure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The generate stage on a batch of encoded jobs: one {@link LlmTier#generate} call for the whole batch. While it
 * runs, each job's text goes out as coalesced {@link TextDelta}s, and each signal group as a {@link SignalsReady} on
 * its modality's topic <b>as soon as the group is complete</b> (decoders start before the text ends). After it, one
 * {@link JobText} per job with the final text and every output it announced — sent only once those announcements
 * are acknowledged, so a {@code JobText} never precedes its {@code SignalsReady}.
 */
public final class JobGenerator implements BatchHandler<JobEncoded> {
    private static final TensorCodec CODEC = new TensorCodec();
    /** TextDelta text is limited by the contract; longer pieces are split. */
    private static final int MAX_DELTA_CHARS = 16_000;

    private final LanguageModel model;
    private final ConversationAssembler assembler;
    private final ClaimCheck claims;
    private final LlmConfig config;

    public JobGenerator(LanguageModel model, ClaimCheck claims, LlmConfig config) {
        this.model = model;
        this.claims = claims;
        this.config = config;
        this.assembler = new ConversationAssembler(claims, model.tier().hiddenSize());
    }

    /** The stream of one job of the batch. */
    private final class JobStream {
        final Delivery<JobEncoded> delivery;
        final int batchIndex;
        final StageContext context;
        final Set<Modality> allowed;
        final List<PlannedOutput> planned = new ArrayList<>();
        final List<Future<RecordMetadata>> announcements = new ArrayList<>();
        final StringBuilder pending = new StringBuilder();
        int pendingTokens;
        long sequence;
        long lastFlush = System.nanoTime();
        boolean cancelled;

        JobStream(Delivery<JobEncoded> delivery, int batchIndex, StageContext context) {
            this.delivery = delivery;
            this.batchIndex = batchIndex;
            this.context = context;
            List<Modality> outputs = delivery.message().outputs();
            this.allowed = outputs.isEmpty() ? EnumSet.allOf(Modality.class) : EnumSet.copyOf(outputs);
        }

        boolean stopped() {
            if (!cancelled && context.cancellation().isCancelled(delivery.jobId())) {
                cancelled = true;
            }
            return cancelled;
        }

        void token(String delta) {
            if (stopped()) {
                return;
            }
            pending.append(delta);
            pendingTokens++;
            long now = System.nanoTime();
            if (pending.length() > 0 && (sequence == 0 || pendingTokens >= config.deltaMaxTokens()
                    || now - lastFlush >= config.deltaInterval().toNanos())) {
                flush();
            }
        }

        void flush() {
            if (stopped() || pending.length() == 0) {
                return;
            }
            String text = pending.toString();
            for (int start = 0; start < text.length(); start += MAX_DELTA_CHARS) {
                String piece = text.substring(start, Math.min(text.length(), start + MAX_DELTA_CHARS));
                context.publisher().send(delivery, Topics.JOBS_TEXT, new TextDelta(Messages.SCHEMA, delivery.jobId(),
                        delivery.tenant(), sequence++, piece));
            }
            pending.setLength(0);
            pendingTokens = 0;
            lastFlush = System.nanoTime();
        }

        void signalGroup(SignalGroup group) {
            Modality m = group.modality();
            if (stopped() || !allowed.contains(m) || planned.stream().anyMatch(p -> p.modality() == m)) {
                return;
            }
            int index = 0; // the runtime keeps the first group of a modality; a job has one output per modality
            JobEncoded job = delivery.message();
            long[] shape = {group.tokens(), group.hidden()};
            boolean f32 = config.signalDtype() == LlmConfig.WireDtype.F32;
            float[] embeds = model.signalEmbeddings(m);
            NamedTensors tensors = NamedTensors.of(
                    f32 ? FloatTensor.f32(SignalsReady.SIGNAL_HIDDEN, shape, group.hiddenStates())
                            : FloatTensor.f16(SignalsReady.SIGNAL_HIDDEN, shape, group.hiddenStates()),
                    f32 ? FloatTensor.f32(SignalsReady.SIGNAL_EMBEDS, shape, embeds)
                            : FloatTensor.f16(SignalsReady.SIGNAL_EMBEDS, shape, embeds));
            byte[] blob = CODEC.encode(tensors);
            TensorPayload payload = TensorPayload.of(blob, claims,
                    ClaimCheck.prefixFor(job.tenant(), new IdempotencyKey(job.jobId(), Stage.decode(m), index)),
                    new ClaimCheckPolicy(config.claimCheckThresholdBytes()));
            SignalsReady ready = new SignalsReady(Messages.SCHEMA, job.jobId(), job.tenant(), m, index, payload,
                    job.diffusionFor(m), job.deadline()); // per-modality params and sizes of the request
            announcements.add(context.publisher().send(delivery, Topics.signals(m), ready));
            planned.add(new PlannedOutput(m, index));
        }
    }

    @Override
    public List<Outcome> handle(List<Delivery<JobEncoded>> batch, StageContext context) throws Exception {
        LlmTier tier = model.tier();
        List<Outcome> outcomes = new ArrayList<>();
        List<JobStream> streams = new ArrayList<>();
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Delivery<JobEncoded> d = batch.get(i);
            outcomes.add(Outcome.DONE);
            try {
                Prompt prompt = tier.promptBuilder().build(assembler.assemble(d.message()));
                GenerationParams params = params(d.message());
                int needed = prompt.length() + 1 + params.forcedModalities().stream()
                        .mapToInt(m -> tier.signalTokens().size(m)).sum();
                if (needed > tier.maxPositions()) {
                    throw new StageFailure(d.jobId(), "the conversation takes " + prompt.length()
                            + " positions; with the forced outputs it needs " + needed + ", the context holds "
                            + tier.maxPositions());
                }
                requests.add(new GenerationRequest(prompt, params));
                streams.add(new JobStream(d, i, context));
            } catch (StageFailure f) {
                outcomes.set(i, Outcome.failed(f.reason()));
            } catch (IllegalArgumentException e) {
                outcomes.set(i, Outcome.failed("the prompt cannot be built: " + e.getMessage()));
            }
        }
        if (requests.isEmpty()) {
            return outcomes;
        }
        List<GenerationResult> results = tier.generate(requests, new TokenListener() {
            @Override
            public void onToken(int request, int tokenId, String textDelta) {
                streams.get(request).token(textDelta);
            }

            @Override
            public void onSignalGroup(int request, SignalGroup group) {
                streams.get(request).signalGroup(group);
            }

            @Override
            public void onFinish(int request, GenerationResult result) {
                streams.get(request).flush();
            }
        });
        for (int k = 0; k < streams.size(); k++) {
            JobStream s = streams.get(k);
            GenerationResult r = results.get(k);
            if (s.stopped()) {
                outcomes.set(s.batchIndex, Outcome.cancelled());
                continue;
            }
            for (Future<RecordMetadata> f : s.announcements) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new TransientFailure("a SignalsReady of " + s.delivery.jobId() + " was not acknowledged",
                            e.getCause());
                }
            }
            JobText.FinishReason finish = r.finishReason() == FinishReason.LENGTH
                    ? JobText.FinishReason.LENGTH : JobText.FinishReason.STOP;
            context.publisher().send(s.delivery, Topics.JOBS_TEXT, new JobText(Messages.SCHEMA, s.delivery.jobId(),
                    s.delivery.tenant(), r.text(), s.planned, finish));
        }
        return outcomes;
    }

    /**
     * The bundle's defaults with the job's settings on top; forced outputs are the job's {@code outputs}. A job
     * without a seed gets one derived from its id, so a redelivered job generates the same text and signals.
     */
    GenerationParams params(JobEncoded job) {
        GenerationParams p = model.tier().defaultParams();
        var g = job.generation();
        if (g.maxNewTokens() != null) {
            p = p.withMaxNewTokens(g.maxNewTokens());
        }
        if (g.temperature() != null) {
            p = p.withTemperature(g.temperature());
        }
        if (g.topP() != null) {
            p = p.withTopP(g.topP());
        }
        if (g.topK() != null) {
            p = p.withTopK(g.topK());
        }
        long seed = g.seed() != null ? g.seed()
                : UUID.nameUUIDFromBytes(("seed:" + job.jobId()).getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
        return p.withSeed(seed).withForcedModalities(Set.copyOf(job.outputs()));
    }
}
