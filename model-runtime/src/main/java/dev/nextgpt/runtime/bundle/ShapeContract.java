package dev.nextgpt.runtime.bundle;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Resolves the symbolic shapes and dtype names of the manifest's tensor contracts. */
final class ShapeContract {
    private ShapeContract() {}

    static Shape resolve(TensorSpec spec, Map<String, Long> dims, String component) {
        long[] shape = new long[spec.shape().size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dim(spec.shape().get(i), dims, component, spec.name());
        }
        return new Shape(shape);
    }

    /** An integer, a symbol, or a sum of them such as {@code P+T}. */
    static long dim(Object entry, Map<String, Long> dims, String component, String tensor) {
        if (entry instanceof Number n) {
            return n.longValue();
        }
        long total = 0;
        for (String term : String.valueOf(entry).split("\\+")) {
            String t = term.trim();
            if (t.matches("\\d+")) {
                total += Long.parseLong(t);
            } else if (dims.containsKey(t)) {
                total += dims.get(t);
            } else {
                throw new BundleException("bundle.json: component '" + component + "' tensor '" + tensor
                        + "' uses unknown symbolic dim '" + t + "'");
            }
        }
        return total;
    }

    static DataType dataType(TensorSpec spec, String component) {
        return switch (spec.dtype()) {
            case "float32" -> DataType.FLOAT32;
            case "float16" -> DataType.FLOAT16;
            case "int64" -> DataType.INT64;
            case "int32" -> DataType.INT32;
            default -> throw new BundleException("bundle.json: component '" + component + "' tensor '" + spec.name()
                    + "' has unsupported dtype '" + spec.dtype() + "'");
        };
    }

    static String describe(List<TensorSpec> specs, Map<String, Long> dims) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (TensorSpec s : specs) {
            j.add(s.name() + " " + s.dtype() + " " + resolve(s, dims, "?"));
        }
        return j.toString();
    }
}
