package dev.nextgpt.contracts.tensors;

import dev.nextgpt.contracts.ContractViolation;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The content of one safetensors blob: tensors in order, plus the string metadata of {@code __metadata__}. */
public record NamedTensors(List<FloatTensor> tensors, Map<String, String> metadata) {
  public NamedTensors {
    if (tensors == null || metadata == null) {
      throw new ContractViolation("tensors and metadata are required (use an empty map for no metadata)");
    }
    Set<String> names = new HashSet<>();
    for (FloatTensor t : tensors) {
      if (t == null) {
        throw new ContractViolation("tensor list has a null entry");
      }
      if (!names.add(t.name())) {
        throw new ContractViolation("tensor name '" + t.name() + "' occurs twice");
      }
    }
    tensors = List.copyOf(tensors);
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new ContractViolation("metadata keys and values must not be null");
      }
    }
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  public static NamedTensors of(FloatTensor... tensors) {
    return new NamedTensors(List.of(tensors), Map.of());
  }

  /** The tensor called {@code name}; refuses the blob when it is missing. */
  public FloatTensor require(String name) {
    for (FloatTensor t : tensors) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new ContractViolation("tensor '" + name + "' is missing (present: "
        + tensors.stream().map(FloatTensor::name).toList() + ")");
  }
}
