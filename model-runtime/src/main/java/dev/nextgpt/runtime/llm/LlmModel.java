package dev.nextgpt.runtime.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.nextgpt.runtime.bundle.BundleManifest;
import dev.nextgpt.runtime.bundle.Component;
import dev.nextgpt.runtime.bundle.ComponentNames;
import dev.nextgpt.runtime.bundle.ModelBundle;

/**
 * The two LLM components of a bundle ({@code llm.embed}, {@code llm.forward}) with their dims, and the small array
 * helpers the generator needs. Outputs live in the manager of the first input (see {@link Component#forward}).
 */
final class LlmModel {
    final Component embed;
    final Component forward;
    final int layers;
    final int heads;
    final int headDim;
    final int hidden;
    final int vocab;
    final int maxPositions;

    LlmModel(ModelBundle bundle) {
        this.embed = bundle.component(ComponentNames.LLM_EMBED);
        this.forward = bundle.component(ComponentNames.LLM_FORWARD);
        BundleManifest.LlmSpec llm = bundle.manifest().llm();
        this.layers = llm.numLayers();
        this.heads = llm.numHeads();
        this.headDim = llm.headDim();
        this.hidden = llm.hiddenSize();
        this.vocab = llm.vocabSize();
        this.maxPositions = llm.maxPositions();
        if (layers < 1 || heads < 1 || headDim < 1 || hidden < 1 || vocab < 1 || maxPositions < 2) {
            throw new IllegalArgumentException("bundle.json: llm dims must be positive (num_layers, num_heads, head_dim, "
                    + "hidden_size, vocab_size, max_positions)");
        }
    }

    /** {@code llm.embed} of ids shaped {@code [rows, cols]}: [rows, cols, H]. */
    NDArray embed(NDManager manager, long[] ids, int rows, int cols) {
        return embed.forward(manager.create(ids, new Shape(rows, cols)));
    }

    /** The output of one {@code llm.forward}. */
    record Output(NDArray logits, NDArray hidden, NDArray present) {}

    /** {@code llm.forward}: embeds [B,T,H], mask [B,P+T], positions [B,T], past [L,2,B,nh,P,hd]. */
    Output forward(NDArray embeds, NDArray mask, NDArray positions, NDArray past) {
        NDList out = forward.forward(new NDList(embeds, mask, positions, past));
        if (out.size() != 3) {
            throw new IllegalStateException("llm.forward returned " + out.size() + " outputs, expected 3");
        }
        return new Output(out.get(0), out.get(1), out.get(2));
    }

    /** An empty KV cache for {@code batch} sequences: [L,2,B,nh,0,hd]. */
    NDArray emptyPast(NDManager manager, int batch) {
        return manager.zeros(new Shape(layers, 2, batch, heads, 0, headDim), DataType.FLOAT32);
    }

    /** Rows {@code rows} of {@code array} along {@code axis}, in that order (the array itself when rows = all). */
    static NDArray selectRows(NDArray array, int axis, int[] rows) {
        long size = array.getShape().get(axis);
        boolean identity = rows.length == size;
        for (int i = 0; identity && i < rows.length; i++) {
            identity = rows[i] == i;
        }
        if (identity) {
            return array;
        }
        String prefix = ":, ".repeat(axis);
        NDList parts = new NDList();
        int i = 0;
        while (i < rows.length) {
            int j = i + 1;
            while (j < rows.length && rows[j] == rows[j - 1] + 1) {
                j++;
            }
            parts.add(array.get(prefix + rows[i] + ":" + (rows[j - 1] + 1)));
            i = j;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        NDArray joined = NDArrays.concat(parts, axis);
        parts.forEach(NDArray::close);
        return joined;
    }
}
