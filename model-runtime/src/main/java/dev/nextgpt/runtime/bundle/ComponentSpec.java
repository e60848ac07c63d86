package dev.nextgpt.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A TorchScript component of the bundle and its positional tensor contract. */
public record ComponentSpec(
        @JsonProperty("file") String file,
        @JsonProperty("inputs") List<TensorSpec> inputs,
        @JsonProperty("outputs") List<TensorSpec> outputs) {}
