"""Tensors for training and evaluation: what each component sees, computed exactly as serving computes it.

- encoder inputs: the Java runtime's preprocessing (ImageBind's transforms at nano size): images /255 and CLIP
  mean/std; audio as 16-bit PCM → Kaldi fbank (``fbank_reference``) → [128, F] padded to 100 frames →
  (x − mean) / std, the one 1 s clip repeated for the 3 clips; video frames 0 and 7 (a 1 s, 8-frame video gives
  two identical 2 s clips, uniformly subsampled to 2 frames), CLIP-normalised.
- decoder targets: images / videos in [-1, 1] (``world_media.*_to_unit``), audio as the decoders' log-mel
  [1, 100, 64] (``log_mel``).
- prompts: ``pipeline.assemble_prompt`` with past answers as plain text (what a client sends back: the served
  answer has no signal tokens), the new answer as its pieces + each signal group's ids + EOS.
"""
import numpy as np
import torch
import torchaudio

from . import nano, pipeline, world_media
from .fbank_reference import compute_fbank
from .tokenizer import EOS

CLIP_MEAN = torch.tensor([0.48145466, 0.4578275, 0.40821073]).view(3, 1, 1)
CLIP_STD = torch.tensor([0.26862954, 0.26130258, 0.27577711]).view(3, 1, 1)
AUDIO_MEAN, AUDIO_STD = -4.268, 9.138
MEL_FLOOR = 1e-3
_MEL = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_fft=512, win_length=400, hop_length=nano.HOP,
                                            f_min=0.0, f_max=8000.0, n_mels=nano.AUDIO_MEL_BINS, power=1.0,
                                            center=True)


# ---------------------------------------------------------------- codec-like nuisance (MP4 round trip)

