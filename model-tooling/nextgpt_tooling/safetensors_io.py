"""A minimal safetensors writer/reader (F32, F16, I64) with no dependency beyond torch/numpy.

Layout: 8-byte little-endian header length, a JSON header
``{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}`` padded with spaces to a
multiple of 8 bytes, then the raw little-endian tensor bytes in header order.
"""
import json
import struct
from collections import OrderedDict

import numpy as np
import torch

_TO_CODE = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}
_NP = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "I64": np.dtype("<i8")}


def dumps(tensors, metadata=None):
    """Serialises an ordered mapping name -> tensor to safetensors bytes."""
    header = OrderedDict()
    meta = {"format": "pt"}
    for k, v in (metadata or {}).items():
        meta[str(k)] = v if isinstance(v, str) else json.dumps(v)
    header["__metadata__"] = meta
    chunks = []
    offset = 0
    for name, t in tensors.items():
        t = torch.as_tensor(t)
        if t.dtype not in _TO_CODE:
            if t.dtype in (torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool):
                t = t.to(torch.int64)
            elif t.dtype == torch.float64:
                t = t.to(torch.float32)
            else:
                raise ValueError(f"{name}: unsupported dtype {t.dtype}")
        code = _TO_CODE[t.dtype]
        data = np.ascontiguousarray(t.detach().cpu().numpy().astype(_NP[code], copy=False)).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    hdr = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hdr += b" " * ((8 - len(hdr) % 8) % 8)
    return struct.pack("<Q", len(hdr)) + hdr + b"".join(chunks)


def save(tensors, path, metadata=None):
    with open(path, "wb") as f:
        f.write(dumps(tensors, metadata))


def loads(buf):
    """Returns (OrderedDict name -> tensor, metadata dict)."""
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n].decode("utf-8"), object_pairs_hook=OrderedDict)
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = OrderedDict()
    for name, info in header.items():
        b, e = info["data_offsets"]
        arr = np.frombuffer(buf[base + b:base + e], dtype=_NP[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta


def load(path):
    with open(path, "rb") as f:
        return loads(f.read())
