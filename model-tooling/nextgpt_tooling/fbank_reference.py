"""ImageBind's audio front end (raw Kaldi fbank) for the Java parity test.

    python3 model-tooling/nextgpt_tooling/fbank_reference.py in.wav out.safetensors

Writes ``waveform`` [n] (mono float32 in [-1,1], resampled to 16 kHz if needed, before mean subtraction) and
``fbank`` [frames, 128]: torchaudio.compliance.kaldi.fbank of ``waveform - mean`` with htk_compat, 16 kHz, no
energy, hanning window, 128 mel bins, no dither, 25 ms frames, 10 ms shift.
"""
import os
import sys
import wave

import numpy as np
import torch
import torchaudio

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from nextgpt_tooling import safetensors_io  # noqa: E402
else:
    from . import safetensors_io

SAMPLE_RATE = 16000
NUM_MEL_BINS = 128


def read_wav(path):
    """PCM wav (8/16/24/32-bit) -> (mono float32 tensor [n], sample rate)."""
    with wave.open(path, "rb") as w:
        ch, width, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
        raw = w.readframes(n)
    if width == 1:
        x = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        x = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v = np.where(v >= 1 << 23, v - (1 << 24), v)
        x = v.astype(np.float32) / float(1 << 23)
    elif width == 4:
        x = np.frombuffer(raw, dtype="<i4").astype(np.float32) / float(1 << 31)
    else:
        raise ValueError(f"unsupported sample width {width}")
    x = torch.from_numpy(x.reshape(-1, ch).mean(axis=1).astype(np.float32))
    return x, rate


def compute_fbank(waveform, rate):
    """Raw fbank [frames, 128] of a mono waveform (resampled to 16 kHz first when needed)."""
    if rate != SAMPLE_RATE:
        waveform = torchaudio.functional.resample(waveform, rate, SAMPLE_RATE)
    w = waveform.to(torch.float32).unsqueeze(0)
    w = w - w.mean()
    return torchaudio.compliance.kaldi.fbank(
        w, htk_compat=True, sample_frequency=SAMPLE_RATE, use_energy=False, window_type="hanning",
        num_mel_bins=NUM_MEL_BINS, dither=0.0, frame_length=25, frame_shift=10)


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    waveform, rate = read_wav(argv[0])
    fb = compute_fbank(waveform, rate)
    if rate != SAMPLE_RATE:
        waveform = torchaudio.functional.resample(waveform, rate, SAMPLE_RATE)
    safetensors_io.save({"waveform": waveform, "fbank": fb}, argv[1], {"source": os.path.basename(argv[0])})
    print(f"{argv[1]}: fbank {list(fb.shape)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
