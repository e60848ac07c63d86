"""Python tooling for NExT-GPT model bundles (nano bundle definition, training, export and reference tensors)."""
import os

# OpenBLAS's own threads on top of torch's OpenMP threads thrash a 2-core machine (40x slower matmuls here)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
