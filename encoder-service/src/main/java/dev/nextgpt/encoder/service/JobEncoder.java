package dev.nextgpt.encoder.service;

import dev.nextgpt.contracts.ClaimCheck;
import dev.nextgpt.contracts.ClaimCheckPolicy;
import dev.nextgpt.contracts.IdempotencyKey;
import dev.nextgpt.contracts.Stage;
import dev.nextgpt.contracts.Topics;
import dev.nextgpt.contracts.messages.ContentPart;
import dev.nextgpt.contracts.messages.EncodedMedia;
import dev.nextgpt.contracts.messages.JobEncoded;
import dev.nextgpt.contracts.messages.JobRequested;
import dev.nextgpt.contracts.messages.MediaRef;
import dev.nextgpt.contracts.messages.TensorPayload;
import dev.nextgpt.contracts.messages.Turn;
import dev.nextgpt.encoder.config.EncoderConfig;
import dev.nextgpt.encoder.model.EncodingModel;
import dev.nextgpt.objectstore.ObjectKeys;
import dev.nextgpt.objectstore.ObjectStore;
import dev.nextgpt.objectstore.ObjectStoreException;
import dev.nextgpt.objectstore.ObjectStoreUnavailableException;
import dev.nextgpt.runtime.MediaEmbedding;
import dev.nextgpt.runtime.encoding.EncodingTier.PreparedMedia;
import dev.nextgpt.worker.BatchHandler;
import dev.nextgpt.worker.Delivery;
import dev.nextgpt.worker.Outcome;
import dev.nextgpt.worker.StageContext;
import dev.nextgpt.worker.StageFailure;
import dev.nextgpt.worker.TransientFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The encode stage on a batch of jobs: fetch each media part (size and SHA-256 verified), or take its embedding
 * from the cache; decode and preprocess it; encode and project all new items of the batch together (one forward
 * per modality); post one {@link JobEncoded} per job. Text-only jobs pass through at once. A part that cannot be
 * fetched or decoded fails its job with a reason naming the part; an unreachable store postpones the batch.
 */
public final class JobEncoder implements BatchHandler<JobRequested> {
    private static final Logger LOG = Logger.getLogger(JobEncoder.class);

    private final EncodingModel model;
    private final ObjectStore store;
    private final ClaimCheck claims;
    private final EmbeddingCache cache;
    private final EncoderConfig config;
    private final Counter hits;
    private final Counter misses;

    public JobEncoder(EncodingModel model, ObjectStore store, ClaimCheck claims, EmbeddingCache cache,
            EncoderConfig config, MeterRegistry registry) {
        this.model = model;
        this.store = store;
        this.claims = claims;
        this.cache = cache;
        this.config = config;
        this.hits = Counter.builder("nextgpt.encoder.cache").tag("result", "hit").register(registry);
        this.misses = Counter.builder("nextgpt.encoder.cache").tag("result", "miss").register(registry);
    }

    /** One media part of a job and where its embedding comes from. */
    private static final class Item {
        final int turn;
        final int part;
        final MediaRef ref;
        MediaEmbedding embedding;
        int encodeIndex = -1;

        Item(int turn, int part, MediaRef ref) {
            this.turn = turn;
            this.part = part;
            this.ref = ref;
        }

        String where() {
            return "media turns[" + turn + "].content[" + part + "] (" + ref.modality().wireName() + ")";
        }
    }

