package dev.nextgpt.runtime.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a safetensors file written by the Python tooling into named arrays. */
public final class ReferenceTensors {
    private ReferenceTensors() {}

    public static Map<String, NDArray> read(NDManager manager, Path file) {
        try {
            NDList list = NDList.decode(manager, Files.readAllBytes(file));
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (NDArray a : list) {
                byName.put(a.getName(), a);
            }
            return byName;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Largest absolute difference between two arrays of the same shape (as float32). */
    public static float maxAbsDiff(NDArray expected, NDArray actual) {
        if (!expected.getShape().equals(actual.getShape())) {
            throw new AssertionError("shape " + actual.getShape() + " != expected " + expected.getShape());
        }
        return expected.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .sub(actual.toType(ai.djl.ndarray.types.DataType.FLOAT32, false))
                .abs().max().getFloat();
    }
}
