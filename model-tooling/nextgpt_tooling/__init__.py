"""Python tooling for NExT-GPT model bundles (nano bundle definition, export and reference tensors)."""
