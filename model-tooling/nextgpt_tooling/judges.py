"""Independent attribute classifiers ("judges") for the evaluation: trained on the world generator's own ground
truth (fresh renders of every attribute combination, with codec-like and blur nuisances), never on model outputs.

- image: uint8 [32, 32, 3] → colour, shape, position
- video: uint8 [8, 32, 32, 3] → colour, shape, direction
- audio: float [16000] → pitch, pattern (from a log-magnitude spectrogram of their own, not the decoders' mel; the
  pattern by its count of beeps, whatever their length: ``wide_segments``); an output with no tone in the world's
  band (``audible``) is read as no pitch and no pattern, since a classifier trained on tones gives silence a label too
"""
import random
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import train_data as D
from . import world, world_media
from .world_media import ATTRIBUTES

JUDGE_SEED = 4242
# per modality, bump when that judge's architecture or training changes (evaluate caches each judge by its version)
VERSIONS = {"image": 3, "audio": 4, "video": 4}
# training steps per modality: the video judge read shapes at 86 % of fresh renders after 600 steps
STEPS = {"image": 600, "audio": 600, "video": 1500}


# The loudest 64 ms of a tone in the world's band (100-1500 Hz; the pitches are 220 / 440 / 880 Hz, their second
# harmonics 1760 Hz at most): as an RMS amplitude, a world render's is 0.28 or more, and the audio judge trains on
# gains down to 0.3 (0.085). Below AUDIBLE_RMS — a quarter of that — an output holds no tone to judge: the silent
# outputs the audio decoder gives for some conditionings (vocoder hiss at 7-8 kHz) measure 0.002-0.006.
AUDIBLE_RMS = 0.02
BAND_HZ = (100.0, 1500.0)


def band_rms(wave, sample_rate=world_media.SAMPLE_RATE):
    """The RMS amplitude in ``BAND_HZ`` of the loudest 64 ms frame (hop 32 ms, Hann) of a float [N] signal."""
    x = np.asarray(wave, dtype=np.float64)
    n, hop = 1024, 512
    if len(x) < n:
        x = np.pad(x, (0, n - len(x)))
    win = np.hanning(n)
    frames = np.stack([x[i:i + n] * win for i in range(0, len(x) - n + 1, hop)])
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    f = np.fft.rfftfreq(n, 1.0 / sample_rate)
    band = power[:, (f >= BAND_HZ[0]) & (f <= BAND_HZ[1])].sum(axis=1)
    # Parseval for a one-sided spectrum of a Hann-windowed frame: mean square = 2·Σ|X|² / (n·Σw²)
    return float(np.sqrt(band.max() * 2.0 / (n * (win ** 2).sum())))


def audible(wave):
    """Whether a float [N] signal holds a tone to judge at all (see ``AUDIBLE_RMS``)."""
    return band_rms(wave) >= AUDIBLE_RMS


def _spectrogram(wave):
    """float [B, 16000] → [B, 1, 96, 63]: log |STFT| (n_fft 1024, hop 256) of 0–1.5 kHz."""
    s = torch.stft(wave, 1024, 256, window=torch.hann_window(1024), return_complex=True).abs()
    return torch.log(s[:, :96] + 1e-3).unsqueeze(1)


class Judge(nn.Module):
    def __init__(self, modality, cin):
        super().__init__()
        self.modality = modality
        self.names = list(ATTRIBUTES[modality])
        self.conv = nn.Sequential(
            nn.Conv2d(cin, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 96, 3, stride=2, padding=1), nn.ReLU())
        # where things are (a 4×4 grid of averages) and what they are (a global max, position-invariant)
        self.fc = nn.Sequential(nn.Linear(96 * 16 + 96, 128), nn.ReLU())
        self.heads = nn.ModuleList([nn.Linear(128, len(v)) for v in ATTRIBUTES[modality].values()])

    def features(self, x):
        if self.modality == "image":   # uint8 [B, 32, 32, 3]
            return x.permute(0, 3, 1, 2).float() / 127.5 - 1
        if self.modality == "video":   # uint8 [B, 8, 32, 32, 3] → every frame on its own [B·8, 3, 32, 32]
            return x.permute(0, 1, 4, 2, 3).reshape(-1, 3, x.shape[2], x.shape[3]).float() / 127.5 - 1
        return _spectrogram(x.float())

    def forward(self, x):
        c = self.conv(self.features(x))
        if self.modality == "video":
            # the same trunk on every frame; what: max over frames and space; where it went: last − first frame
            c = c.reshape(x.shape[0], -1, *c.shape[1:])
            h = self.fc(torch.cat([F.adaptive_avg_pool2d(c[:, -1] - c[:, 0], (4, 4)).flatten(1),
                                   c.amax(dim=(1, 3, 4))], 1))
        else:
            h = self.fc(torch.cat([F.adaptive_avg_pool2d(c, (4, 4)).flatten(1), c.amax(dim=(2, 3))], 1))
        return [head(h) for head in self.heads]

    @torch.no_grad()
    def predict(self, signals):
        """list of signals → list of {attribute: value}; an inaudible audio output reads as None for every
        attribute (it matches no expected value)."""
        x = torch.stack([torch.as_tensor(np.asarray(s)) for s in signals])
        outs = self(x)
        vals = list(ATTRIBUTES[self.modality].values())
        heard = [self.modality != "audio" or audible(s) for s in signals]
        return [{n: vals[k][int(o[i].argmax())] if heard[i] else None
                 for k, (n, o) in enumerate(zip(self.names, outs))} for i in range(len(signals))]


