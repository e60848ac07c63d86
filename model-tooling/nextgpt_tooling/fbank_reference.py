#!/usr/bin/env python3
"""Reference Kaldi fbank for the Java parity test (ImageBind's audio front end, one clip, before normalisation).

Usage: fbank_reference.py IN.wav OUT.safetensors [NUM_MEL_BINS]

Loads IN.wav with torchaudio (float32, int PCM scaled by 2^(bits-1)), takes channel 0, and writes
torchaudio.compliance.kaldi.fbank(waveform - waveform.mean(), htk_compat=True, sample_frequency=<file rate>,
use_energy=False, window_type='hanning', num_mel_bins=128, dither=0.0, frame_length=25, frame_shift=10)
as one F32 tensor "fbank" [frames, num_mel_bins] to OUT.safetensors. The safetensors bytes are written by hand
(8-byte little-endian header length, JSON header, raw little-endian floats) so no extra package is needed.

Needs Debian's python3-torch and python3-torchaudio (apt-get install python3-torch python3-torchaudio).
"""
import json
import struct
import sys

import torch
import torchaudio


def write_safetensors(path, tensors):
    header = {}
    payload = bytearray()
    for name, t in tensors.items():
        t = t.detach().to(torch.float32).contiguous()
        raw = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [len(payload), len(payload) + len(raw)]}
        payload += raw
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)  # align the data section to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        f.write(payload)


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    num_mel_bins = int(argv[3]) if len(argv) == 4 else 128
    waveform, sr = torchaudio.load(argv[1])
    waveform = waveform[:1]
    waveform = waveform - waveform.mean()
    fbank = torchaudio.compliance.kaldi.fbank(
        waveform,
        htk_compat=True,
        sample_frequency=sr,
        use_energy=False,
        window_type="hanning",
        num_mel_bins=num_mel_bins,
        dither=0.0,
        frame_length=25,
        frame_shift=10,
    )
    write_safetensors(argv[2], {"fbank": fbank})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
