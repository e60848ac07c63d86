"""ImageBind's audio front end (load_and_transform_audio_data) for one wav, written for the Java parity test.

Usage: imagebind_audio_reference.py IN.wav OUT.safetensors NUM_MEL_BINS TARGET_FRAMES CLIP_SECONDS CLIPS MEAN STD

Clip times follow pytorchvideo's ConstantClipsPerVideoSampler (Fraction arithmetic). Each clip is copied before
its mean is subtracted (ImageBind subtracts in place on a view of the whole waveform, which leaks one clip's mean
into the next when clips overlap; the bundle contract says "waveform - mean" per clip).
"""
import json
import struct
import sys
from fractions import Fraction

import torch
import torchaudio


def main(a):
    wav, out, mel, target, clip_s, clips, mean, std = a[1], a[2], int(a[3]), int(a[4]), float(a[5]), int(a[6]), float(a[7]), float(a[8])
    waveform, sr = torchaudio.load(wav)
    duration = waveform.size(1) / sr
    clip_d = Fraction(clip_s)
    max_start = Fraction(max(duration - clip_d, 0))
    spacing = Fraction(max_start, max(clips - 1, 1))
    result = []
    for i in range(clips):
        start = spacing * i
        end = start + clip_d
        clip = waveform[:, int(start * sr):int(end * sr)].clone()
        clip = clip - clip.mean()
        fb = torchaudio.compliance.kaldi.fbank(clip, htk_compat=True, sample_frequency=sr, use_energy=False,
                                               window_type="hanning", num_mel_bins=mel, dither=0.0,
                                               frame_length=25, frame_shift=10)
        fb = fb.transpose(0, 1)
        p = target - fb.size(1)
        if p > 0:
            fb = torch.nn.functional.pad(fb, (0, p), mode="constant", value=0)
        elif p < 0:
            fb = fb[:, 0:target]
        result.append(((fb.unsqueeze(0)) - mean) / std)
    t = torch.stack(result, dim=0).contiguous()
    raw = t.numpy().astype("<f4").tobytes()
    head = json.dumps({"audio": {"dtype": "F32", "shape": list(t.shape), "data_offsets": [0, len(raw)]}}).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + raw)


if __name__ == "__main__":
    main(sys.argv)