def _nuisance(modality, sig, rng):
    """What a generated output may look like that a clean render does not: codec colours, blur, noise, gain."""
    if modality == "audio":
        # pitch classes are a factor 2 apart: a tone within ±15 % of one (a resampling by f) is still that class
        f = rng.uniform(0.87, 1.15)
        t = np.arange(len(sig)) * f
        sig = np.interp(t, np.arange(len(sig)), sig, right=0.0)
        out = sig * rng.uniform(0.3, 1.3) + np.random.default_rng(rng.randrange(1 << 30)).normal(
            0, rng.uniform(0.0, 0.03), sig.shape)
        return np.clip(out, -1, 1).astype(np.float32)
    if rng.random() < 0.5:
        sig = D.chroma_subsample(sig)
    x = sig.astype(np.float32)
    if rng.random() < 0.3:   # a 3×3 box blur
        p = np.pad(x, [(0, 0)] * (x.ndim - 3) + [(1, 1), (1, 1), (0, 0)], mode="edge")
        x = sum(p[..., i:i + x.shape[-3], j:j + x.shape[-2], :] for i in range(3) for j in range(3)) / 9.0
    x = x + np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(0, 6), x.shape)
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


# The audio judge reads a pattern as what it is named for — how many beeps, or a tone that lasts — not by the world's
# beep lengths (one beep 0.25-0.35 s, each of two 0.16-0.22 s): a generated single beep of 0.15 s or 0.55 s is one
# beep. Trained on the world's timings alone, it heard such beeps as two (their length is nearer a two-beep
# element's, or the span of two). So half of its training renders time their beeps from these wider ranges.
WIDE_ONE_BEEP_S = (0.10, 0.65)      # length of the one beep
WIDE_BEEP_S = (0.08, 0.30)          # length of each of two beeps (the second within ±30 % of the first)
WIDE_GAP_S = (0.08, 0.30)           # silence between them


def wide_segments(rng, pattern):
    """[(start_s, end_s)] of a pattern with the judge's wider beep timings (``WIDE_*``); ``rng`` a random.Random."""
    if pattern == "one beep":
        length = rng.uniform(*WIDE_ONE_BEEP_S)
        start = rng.uniform(0.02, 0.97 - length)
        return [(start, start + length)]
    if pattern == "two beeps":
        first, gap = rng.uniform(*WIDE_BEEP_S), rng.uniform(*WIDE_GAP_S)
        second = first * rng.uniform(0.7, 1.3)
        start = rng.uniform(0.02, max(0.02, 0.98 - first - gap - second))
        return [(start, start + first), (start + first + gap, start + first + gap + second)]
    return [(rng.uniform(0.0, 0.05), rng.uniform(0.93, 1.0))]


def _draw(modality, n, rng, tag, wide=0.0):
    """n fresh renders of random combinations; a share ``wide`` of the audio ones with ``wide_segments``."""
    combos = world.all_combos(modality)
    items = []
    for i in range(n):
        attrs = dict(rng.choice(combos))
        seed = world.derive(JUDGE_SEED, tag, modality, i)
        if modality == "audio" and rng.random() < wide:
            sig = world_media.render_audio(attrs, seed, wide_segments(rng, attrs["pattern"]))
        else:
            sig = world_media.render(modality, attrs, seed)
        items.append((attrs, sig))
    return items


def train_judges(n=2400, steps=None, log=print, modalities=None):
    """One judge per modality (``steps``: one count for all or a count per modality, default ``STEPS``); returns
    (judges, accuracy of each on fresh clean renders)."""
    judges, acc = {}, {}
    for m in modalities or world_media.MODALITIES:
        torch.manual_seed(world.derive(JUDGE_SEED, "init", m))
        t0 = time.time()
        rng = random.Random(world.derive(JUDGE_SEED, m))
        data = _draw(m, n, rng, "train", wide=0.5)
        j = Judge(m, {"image": 3, "video": 3, "audio": 1}[m])
        opt = torch.optim.Adam(j.parameters(), 2e-3)
        vals = list(ATTRIBUTES[m].values())
        n_steps = steps.get(m, STEPS[m]) if isinstance(steps, dict) else (steps or STEPS[m])
        for it in range(n_steps):
            batch = rng.sample(data, 32 if m == "video" else 64)
            x = torch.stack([torch.as_tensor(_nuisance(m, s, rng)) for _, s in batch])
            outs = j(x)
            loss = sum(F.cross_entropy(o, torch.tensor([vals[k].index(a[name]) for a, _ in batch]))
                       for k, (name, o) in enumerate(zip(j.names, outs)))
            opt.zero_grad()
            loss.backward()
            opt.step()
        j.eval()
        test = _draw(m, 300, rng, "check")
        pred = j.predict([s for _, s in test])
        acc[m] = {name: sum(p[name] == a[name] for p, (a, _) in zip(pred, test)) / len(test) for name in j.names}
        if m == "audio":
            wide = _draw(m, 300, rng, "check-wide", wide=1.0)
            pred = j.predict([s for _, s in wide])
            acc[m]["pattern, beeps of other lengths"] = (
                sum(p["pattern"] == a["pattern"] for p, (a, _) in zip(pred, wide)) / len(wide))
        judges[m] = j
        log(f"judge {m}: {time.time() - t0:.0f}s, accuracy on fresh renders {acc[m]}")
    return judges, acc
