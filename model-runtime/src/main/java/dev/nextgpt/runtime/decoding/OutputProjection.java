package dev.nextgpt.runtime.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.nextgpt.contracts.Modality;
import dev.nextgpt.runtime.SignalGroup;
import dev.nextgpt.runtime.bundle.BundleManifest;
import dev.nextgpt.runtime.bundle.Component;
import dev.nextgpt.runtime.bundle.ComponentNames;
import dev.nextgpt.runtime.bundle.ModelBundle;
import java.util.List;

/**
 * A modality's output projection: signal-token hidden states {@code [N,H]} plus the signal tokens' input embeddings
 * to the diffusion conditioning {@code [Q,D]}, batched. The input embeddings (rows of {@code llm.embed} for the
 * group's ids) are the same for every request; they are computed once here and kept in the bundle's manager, so
 * after construction the decoder does not need {@code llm.embed}.
 */
public final class OutputProjection {
    private final Modality modality;
    private final Component projection;
    private final BundleManifest.SignalGroupSpec group;
    private final int hidden;
    private final int queries;
    private final int conditioningDim;
    /** [1,N,H], lives in the bundle manager. */
    private final NDArray signalEmbeds;

    public OutputProjection(ModelBundle bundle, Modality modality) {
        BundleManifest manifest = bundle.manifest();
        this.modality = modality;
        this.projection = bundle.component(ComponentNames.outputProjection(modality));
        this.group = manifest.signalGroup(modality);
        this.hidden = manifest.llm().hiddenSize();
        BundleManifest.DecoderSpec decoder = manifest.decoder(modality);
        this.queries = decoder.queryCount();
        this.conditioningDim = decoder.conditioningDim();

        int n = group.count();
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = group.firstId() + i;
        }
        Component embed = bundle.component(ComponentNames.LLM_EMBED);
        try (NDManager scope = bundle.newScope()) {
            NDArray embeds = embed.forward(scope.create(ids, new Shape(1, n)));
            Shape expected = new Shape(1, n, hidden);
            if (!embeds.getShape().equals(expected)) {
                throw new IllegalStateException("llm.embed gave " + embeds.getShape() + " for the " + modality.wireName()
                        + " signal tokens, expected " + expected);
            }
            embeds.attach(bundle.manager());
            this.signalEmbeds = embeds;
        }
    }

    public Modality modality() {
        return modality;
    }

    /** Signal tokens per group (N). */
    public int signalTokens() {
        return group.count();
    }

    /** The signal tokens' input embeddings {@code [1,N,H]} (bundle-lifetime; do not close). */
    public NDArray signalEmbeddings() {
        return signalEmbeds;
    }

    /** Checks that a group is a complete, in-order group of this modality with the LLM's hidden size. */
    public void validate(SignalGroup signals) {
        if (signals.modality() != modality) {
            throw new IllegalArgumentException("a " + signals.modality().wireName() + " signal group was given to the "
                    + modality.wireName() + " output projection");
        }
        if (signals.hidden() != hidden) {
            throw new IllegalArgumentException(modality.wireName() + " signal group has hidden size " + signals.hidden()
                    + ", the bundle's LLM has " + hidden);
        }
        int[] ids = signals.tokenIds();
        if (ids.length != group.count()) {
            throw new IllegalArgumentException(modality.wireName() + " signal group has " + ids.length + " tokens, a complete group has "
                    + group.count());
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != group.firstId() + i) {
                throw new IllegalArgumentException(modality.wireName() + " signal group token " + i + " is id " + ids[i]
                        + ", expected " + (group.firstId() + i) + " (" + group.tokens().get(i) + ")");
            }
        }
    }

    /** Projects groups of hidden states to conditioning {@code [B,Q,D]}, created in {@code scope}. */
    public NDArray project(NDManager scope, List<SignalGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no signal groups to project");
        }
        int n = group.count();
        float[] all = new float[groups.size() * n * hidden];
        for (int b = 0; b < groups.size(); b++) {
            SignalGroup g = groups.get(b);
            validate(g);
            System.arraycopy(g.hiddenStates(), 0, all, b * n * hidden, n * hidden);
        }
        return project(scope.create(all, new Shape(groups.size(), n, hidden)));
    }

    /** Projects hidden states {@code [B,N,H]}; the result lives in the manager of {@code signalHidden}. */
    public NDArray project(NDArray signalHidden) {
        Shape shape = signalHidden.getShape();
        if (shape.dimension() != 3 || shape.get(1) != group.count() || shape.get(2) != hidden) {
            throw new IllegalArgumentException(modality.wireName() + " output projection takes [B," + group.count() + "," + hidden
                    + "], got " + shape);
        }
        NDManager scope = signalHidden.getManager();
        NDArray embeds = signalEmbeds.repeat(0, shape.get(0));
        if (embeds != signalEmbeds) {
            embeds.attach(scope); // derived from a bundle-lifetime array: make it per-request
        }
        NDArray conditioning = projection.forward(new NDList(signalHidden, embeds)).head();
        Shape expected = new Shape(shape.get(0), queries, conditioningDim);
        if (!conditioning.getShape().equals(expected)) {
            throw new IllegalStateException(projection.name() + " returned " + conditioning.getShape() + ", expected " + expected);
        }
        return conditioning;
    }
}
