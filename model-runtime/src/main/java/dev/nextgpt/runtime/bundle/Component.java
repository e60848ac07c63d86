package dev.nextgpt.runtime.bundle;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Map;

/**
 * One loaded TorchScript component. {@link #forward} runs it on positional inputs; the outputs are attached to the
 * first input's NDManager, so a caller that creates its inputs in a per-request scope frees everything with it.
 */
public final class Component implements AutoCloseable {
    private final String name;
    private final ComponentSpec spec;
    private final Model model;
    private final Block block;

    Component(String name, ComponentSpec spec, Model model) {
        this.name = name;
        this.spec = spec;
        this.model = model;
        this.block = model.getBlock();
    }

    public String name() {
        return name;
    }

    public ComponentSpec spec() {
        return spec;
    }

    /** Runs the component. Inputs must match the contract in count; names are cleared (a dotted name turns into a dict). */
    public NDList forward(NDList inputs) {
        if (inputs.size() != spec.inputs().size()) {
            throw new IllegalArgumentException(name + " takes " + spec.inputs().size() + " inputs, got " + inputs.size());
        }
        for (NDArray input : inputs) {
            input.setName(null);
        }
        ParameterStore store = new ParameterStore(inputs.head().getManager(), false);
        return block.forward(store, inputs, false);
    }

    /** Runs a single-input component. */
    public NDArray forward(NDArray input) {
        return forward(new NDList(input)).head();
    }

    /**
     * Runs the component on inputs built from its contract with the given symbolic dims and checks the outputs'
     * count, dtypes and shapes. This is the load-time contract check and the warm-up.
     */
    void checkContract(Map<String, Long> dims, ai.djl.ndarray.NDManager parent) {
        try (ai.djl.ndarray.NDManager scope = parent.newSubManager()) {
            NDList inputs = new NDList();
            for (TensorSpec in : spec.inputs()) {
                Shape shape = ShapeContract.resolve(in, dims, name);
                DataType type = ShapeContract.dataType(in, name);
                // int64 inputs are ids, masks and positions: ones are valid for all of them
                inputs.add(type == DataType.INT64 ? scope.ones(shape, type) : scope.zeros(shape, type));
            }
            NDList outputs;
            try {
                outputs = forward(inputs);
            } catch (RuntimeException e) {
                throw new BundleException(spec.file() + ": component '" + name + "' fails on inputs shaped as its contract "
                        + ShapeContract.describe(spec.inputs(), dims) + ": " + firstLine(e.getMessage()), e);
            }
            if (outputs.size() != spec.outputs().size()) {
                throw new BundleException(spec.file() + ": component '" + name + "' returns " + outputs.size()
                        + " outputs, the manifest declares " + spec.outputs().size());
            }
            for (int i = 0; i < outputs.size(); i++) {
                TensorSpec out = spec.outputs().get(i);
                Shape expected = ShapeContract.resolve(out, dims, name);
                NDArray actual = outputs.get(i);
                if (!actual.getShape().equals(expected)) {
                    throw new BundleException(spec.file() + ": component '" + name + "' output " + i + " ('" + out.name()
                            + "') has shape " + actual.getShape() + ", the manifest declares " + expected);
                }
                if (actual.getDataType() != ShapeContract.dataType(out, name)) {
                    throw new BundleException(spec.file() + ": component '" + name + "' output " + i + " ('" + out.name()
                            + "') has dtype " + actual.getDataType() + ", the manifest declares " + out.dtype());
                }
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public void close() {
        model.close();
    }
}