def chroma_subsample(img):
    """uint8 [..., H, W, 3]: YCbCr 4:2:0 round trip (what an H.264 yuv420p encode does to colours)."""
    x = img.astype(np.float32)
    y = 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]
    cb = -0.168736 * x[..., 0] - 0.331264 * x[..., 1] + 0.5 * x[..., 2]
    cr = 0.5 * x[..., 0] - 0.418688 * x[..., 1] - 0.081312 * x[..., 2]

    def pool(c):
        h, w = c.shape[-2], c.shape[-1]
        p = c.reshape(c.shape[:-2] + (h // 2, 2, w // 2, 2)).mean(axis=(-3, -1))
        return np.repeat(np.repeat(p, 2, axis=-2), 2, axis=-1)

    cb, cr = pool(cb), pool(cr)
    r = y + 1.402 * cr
    g = y - 0.344136 * cb - 0.714136 * cr
    b = y + 1.772 * cb
    return np.clip(np.rint(np.stack([r, g, b], -1)), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- encoder inputs

def image_input(img):
    """uint8 [32, 32, 3] → encoder.image pixels [3, 32, 32]."""
    x = torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1).to(torch.float32) / 255.0
    return (x - CLIP_MEAN) / CLIP_STD


def pcm16(wave):
    """float [-1, 1] → what reading the 16-bit WAV gives back."""
    q = np.clip(np.round(np.asarray(wave, dtype=np.float64) * 32767), -32768, 32767)
    return (q / 32768.0).astype(np.float32)


def audio_input(wave):
    """float32 [16000] → encoder.audio fbank [3, 1, 128, 100]."""
    fb = compute_fbank(torch.from_numpy(pcm16(wave)), 16000).t()          # [128, F]
    f = fb.shape[1]
    out = torch.zeros(nano.AUDIO_MEL, nano.AUDIO_FRAMES)
    out[:, :min(f, nano.AUDIO_FRAMES)] = fb[:, :nano.AUDIO_FRAMES]
    out = (out - AUDIO_MEAN) / AUDIO_STD
    return out.view(1, 1, nano.AUDIO_MEL, nano.AUDIO_FRAMES).expand(nano.AUDIO_CLIPS, -1, -1, -1).contiguous()


def video_input(vid):
    """uint8 [8, 32, 32, 3] → encoder.video frames [2, 3, 2, 32, 32] (frames 0 and 7, both clips)."""
    frames = torch.stack([image_input(vid[0]), image_input(vid[-1])], dim=1)  # [3, 2, 32, 32]
    return frames.unsqueeze(0).expand(nano.VIDEO_CLIPS, -1, -1, -1, -1).contiguous()


ENCODER_INPUT = {"image": image_input, "audio": audio_input, "video": video_input}


def encoder_input(modality, signal, codec=False):
    if codec and modality != "audio":
        signal = chroma_subsample(signal)
    return ENCODER_INPUT[modality](signal)


# ---------------------------------------------------------------- decoder targets

def log_mel(wave):
    """float32 [16000] → [1, 100, 64] natural-log mel magnitudes (floor 1e-3): the audio decoder's output space."""
    m = _MEL(torch.from_numpy(np.asarray(wave, dtype=np.float32)))          # [64, 101]
    return torch.log(m.clamp_min(MEL_FLOOR))[:, :nano.AUDIO_TM].t().unsqueeze(0).contiguous()


def decoder_target(modality, signal):
    if modality == "image":
        return torch.from_numpy(world_media.image_to_unit(signal))
    if modality == "video":
        return torch.from_numpy(world_media.video_to_unit(signal))
    return log_mel(signal)


def unit_to_uint8(x):
    """[3, H, W] or [3, T, H, W] in [-1, 1] → uint8 [H, W, 3] / [T, H, W, 3] (as the Java writers round)."""
    x = ((x.clamp(-1, 1) + 1.0) * 127.5).round().to(torch.uint8)
    return (x.permute(1, 2, 0) if x.dim() == 3 else x.permute(1, 2, 3, 0)).numpy()


# ---------------------------------------------------------------- prompts and targets

MEDIA = -1  # placeholder id of a media embedding position in a prompt


def prompt_ids(sp, turns):
    """ids of ``assemble_prompt(turns)`` with MEDIA at each media position (one per item: tokens_per_item 1)."""
    ids = []
    for s in pipeline.assemble_prompt(sp, turns):
        if s["kind"] == "media":
            ids.extend([MEDIA] * s["tokens"])
        else:
            ids.extend(s["ids"])
    return ids


def answer_ids(sp, text, signals):
    """The assistant's tokens: its text, each signal group, EOS."""
    ids = list(sp.encode(text))
    for m in signals:
        first = nano.signal_first_id(m)
        ids.extend(range(first, first + nano.SIGNAL_COUNTS[m]))
    return ids + [EOS]


def signal_starts(sp, prompt_len, text, signals):
    """[(modality, index of its first signal token)] in ``prompt + answer_ids(sp, text, signals)``."""
    out, pos = [], prompt_len + len(sp.encode(text))
    for m in signals:
        out.append((m, pos))
        pos += nano.SIGNAL_COUNTS[m]
    return out


def dialogue_examples(sp, dialogue):
    """One training example per assistant turn: {ids, labels_from, media: [refs], groups: [(modality, start,
    target)]} where ``start`` indexes the first signal token's position in ``ids``."""
    out, history, refs = [], [], []
    turns = dialogue["turns"]
    for u, a in zip(turns[0::2], turns[1::2]):
        refs = refs + list(u["media"])
        cur = history + [{"media": [m["modality"] for m in u["media"]], "text": u["text"]}]
        p = prompt_ids(sp, cur)
        ans = answer_ids(sp, a["text"], a["signals"])
        groups = [(m, start, a["targets"][m]) for m, start in signal_starts(sp, len(p), a["text"], a["signals"])]
        out.append({"ids": p + ans, "labels_from": len(p), "media": list(refs), "groups": groups})
        history = history + [{"media": cur[-1]["media"], "text": u["text"], "answer": a["text"]}]
    return out
