package dev.nextgpt.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One input or output of a component: name, dtype ({@code float32}, {@code float16}, {@code int64}) and a shape
 * whose entries are integers or symbolic dims ({@code "B"}, {@code "P+T"}).
 */
public record TensorSpec(
        @JsonProperty("name") String name,
        @JsonProperty("dtype") String dtype,
        @JsonProperty("shape") List<Object> shape) {}