    @Override
    public List<Outcome> handle(List<Delivery<JobRequested>> batch, StageContext context) {
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        List<List<Item>> jobs = new ArrayList<>(batch.size());
        List<PreparedMedia> toEncode = new ArrayList<>();
        Map<String, Integer> pending = new HashMap<>(); // same content twice in one batch: encoded once
        for (Delivery<JobRequested> d : batch) {
            try {
                List<Item> items = resolve(d.message());
                List<PreparedMedia> prepared = new ArrayList<>();
                Map<String, Integer> local = new HashMap<>();
                for (Item item : items) {
                    if (item.embedding != null) {
                        continue;
                    }
                    String key = item.ref.modality().wireName() + ":" + item.ref.sha256();
                    Integer index = pending.get(key);
                    if (index == null) {
                        index = local.get(key);
                    }
                    if (index == null) {
                        prepared.add(prepare(item));
                        index = toEncode.size() + prepared.size() - 1;
                        local.put(key, index);
                    }
                    item.encodeIndex = index;
                }
                toEncode.addAll(prepared);
                pending.putAll(local);
                jobs.add(items);
                outcomes.add(Outcome.DONE);
            } catch (StageFailure f) {
                jobs.add(null);
                outcomes.add(Outcome.failed(f.reason()));
            }
        }
        List<MediaEmbedding> encoded = toEncode.isEmpty() ? List.of() : model.tier().encode(toEncode);
        for (int i = 0; i < batch.size(); i++) {
            List<Item> items = jobs.get(i);
            if (items == null) {
                continue;
            }
            Delivery<JobRequested> d = batch.get(i);
            List<EncodedMedia> media = new ArrayList<>(items.size());
            int inlineBudget = config.recordInlineBudgetBytes();
            for (int m = 0; m < items.size(); m++) {
                Item item = items.get(m);
                if (item.embedding == null) {
                    item.embedding = encoded.get(item.encodeIndex);
                    cache.put(item.ref.modality(), item.ref.sha256(), item.embedding);
                }
                byte[] blob = EmbeddingPayloads.safetensors(item.embedding, config.embeddingDtype());
                boolean inline = blob.length <= config.claimCheckThresholdBytes() && blob.length <= inlineBudget;
                TensorPayload payload = inline ? TensorPayload.inline(blob)
                        : TensorPayload.of(blob, claims, ClaimCheck.prefixFor(d.tenant(),
                                new IdempotencyKey(d.jobId(), Stage.ENCODE, Math.min(m, IdempotencyKey.MAX_OUTPUT_INDEX))),
                                ClaimCheckPolicy.ALWAYS);
                if (inline) {
                    inlineBudget -= blob.length;
                }
                media.add(new EncodedMedia(item.turn, item.part, item.ref.modality(), payload));
            }
            context.publisher().send(d, Topics.JOBS_ENCODED, JobEncoded.of(d.message(), media));
        }
        return outcomes;
    }

    /** The job's media parts in prompt order, each with its cached embedding when there is one. */
    private List<Item> resolve(JobRequested job) {
        List<Item> items = new ArrayList<>();
        List<Turn> turns = job.turns();
        for (int t = 0; t < turns.size(); t++) {
            List<ContentPart> content = turns.get(t).content();
            for (int p = 0; p < content.size(); p++) {
                if (content.get(p) instanceof ContentPart.Media media) {
                    Item item = new Item(t, p, media.media());
                    if (!ObjectKeys.belongsTo(item.ref.objectKey(), job.tenant())) {
                        throw new StageFailure(job.jobId(), item.where() + ": object '" + item.ref.objectKey()
                                + "' is not in tenant " + job.tenant() + "'s space");
                    }
                    item.embedding = cache.get(item.ref.modality(), item.ref.sha256());
                    (item.embedding != null ? hits : misses).increment();
                    items.add(item);
                }
            }
        }
        return items;
    }

    private PreparedMedia prepare(Item item) {
        byte[] bytes;
        try {
            bytes = store.getVerified(item.ref.objectKey(), item.ref.size(), item.ref.sha256());
        } catch (ObjectStoreUnavailableException e) {
            throw new TransientFailure("object store unavailable while fetching " + item.ref.objectKey(), e);
        } catch (ObjectStoreException e) {
            throw new StageFailure(null, item.where() + ": " + e.getMessage(), e);
        }
        try {
            return model.tier().prepare(item.ref.modality(), bytes);
        } catch (RuntimeException e) {
            LOG.debugf(e, "%s: cannot decode %s", item.where(), item.ref.objectKey());
            throw new StageFailure(null, item.where() + " cannot be decoded: " + e.getMessage(), e);
        }
    }
}
