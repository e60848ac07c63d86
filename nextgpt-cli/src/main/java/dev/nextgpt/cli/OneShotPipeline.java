package dev.nextgpt.cli;

import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.bundle.BundleLoader;
import dev.nextgpt.runtime.bundle.ModelBundle;
import dev.nextgpt.runtime.decoding.DecodeRequest;
import dev.nextgpt.runtime.decoding.DecodedMedia;
import dev.nextgpt.runtime.decoding.DiffusionParams;
import dev.nextgpt.runtime.decoding.ModalityDecoder;
import dev.nextgpt.runtime.encoding.EncodingTier;
import dev.nextgpt.runtime.llm.Conversation;
import dev.nextgpt.runtime.llm.GenerationParams;
import dev.nextgpt.runtime.llm.GenerationRequest;
import dev.nextgpt.runtime.llm.GenerationResult;
import dev.nextgpt.runtime.llm.LlmTier;
import dev.nextgpt.runtime.llm.TokenListener;
import dev.nextgpt.runtime.llm.UserMessage;
import dev.nextgpt.runtime.media.MediaDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * All three tiers of a bundle in one JVM, the way the services will chain them over Kafka: encode the media, generate
 * text and signal groups, decode each group into media. Used by {@code run}, {@code bench} and {@code eval}.
 */
final class OneShotPipeline implements AutoCloseable {
    private final ModelBundle bundle;
    private final EncodingTier encoding;
    private final LlmTier llm;
    private final Map<Modality, ModalityDecoder> decoders = new EnumMap<>(Modality.class);
    final double loadMs;

    OneShotPipeline(Path bundleDir) {
        long t0 = System.nanoTime();
        this.bundle = BundleLoader.loadAll(bundleDir);
        this.encoding = new EncodingTier(bundle, new MediaDecoder());
        this.llm = new LlmTier(bundle);
        for (Modality m : Modality.values()) {
            decoders.put(m, new ModalityDecoder(bundle, m));
        }
        this.loadMs = Stopwatch.ms(t0);
    }

    ModelBundle bundle() {
        return bundle;
    }

    EncodingTier encoding() {
        return encoding;
    }

    LlmTier llm() {
        return llm;
    }

    ModalityDecoder decoder(Modality m) {
        return decoders.get(m);
    }

    /** One media input of a request, read from a file. */
    record MediaInput(Modality modality, Path file, byte[] bytes) {}

    /**
     * What a one-shot run asks for: the new user message ({@code text} and {@code media}), the conversation before it
     * ({@code history}, oldest first; empty for a single turn) and how to generate and decode.
     */
    record Request(String text, List<MediaInput> media, List<HistoryTurn> history, GenerationParams generation,
            DiffusionOverrides diffusion) {
        Request {
            media = List.copyOf(media);
            history = history == null ? List.of() : List.copyOf(history);
        }

        /** Every media input in encoding order: each history turn's, oldest first, then the new message's. */
        List<MediaInput> allMedia() {
            List<MediaInput> all = new ArrayList<>();
            history.forEach(turn -> all.addAll(turn.media()));
            all.addAll(media);
            return all;
        }
    }

    /**
     * One past exchange of a request's conversation: what the user said (its media still to be encoded, like the new
     * message's) and what the assistant answered. Becomes a {@link Conversation.Turn} once the media are encoded.
     */
    record HistoryTurn(String text, List<MediaInput> media, String answer) {
        HistoryTurn {
            text = text == null ? "" : text;
            media = media == null ? List.of() : List.copyOf(media);
            answer = answer == null ? "" : answer;
        }
    }

