#!/usr/bin/env python3
"""Writes golden.safetensors and golden.json, an independent reference for TensorCodecTest.

The blob is laid out as the reference safetensors writer does (compact JSON header, space padding to 8 bytes,
little-endian data); fp16 rounding is numpy's (IEEE round-to-nearest-even). Run with Debian's python3-numpy:
    /usr/bin/python3 make_golden.py
"""
import json
import struct

import numpy as np

rng = np.random.default_rng(20240914)
hidden = (rng.standard_normal((4, 6)) * 3).astype(np.float32)
# values that exercise rounding: ties, subnormals, overflow to inf, signed zero
hidden[0, :6] = [65504.0, 65520.0, 1e-8, 5.9604645e-08, -0.0, 1.0009765625 + 2**-11]
half = hidden.astype(np.float16)
embeds = np.arange(12, dtype=np.float32).reshape(3, 4) / 7

tensors = [("signal_hidden", "F16", half), ("embeds", "F32", embeds)]
header, offset, data = {"__metadata__": {"producer": "make_golden.py"}}, 0, b""
for name, dtype, array in tensors:
    raw = array.astype("<f2" if dtype == "F16" else "<f4").tobytes()
    header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
    offset += len(raw)
    data += raw
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open("golden.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data)

expected = {
    "signal_hidden": {"shape": list(half.shape), "values": [float(v) for v in half.astype(np.float32).ravel()],
                      "source": [float(v) for v in hidden.ravel()],
                      "bits": [int(v) for v in half.view(np.uint16).ravel()]},
    "embeds": {"shape": list(embeds.shape), "values": [float(v) for v in embeds.ravel()]},
}
with open("golden.json", "w") as f:
    json.dump(expected, f, indent=1)
