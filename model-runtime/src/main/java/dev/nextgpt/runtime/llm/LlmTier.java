package dev.nextgpt.runtime.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.bundle.ModelBundle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reasoning tier of NExT-GPT: prompt assembly, batched generation with a KV cache over the bundle's
 * {@code llm.embed} and {@code llm.forward}, sampling, stop strings, streaming, and signal-token extraction.
 *
 * <h2>Generation</h2>
 * A batch of requests is prefilled in one forward (prompts left-padded, attention mask 0 on the padding, position
 * ids counted per sequence), then decoded one token per sequence per step, each step feeding only the new tokens
 * and the cache of the previous step (the prefix is never recomputed). A finished sequence leaves the batch: its
 * rows are dropped from the cache, and padding columns no remaining sequence needs are trimmed.
 *
 * <h2>Signal tokens</h2>
 * {@link SignalTokens} rules apply to every sampling step: a group can only start with its index-0 token, and once
 * started the rest of the group is forced, so it always completes (if {@code maxNewTokens} ends inside a group, the
 * group is completed anyway). The hidden state of signal token {@code i} is the last-layer hidden state at the
 * position where {@code [XXXi]} is the <em>input</em> token, so it comes from the forward that feeds the token;
 * when generation ends right after a signal token that forward is run anyway. When the caller forces a modality
 * the model did not emit, its whole group is appended after the last generated token (after the stop string, EOS
 * or the last token allowed) and run through the LLM to get its hidden states. <b>If the model emits a modality's
 * group more than once, the first group is kept</b> (the later ones stay in the token ids but yield no
 * {@link SignalGroup}).
 *
 * <h2>Resources</h2>
 * Every call works in its own {@link ModelBundle#newScope()}: all native memory of a batch is freed when it
 * returns, and the cache of each step is released as soon as the next one exists. Thread-safe: concurrent calls
 * run independent batches.
 */
public final class LlmTier {
    private static final Logger LOG = LoggerFactory.getLogger(LlmTier.class);

    private final ModelBundle bundle;
    private final LlmModel model;
    private final SentencePieceTokenizer tokenizer;
    private final SignalTokens signals;
    private final PromptBuilder promptBuilder;
    private final GenerationParams defaults;
    private final int padId;

    /** The LLM tier of a bundle loaded with (at least) {@code ComponentNames.llmTier()}. */
    public LlmTier(ModelBundle bundle) {
        this.bundle = bundle;
        this.model = new LlmModel(bundle);
        this.tokenizer = SentencePieceTokenizer.forBundle(bundle);
        if (tokenizer.vocabSize() != model.vocab) {
            throw new IllegalArgumentException("bundle.json: llm.vocab_size is " + model.vocab + " but the tokenizer has "
                    + tokenizer.vocabSize() + " ids (base vocabulary plus signal tokens)");
        }
        this.signals = SignalTokens.fromManifest(bundle.manifest());
        this.promptBuilder = new PromptBuilder(tokenizer, bundle.manifest().llm().prompt(), model.hidden);
        this.defaults = GenerationParams.defaults(bundle.manifest());
        this.padId = bundle.manifest().tokenizer().padId();
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public SentencePieceTokenizer tokenizer() {
        return tokenizer;
    }

    public SignalTokens signalTokens() {
        return signals;
    }

    public PromptBuilder promptBuilder() {
        return promptBuilder;
    }

    /** The bundle's default parameters ({@link GenerationParams#defaults}). */
    public GenerationParams defaultParams() {
        return defaults;
    }

    /** LLM hidden size H (width of media embeddings and signal hidden states). */
    public int hiddenSize() {
        return model.hidden;
    }

    /** The context length: prompt plus generated tokens must fit in it. */
    public int maxPositions() {
        return model.maxPositions;
    }

    /** Answers one conversation. */
    public GenerationResult generate(Conversation conversation, GenerationParams params) {
        return generate(promptBuilder.build(conversation), params);
    }

    /** Generates for one prompt. */
    public GenerationResult generate(Prompt prompt, GenerationParams params) {
        return generate(List.of(new GenerationRequest(prompt, params)), TokenListener.NONE).get(0);
    }

    /** Generates for a batch of requests in one set of forward passes; results in request order. */
    public List<GenerationResult> generate(List<GenerationRequest> requests, TokenListener listener) {
        return generate(requests, listener, LogitsProcessor.NONE);
    }

    /**
     * Generates for a batch, with a hook on the logits of every sampled token.
     *
     * @throws IllegalArgumentException when a request does not fit the model (prompt longer than the context, ids
     *     outside the vocabulary, media of the wrong width)
     */
    public List<GenerationResult> generate(List<GenerationRequest> requests, TokenListener listener,
                                           LogitsProcessor processor) {
        if (requests == null || requests.isEmpty()) {
            throw new IllegalArgumentException("no generation requests");
        }
        TokenListener sink = listener == null ? TokenListener.NONE : listener;
        LogitsProcessor hook = processor == null ? LogitsProcessor.NONE : processor;
        List<Sequence> sequences = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            validate(i, requests.size(), requests.get(i));
            sequences.add(new Sequence(i, requests.get(i)));
        }
        try (NDManager scope = bundle.newScope()) {
            new Batch(scope, sequences, sink, hook).run();
        }
        List<GenerationResult> results = new ArrayList<>();
        for (Sequence s : sequences) {
            results.add(s.result);
        }
        return results;
    }

    private void validate(int index, int batch, GenerationRequest request) {
        String who = batch == 1 ? "" : "request " + index + ": ";
        Prompt prompt = request.prompt();
        for (PromptSegment segment : prompt.segments()) {
            if (segment instanceof PromptSegment.Tokens t) {
                for (int id : t.ids()) {
                    if (id < 0 || id >= model.vocab) {
                        throw new IllegalArgumentException(who + "prompt token id " + id + " is outside the vocabulary [0, "
                                + model.vocab + ")");
                    }
                }
            } else if (segment instanceof PromptSegment.Media m) {
                MediaEmbedding e = m.embedding();
                if (e.hidden() != model.hidden) {
                    throw new IllegalArgumentException(who + "a " + e.modality().wireName() + " embedding has width " + e.hidden()
                            + ", the LLM's hidden size is " + model.hidden);
                }
            }
        }
        GenerationParams p = request.params();
        int forced = 0;
        for (Modality m : p.forcedModalities()) {
            forced += signals.size(m);
        }
        int length = prompt.length();
        int needed = length + forced + Math.min(1, p.maxNewTokens());
        if (needed > model.maxPositions) {
            StringBuilder msg = new StringBuilder(who).append("prompt too long: it takes ").append(length).append(" positions");
            if (forced > 0) {
                msg.append(", the forced modalities' signal tokens ").append(forced);
            }
            if (p.maxNewTokens() > 0) {
                msg.append(", and at least one new token needs 1 more");
            }
            msg.append(", but the LLM context (max_positions) is ").append(model.maxPositions)
                    .append("; shorten the conversation (drop earlier turns or media)");
            throw new IllegalArgumentException(msg.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------ per sequence

    /** A signal group being filled with hidden states. */
    private static final class GroupBuilder {
        final Modality modality;
        final int[] ids;
        final float[] hidden;
        final boolean forced;

        SignalGroup toSignalGroup(int width) {
            return new SignalGroup(modality, ids.clone(), width, hidden.clone(), forced);
        }

        GroupBuilder(Modality modality, int[] ids, int width, boolean forced) {
            this.modality = modality;
            this.ids = ids;
            this.hidden = new float[ids.length * width];
            this.forced = forced;
        }
    }

    /** One request's generation state. */
    private final class Sequence {
        final int index;
        final Prompt prompt;
        final GenerationParams params;
        final int promptLen;
        final long seed;
        final SplittableRandom rng;
        final SignalTokens.State signal;
        final SentencePieceTokenizer.StreamDecoder decoder = tokenizer.newStreamDecoder();
        final StopStringFilter stop;
        final StringBuilder text = new StringBuilder();
        final List<GroupBuilder> groups = new ArrayList<>();
        final Map<Modality, GroupBuilder> recording = new EnumMap<>(Modality.class);
        int[] ids = new int[32];
        int count;
        FinishReason finish;
        GenerationResult result;

        /** Columns of left padding this sequence has in the batch's KV cache. */
        int pad;
        /** Real tokens in the cache (the position of the next token fed). */
        int cached;
        /** Tokens to feed in the next forward, and where to store their hidden state (group and row, or null/-1). */
        final List<Integer> feed = new ArrayList<>();
        final List<GroupBuilder> feedGroup = new ArrayList<>();
        final List<Integer> feedRow = new ArrayList<>();

        long decodeStartNanos;
        double prefillMs;
        int decodeSteps;

        Sequence(int index, GenerationRequest request) {
            this.index = index;
            this.prompt = request.prompt();
            this.params = request.params();
            this.promptLen = prompt.length();
            this.seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextLong();
            this.rng = new SplittableRandom(seed);
            this.signal = signals.newState(params.forcedModalities());
            this.stop = new StopStringFilter(params.stopStrings());
        }

        boolean finished() {
            return finish != null;
        }

        /** True when the next forward must record a hidden state of this sequence. */
        boolean feedRecords() {
            for (GroupBuilder g : feedGroup) {
                if (g != null) {
                    return true;
                }
            }
            return false;
        }

        /** Chooses the next token from the logits of the last position, or finishes. */
        void step(float[] logits, LogitsProcessor hook, TokenListener listener) {
            if (count >= params.maxNewTokens()) { // max_new_tokens = 0: nothing to generate
                finishWith(FinishReason.LENGTH, listener, -1, "");
                return;
            }
            int token = signal.forcedNext();
            if (token < 0) {
                hook.process(index, count, logits);
                int free = model.maxPositions - (promptLen + count) - signal.reservedForForced();
                signal.constrain(logits, free);
                token = Sampler.sample(logits, params.temperature(), params.topK(), params.topP(), rng);
                if (token < 0) {
                    throw new IllegalStateException("request " + index + ": no token is allowed at step " + count
                            + " (every logit is -inf or NaN)");
                }
            }
            String delta = push(token);
            FinishReason reason = null;
            if (stop.stopped()) {
                reason = FinishReason.STOP;
            } else if (token == tokenizer.eosId()) {
                reason = FinishReason.EOS;
            } else if (count >= params.maxNewTokens()) {
                reason = FinishReason.LENGTH;
            } else if (!signal.inGroup() && promptLen + count + 1 + signal.reservedForForced() > model.maxPositions) {
                reason = FinishReason.LENGTH; // the context is full
            }
            if (reason == null) {
                listener.onToken(index, token, delta);
            } else {
                finishWith(reason, listener, token, delta);
            }
        }

        /** Appends a generated token: ids, signal state, feed, streamed text. Returns the text it releases. */
        private String push(int token) {
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, ids.length * 2);
            }
            ids[count++] = token;
            SignalTokens.Accepted a = signal.accept(token);
            GroupBuilder target = null;
            int row = -1;
            if (a != null && a.firstGroupOfModality()) {
                if (a.index() == 0) {
                    GroupBuilder g = new GroupBuilder(a.modality(), signals.group(a.modality()), model.hidden, false);
                    groups.add(g);
                    recording.put(a.modality(), g);
                }
                target = recording.get(a.modality());
                row = a.index();
            }
            feed.add(token);
            feedGroup.add(target);
            feedRow.add(row);
            String out = stop.push(decoder.next(token));
            text.append(out);
            return out;
        }

        /**
         * Ends generation: completes a started group, appends the groups of forced modalities the model did not
         * emit, flushes the text, and tells the listener about the last tokens.
         */
        private void finishWith(FinishReason reason, TokenListener listener, int lastToken, String lastDelta) {
            finish = reason;
            List<Integer> notify = new ArrayList<>();
            List<String> deltas = new ArrayList<>();
            if (lastToken >= 0) {
                notify.add(lastToken);
                deltas.add(lastDelta);
            }
            while (signal.inGroup()) {
                int t = signal.forcedNext();
                notify.add(t);
                deltas.add(push(t));
            }
            for (Modality m : Modality.values()) {
                if (params.forcedModalities().contains(m) && !signal.started(m)) {
                    GroupBuilder g = new GroupBuilder(m, signals.group(m), model.hidden, true);
                    groups.add(g);
                    for (int i = 0; i < g.ids.length; i++) {
                        feed.add(g.ids[i]);
                        feedGroup.add(g);
                        feedRow.add(i);
                    }
                }
            }
            String rest = stop.push(decoder.finish()) + stop.finish();
            text.append(rest);
            if (!feedRecords()) {
                clearFeed();
            }
            for (int i = 0; i < notify.size(); i++) {
                String d = deltas.get(i) + (i == notify.size() - 1 ? rest : "");
                listener.onToken(index, notify.get(i), d);
            }
            if (notify.isEmpty() && !rest.isEmpty()) {
                throw new IllegalStateException("text left over without a token"); // cannot happen: no token, no text
            }
        }

        void clearFeed() {
            feed.clear();
            feedGroup.clear();
            feedRow.clear();
        }

        /**
         * Stores the hidden states of the fed tokens ({@code hidden} rows of width H from {@code offset}) and tells the
         * listener about every group whose last row this filled, so a decoder can start before the text ends.
         */
        void record(float[] hidden, int offset, TokenListener listener) {
            for (int j = 0; j < feed.size(); j++) {
                GroupBuilder g = feedGroup.get(j);
                if (g != null) {
                    System.arraycopy(hidden, offset + j * model.hidden, g.hidden, feedRow.get(j) * model.hidden, model.hidden);
                    if (feedRow.get(j) == g.ids.length - 1) {
                        listener.onSignalGroup(index, g.toSignalGroup(model.hidden));
                    }
                }
            }
        }

        void complete(TokenListener listener) {
            double decodeMs = (System.nanoTime() - decodeStartNanos) / 1e6;
            List<SignalGroup> out = new ArrayList<>();
            for (GroupBuilder g : groups) {
                out.add(g.toSignalGroup(model.hidden));
            }
            result = new GenerationResult(text.toString(), Arrays.copyOf(ids, count), out, finish, promptLen, count, seed,
                    new GenerationResult.Timings(prefillMs, decodeMs, decodeSteps));
            listener.onFinish(index, result);
        }
    }

    // ------------------------------------------------------------------------------------------------ the batch

    /** One batched generation: prefill, then decode steps until every sequence is finished. */
    private final class Batch {
        final NDManager scope;
        final List<Sequence> all;
        final TokenListener listener;
        final LogitsProcessor hook;
        /** KV cache of the active sequences, [L,2,B,nh,P,hd], owned by {@link #scope}. */
        NDArray past;
        int pastLen;

        Batch(NDManager scope, List<Sequence> all, TokenListener listener, LogitsProcessor hook) {
            this.scope = scope;
            this.all = all;
            this.listener = listener;
            this.hook = hook;
        }

        void run() {
            long started = System.nanoTime();
            float[][] logits = prefill();
            double prefillMs = (System.nanoTime() - started) / 1e6;
            long decodeStart = System.nanoTime();
            for (Sequence s : all) {
                s.prefillMs = prefillMs;
                s.decodeStartNanos = decodeStart;
            }
            List<Sequence> active = new ArrayList<>(all);
            int steps = 0;
            while (!active.isEmpty()) {
                for (int r = 0; r < active.size(); r++) {
                    active.get(r).step(logits[r], hook, listener);
                }
                List<Integer> tails = new ArrayList<>();
                List<Integer> keep = new ArrayList<>();
                for (int r = 0; r < active.size(); r++) {
                    Sequence s = active.get(r);
                    if (!s.finished()) {
                        keep.add(r);
                    } else if (!s.feed.isEmpty()) {
                        tails.add(r);
                    }
                }
                if (!tails.isEmpty()) {
                    runTails(active, toArray(tails));
                }
                for (Sequence s : active) {
                    if (s.finished()) {
                        s.complete(listener);
                    }
                }
                if (keep.isEmpty()) {
                    break;
                }
                logits = decodeStep(active, toArray(keep));
                List<Sequence> next = new ArrayList<>();
                for (int r : keep) {
                    next.add(active.get(r));
                }
                active = next;
                steps++;
            }
            if (past != null) {
                past.close();
            }
            LOG.debug("generated {} sequences in {} decode steps, prefill {} ms", all.size(), steps, prefillMs);
        }

        /** The prompt forward of the whole batch (left-padded); returns each sequence's last-position logits. */
        private float[][] prefill() {
            int batch = all.size();
            int width = 0;
            for (Sequence s : all) {
                width = Math.max(width, s.promptLen);
            }
            try (NDManager step = scope.newSubManager()) {
                // one llm.embed call for all prompt tokens of the batch
                int total = 0;
                for (Sequence s : all) {
                    total += s.prompt.tokenIds().length;
                }
                long[] allIds = new long[total];
                int k = 0;
                for (Sequence s : all) {
                    for (int id : s.prompt.tokenIds()) {
                        allIds[k++] = id;
                    }
                }
                NDArray tokenEmbeds = total == 0 ? null : model.embed(step, allIds, 1, total).reshape(total, model.hidden);
                NDList rows = new NDList();
                long[] mask = new long[batch * width];
                long[] positions = new long[batch * width];
                int offset = 0;
                for (int b = 0; b < batch; b++) {
                    Sequence s = all.get(b);
                    s.pad = width - s.promptLen;
                    s.cached = s.promptLen;
                    NDList parts = new NDList();
                    if (s.pad > 0) {
                        parts.add(step.zeros(new Shape(s.pad, model.hidden), DataType.FLOAT32));
                    }
                    for (PromptSegment segment : s.prompt.segments()) {
                        if (segment instanceof PromptSegment.Tokens t) {
                            parts.add(tokenEmbeds.get(offset + ":" + (offset + t.ids().length)));
                            offset += t.ids().length;
                        } else {
                            MediaEmbedding e = ((PromptSegment.Media) segment).embedding();
                            parts.add(step.create(e.data(), new Shape(e.tokens(), e.hidden())));
                        }
                    }
                    rows.add(NDArrays.concat(parts, 0));
                    for (int j = 0; j < width; j++) {
                        boolean real = j >= s.pad;
                        mask[b * width + j] = real ? 1 : 0;
                        positions[b * width + j] = real ? j - s.pad : 0;
                    }
                }
                NDArray embeds = NDArrays.stack(rows, 0);
                LlmModel.Output out = model.forward(embeds, step.create(mask, new Shape(batch, width)),
                        step.create(positions, new Shape(batch, width)), model.emptyPast(step, batch));
                float[] last = out.logits().get(":, " + (width - 1) + ", :").toFloatArray();
                past = out.present();
                past.attach(scope);
                pastLen = width;
                return split(last, batch, model.vocab);
            }
        }

        /** Feeds each continuing sequence's new token; returns their next logits and keeps their cache. */
        private float[][] decodeStep(List<Sequence> active, int[] rows) {
            int batch = rows.length;
            try (NDManager step = scope.newSubManager()) {
                NDArray cache = cacheFor(step, active, rows);
                int p = pastLen - trim;
                long[] tokens = new long[batch];
                long[] mask = new long[batch * (p + 1)];
                long[] positions = new long[batch];
                boolean recordAny = false;
                for (int i = 0; i < batch; i++) {
                    Sequence s = active.get(rows[i]);
                    if (s.feed.size() != 1) {
                        throw new IllegalStateException("a generating sequence feeds one token per step, has " + s.feed.size());
                    }
                    tokens[i] = s.feed.get(0);
                    int pad = s.pad - trim;
                    Arrays.fill(mask, i * (p + 1) + pad, (i + 1) * (p + 1), 1L);
                    positions[i] = s.cached;
                    recordAny |= s.feedRecords();
                }
                NDArray embeds = model.embed(step, tokens, batch, 1);
                LlmModel.Output out = model.forward(embeds, step.create(mask, new Shape(batch, p + 1)),
                        step.create(positions, new Shape(batch, 1)), cache);
                float[] logits = out.logits().toFloatArray();
                float[] hidden = recordAny ? out.hidden().toFloatArray() : null;
                for (int i = 0; i < batch; i++) {
                    Sequence s = active.get(rows[i]);
                    if (hidden != null) {
                        s.record(hidden, i * model.hidden, listener);
                    }
                    s.pad -= trim;
                    s.cached += 1;
                    s.decodeSteps++;
                    s.clearFeed();
                }
                NDArray present = out.present();
                present.attach(scope);
                past.close();
                past = present;
                pastLen = p + 1;
                return split(logits, batch, model.vocab);
            }
        }

        /** One forward over the tails of finishing sequences (right-padded) to get their last hidden states. */
        private void runTails(List<Sequence> active, int[] rows) {
            int batch = rows.length;
            try (NDManager step = scope.newSubManager()) {
                NDArray cache = cacheFor(step, active, rows);
                int p = pastLen - trim;
                int t = 0;
                for (int r : rows) {
                    t = Math.max(t, active.get(r).feed.size());
                }
                long[] tokens = new long[batch * t];
                long[] mask = new long[batch * (p + t)];
                long[] positions = new long[batch * t];
                Arrays.fill(tokens, padId);
                for (int i = 0; i < batch; i++) {
                    Sequence s = active.get(rows[i]);
                    int n = s.feed.size();
                    int base = i * (p + t);
                    Arrays.fill(mask, base + s.pad - trim, base + p + n, 1L);
                    for (int j = 0; j < t; j++) {
                        if (j < n) {
                            tokens[i * t + j] = s.feed.get(j);
                        }
                        positions[i * t + j] = s.cached + j;
                    }
                }
                NDArray embeds = model.embed(step, tokens, batch, t);
                LlmModel.Output out = model.forward(embeds, step.create(mask, new Shape(batch, p + t)),
                        step.create(positions, new Shape(batch, t)), cache);
                float[] hidden = out.hidden().toFloatArray();
                for (int i = 0; i < batch; i++) {
                    Sequence s = active.get(rows[i]);
                    s.record(hidden, i * t * model.hidden, listener);
                    s.decodeSteps++;
                    s.clearFeed();
                }
            }
        }

        /** Leading cache columns that every selected sequence has as padding (set by {@link #cacheFor}). */
        private int trim;

        /**
         * The cache rows of the selected sequences, without the leading padding columns all of them share; the
         * result belongs to {@code step} unless it is {@link #past} itself.
         */
        private NDArray cacheFor(NDManager step, List<Sequence> active, int[] rows) {
            NDArray selected = LlmModel.selectRows(past, 2, rows);
            if (selected != past) {
                selected.attach(step);
            }
            int minPad = Integer.MAX_VALUE;
            for (int r : rows) {
                minPad = Math.min(minPad, active.get(r).pad);
            }
            trim = minPad;
            if (minPad > 0) {
                NDArray trimmed = selected.get(":, :, :, :, " + minPad + ":, :");
                trimmed.attach(step);
                return trimmed;
            }
            return selected;
        }
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static float[][] split(float[] flat, int rows, int width) {
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(flat, r * width, (r + 1) * width);
        }
        return out;
    }
}