    /** Diffusion parameters given on the command line (null: the bundle's default). */
    record DiffusionOverrides(Integer steps, Double guidance, String scheduler, long seed) {
        DiffusionParams apply(ModalityDecoder decoder) {
            DiffusionParams p = decoder.defaultParams(seed);
            if (steps != null) {
                p = p.withSteps(steps);
            }
            if (guidance != null) {
                p = p.withGuidanceScale(guidance);
            }
            if (scheduler != null) {
                p = p.withScheduler(dev.nextgpt.runtime.decoding.SchedulerKind.fromKey(scheduler));
            }
            return p.validateFor(decoder.spec());
        }
    }

    /** The outcome of a request, and the time each stage of its batch took. */
    record Result(GenerationResult generation, List<DecodedMedia> media, Stopwatch timings) {}

    /** Runs requests as one batch per tier (the benchmark's batch; {@code run} uses a batch of one). */
    List<Result> run(List<Request> requests, TokenListener listener) {
        Stopwatch batchClock = new Stopwatch();

        // Encoding tier: decode + preprocess per item, then one encoder batch per modality.
        long t = System.nanoTime();
        List<EncodingTier.PreparedMedia> prepared = new ArrayList<>();
        for (Request r : requests) {
            for (MediaInput in : r.allMedia()) {
                prepared.add(encoding.prepare(in.modality(), in.bytes()));
            }
        }
        batchClock.add("preprocess", Stopwatch.ms(t));
        t = System.nanoTime();
        List<MediaEmbedding> embeddings = encoding.encode(prepared);
        batchClock.add("encode", Stopwatch.ms(t));

        // Reasoning tier: one batched generation.
        List<GenerationRequest> genRequests = new ArrayList<>();
        int next = 0;
        for (Request r : requests) {
            List<Conversation.Turn> history = new ArrayList<>();
            for (HistoryTurn turn : r.history()) {
                List<MediaEmbedding> own = embeddings.subList(next, next + turn.media().size());
                next += turn.media().size();
                history.add(new Conversation.Turn(UserMessage.of(turn.text(), own.toArray(MediaEmbedding[]::new)), turn.answer()));
            }
            List<MediaEmbedding> own = embeddings.subList(next, next + r.media().size());
            next += r.media().size();
            UserMessage message = UserMessage.of(r.text(), own.toArray(MediaEmbedding[]::new));
            genRequests.add(new GenerationRequest(llm.promptBuilder().build(new Conversation(history, message)), r.generation()));
        }
        t = System.nanoTime();
        List<GenerationResult> generated = llm.generate(genRequests, listener);
        batchClock.add("llm", Stopwatch.ms(t));
        double prefill = 0;
        double decode = 0;
        for (GenerationResult g : generated) {
            prefill = Math.max(prefill, g.timings().prefillMs());
            decode = Math.max(decode, g.timings().decodeMs());
        }
        batchClock.add("llm_prefill", prefill);
        batchClock.add("llm_decode", decode);

        // Decoding tier: per modality, every request's group in one batch.
        List<List<DecodedMedia>> media = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            media.add(new ArrayList<>());
        }
        for (Modality m : Modality.values()) {
            List<DecodeRequest> batch = new ArrayList<>();
            List<Integer> owner = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                for (SignalGroup group : generated.get(i).signalGroups()) {
                    if (group.modality() == m) {
                        ModalityDecoder decoder = decoders.get(m);
                        batch.add(DecodeRequest.of("request-" + i + "-" + m.wireName(), group,
                                requests.get(i).diffusion().apply(decoder)));
                        owner.add(i);
                    }
                }
            }
            if (batch.isEmpty()) {
                continue;
            }
            t = System.nanoTime();
            List<DecodedMedia> decoded = decoders.get(m).decode(batch);
            batchClock.add("decode_" + m.wireName(), Stopwatch.ms(t));
            for (int k = 0; k < decoded.size(); k++) {
                media.get(owner.get(k)).add(decoded.get(k));
            }
        }

        List<Result> results = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            results.add(new Result(generated.get(i), media.get(i), batchClock));
        }
        return results;
    }

    @Override
    public void close() {
        bundle.close();
    }
}
