"""Trains the nano NExT-GPT on the synthetic world, stage by stage as the paper does, and exports the bundle.

    model-tooling/train-nano         # everything, from nothing (≈ 64 min on 2 cores with native bfloat16, hours without)
    model-tooling/train-nano --resume --stage1 FILE       # stage 1 from a checkpoint, training only what it lacks
    /usr/bin/python3 -m nextgpt_tooling.train --out models/nano --reference models/reference/nano [--budget quick]

Stages (NExT-GPT §4, at toy scale on ``world.World``):

1. the parts NExT-GPT takes frozen from elsewhere: ImageBind-like encoders trained contrastively into one space with
   a text tower (training only); the LLM pretrained on the world's text; per modality a latent diffusion decoder —
   VAE (its encoder is training only), own text encoder + denoiser trained on captions (10 % dropped, for
   classifier-free guidance), and for audio a mel → waveform vocoder. The video decoder is grown from the image one,
   as Zeroscope from Stable Diffusion (``INHERITS``): the image VAE on each frame, the image decoder's text encoder,
   and its denoiser inflated to 3-D.
2. encoding-side LLM-centric alignment: only the input projections learn, X → caption.
3. decoding-side instruction-following alignment: only the output projections and the signal tokens' embedding /
   output rows learn; losses: NLL of the answer (signal tokens included), l2 between the projected signal states and
   the decoder text encoder's conditioning of the target caption, and the latent denoising loss through the frozen
   denoiser.
4. modality-switching instruction tuning: LoRA on every LLM projection plus both projections, on all dialogues.

Then the LoRA is merged, and every component is exported in the bundle contract (``export.export_modules``).
The log (``<work>/train.log``) records each stage's losses, its wall time and the trainable share of parameters.
Stage 1 is checkpointed after each of its parts (``Stage1Checkpoint``); ``--resume`` keeps what the checkpoint holds
and trains the rest, and since every part trains from its own seed a resumed run exports what a run from nothing does.
"""
import argparse
import copy
import contextlib
import hashlib
import json
import math
import os
import random
import sys
import time
from collections import OrderedDict, defaultdict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import components as C
from . import corpus, export, nano, pipeline, probes, safetensors_io, schedulers, tokenizer, world, world_media
from . import world_text
from . import train_data as D
from .tokenizer import BOS, EOS, PAD

MODALITIES = world_media.MODALITIES
BASE = tokenizer.BASE_VOCAB

# steps per stage: "full" is the committed bundle's run, "quick" a smoke run of the whole pipeline. The image VAE
# trains longer than the audio one: at 400 steps it lost shape (judged reconstructions of train samples: shape 55 %;
# at 1 600 steps 96 %). The video VAE is the image VAE on each frame (``inherit_image_vae``): no steps of its own.
BUDGETS = {
    "full": {"samples": 3000, "dialogues": 20000, "contrastive": {"image": 1500, "audio": 500, "video": 1500},
             "pretrain": 2000,
             "vae": {"image": 1600, "audio": 800}, "vocoder": 400,
             "denoiser": {"image": 4000, "video": 4000, "audio": 3500}, "stage2": 600, "stage3": 600,
             "stage4": 2400, "instruction": 8000},
    "quick": {"samples": 120, "dialogues": 300, "contrastive": {"image": 6, "audio": 6, "video": 6}, "pretrain": 6,
              "vae": {"image": 4, "audio": 4}, "vocoder": 4,
              "denoiser": {"image": 4, "video": 4, "audio": 4}, "stage2": 4, "stage3": 4, "stage4": 6,
              "instruction": 60},
}
LORA_RANK, LORA_ALPHA = 16, 32
CAPTION_DROPOUT = 0.1
# weight of the audio text encoder's profile loss (train_denoiser; the denoising loss does not reach it)
W_PROFILE = 1.0
W_L2, W_DENOISE = 1.0, 1.0
# weight of the encoders' zero-shot classification against one-attribute captions (world_text.attribute_caption)
W_ATTRIBUTE_CAPTIONS = 1.0
# std of the diffusion latent (the VAE latent is scaled to it; the VAE decoder's first conv undoes the scale). A
# noise-schedule shift (Chen 2023, "On the importance of noise scheduling"): at unit std these tiny latents keep
# their class structure even at t = 999 of SD's schedule, so a denoiser learned to read pitch or direction from the
# noisy latent instead of the caption, and sampling from pure noise chose them at random.
DIFFUSION_STD = {"image": 0.25, "video": 0.25, "audio": 0.25}
# Min-SNR-γ loss weighting (Hang et al. 2023) for ε-prediction: low-noise steps, which only sharpen details, count
# less; the high-noise steps that decide the caption's attributes count fully.
MIN_SNR_GAMMA = 5.0
# Mixed precision: a part's forward passes run under bfloat16 autocast (weights, optimiser state and losses stay
# float32) where the CPU multiplies bfloat16 natively (AMX / AVX512-BF16: oneDNN kernels several times faster than
# float32); on CPUs without it bfloat16 is emulated and slower, so ``--precision auto`` keeps float32 there.
# ``auto`` uses bfloat16 only for the parts whose bfloat16 training matched float32 on the full budget: the image and
# video encoders, LLM pretraining and the alignment stages 2-4. The audio encoder (not separated from a budget
# change), the image decoder (not separated from run-to-run variation), the audio decoder and vocoder (audio that kept
# its pitch in Python lost it through the Java runtime) and the video denoiser (validated in bfloat16 when it trained
# from scratch, not since it starts from the image denoiser) train in float32 there;
# ``--precision bf16`` puts every part in bfloat16.
PRECISION_PARTS = tuple([f"encoder.{m}" for m in MODALITIES] + ["llm"] + ["vae.image", "vae.audio"]
                        + ["vocoder"] + [f"denoiser.{m}" for m in MODALITIES] + ["alignment"])
BF16_VALIDATED = frozenset(["encoder.image", "encoder.video", "llm", "alignment"])
PRECISION = {"bf16": frozenset()}  # the parts that train under bfloat16 autocast now


def bf16_parts(choice, native):
    """The parts ``--precision choice`` trains in bfloat16 on a CPU with (``native``) or without native bfloat16."""
    if choice == "bf16":
        return frozenset(PRECISION_PARTS)
    return BF16_VALIDATED if choice == "auto" and native else frozenset()


def native_bf16():
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read().split()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


_NORMS = {cls: cls.forward for cls in (nn.GroupNorm, nn.LayerNorm)}


def _norm_in_float32(cls):
    # CPU autocast (torch 1.13) leaves group_norm / layer_norm out of its casts and then fails on a bfloat16 input
    # with float32 weights: these norms read float32, as they do under CUDA autocast
    return lambda self, x: _NORMS[cls](self, x.float())


@contextlib.contextmanager
def mixed(part):
    """The autocast context every training forward pass of ``part`` runs in (a no-op where it trains in float32)."""
    if part not in PRECISION_PARTS:
        raise ValueError(f"mixed(): unknown part {part!r} (parts: {', '.join(PRECISION_PARTS)})")
    if part not in PRECISION["bf16"]:
        yield
        return
    for cls in _NORMS:
        cls.forward = _norm_in_float32(cls)
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            yield
    finally:
        for cls, forward in _NORMS.items():
            cls.forward = forward


class Log:
    def __init__(self, path):
        self.f = open(path, "a") if path else None
        self.t0 = time.time()

    def __call__(self, *parts):
        line = f"[{time.time() - self.t0:7.1f}s] " + " ".join(str(p) for p in parts)
        print(line, flush=True)
        if self.f:
            self.f.write(line + "\n")
            self.f.flush()


def count(params):
    return sum(p.numel() for p in params)


def adam(params, lr, steps, warmup=50):
    """AdamW with linear warm-up and cosine decay to 10 %; ``params`` a list of tensors or of param groups (dicts
    with their own "lr"). Returns (optimiser, schedule, the trainable tensors)."""
    groups = params if params and isinstance(params[0], dict) else [{"params": params}]
    groups = [dict(g, params=[p for p in g["params"] if p.requires_grad]) for g in groups]
    params = [p for g in groups for p in g["params"]]
    opt = torch.optim.AdamW(groups, lr=lr, weight_decay=0.0, betas=(0.9, 0.98))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps))))
    return opt, sched, params


def step(opt, sched, params, loss, clip=1.0):
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, clip)
    opt.step()
    sched.step()


def freeze(module, trainable=False):
    for p in module.parameters():
        p.requires_grad_(trainable)
    return module


# ================================================================ data

class Data:
    """The world's train split rendered once: per modality the samples' encoder inputs and decoder targets."""

    def __init__(self, w, sp, log):
        self.w, self.sp = w, sp
        self.samples, self.enc_in, self.dec_target = {}, {}, {}
        for m in MODALITIES:
            t0 = time.time()
            items = w.samples(m, "train")
            sigs = [w.render(s) for s in items]
            self.samples[m] = items
            self.enc_in[m] = torch.stack([D.encoder_input(m, s, codec=(m == "video" and i % 2 == 0))
                                          for i, s in enumerate(sigs)])
            self.dec_target[m] = torch.stack([D.decoder_target(m, s) for s in sigs])
            log(f"data {m}: {len(items)} samples rendered in {time.time() - t0:.1f}s")
        self.combo_index = {m: defaultdict(list) for m in MODALITIES}
        for m in MODALITIES:
            for i, s in enumerate(self.samples[m]):
                self.combo_index[m][world.combo_key(m, s["attrs"])].append(i)


def length_batches(lengths, size, rng):
    """Endless batches of indices with similar lengths (little padding), in random order."""
    while True:
        order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
        chunks = [order[i:i + size] for i in range(0, len(order), size)]
        rng.shuffle(chunks)
        yield from chunks


# ================================================================ stage 1a: encoders, contrastive with text

class TextTower(nn.Module):
    """Training-only text side of the joint embedding space (CLIP's text encoder in ImageBind)."""

    def __init__(self):
        super().__init__()
        self.enc = C.TextEncoder(nano.VOCAB, 24, 64, 1, nano.EMBED_DIM)

    def forward(self, ids):
        return C.l2_normalize(self.enc(ids)[:, 0])


def train_encoders(mods, data, budget, log, rng):
    tower = TextTower()
    for p in tower.parameters():
        if p.dim() > 1 and p.shape[-1] == 64 and p.shape[0] == 1:
            nn.init.normal_(p, std=0.5)
    encs = {m: freeze(mods[f"encoder.{m}"], True).train() for m in MODALITIES}
    logit_scale = nn.Parameter(torch.tensor(math.log(20.0)))
    params = list(tower.parameters()) + [logit_scale] + [p for m in MODALITIES for p in encs[m].parameters()]
    # the modalities' steps interleaved evenly over one schedule (each its own count; equal counts take turns in
    # MODALITIES order)
    order = [m for _, _, m in sorted((i / n, MODALITIES.index(m), m) for m, n in budget["contrastive"].items()
                                     for i in range(n))]
    steps = len(order)
    opt, sched, params = adam(params, 2e-3, steps)
    caps = {m: torch.tensor([tokenizer.text_encoder_ids(data.sp, world_text.canonical_caption(m, s["attrs"]), 24)
                             for s in data.samples[m]]) for m in MODALITIES}
    keys = {m: [world.combo_key(m, s["attrs"]) for s in data.samples[m]] for m in MODALITIES}
    # per attribute: the one-attribute captions of its values, and each sample's value index (zero-shot
    # classification against them factorises the space; the combination loss alone lets a held-out combination
    # fall onto its nearest training combination)
    attr_caps = {m: {k: torch.tensor([tokenizer.text_encoder_ids(data.sp, world_text.attribute_caption(m, k, v), 24)
                                      for v in vals]) for k, vals in world_media.ATTRIBUTES[m].items()}
                 for m in MODALITIES}
    attr_idx = {m: {k: torch.tensor([vals.index(s["attrs"][k]) for s in data.samples[m]])
                    for k, vals in world_media.ATTRIBUTES[m].items()} for m in MODALITIES}
    t0 = time.time()
    for it in range(steps):
        m = order[it]
        n = len(data.samples[m])
        idx = rng.sample(range(n), min(64, n))
        x = data.enc_in[m][idx]
        with mixed(f"encoder.{m}"):
            e = encs[m](x if m == "image" else x[:, :1]).float()  # the clips of a 1 s item are identical
            t = tower(caps[m][idx]).float()
            t_attr = {k: tower(c).float() for k, c in attr_caps[m].items()}
        same = torch.tensor([[keys[m][i] == keys[m][j] for j in idx] for i in idx], dtype=torch.float32)
        target = same / same.sum(1, keepdim=True)
        scale = logit_scale.exp().clamp(max=100)
        logits = scale * e @ t.t()
        loss = 0.5 * (-(target * F.log_softmax(logits, 1)).sum(1).mean()
                      - (target * F.log_softmax(logits.t(), 1)).sum(1).mean())
        attr_loss = sum(F.cross_entropy(scale * e @ t_attr[k].t(), attr_idx[m][k][idx]) for k in t_attr)
        loss = loss + W_ATTRIBUTE_CAPTIONS * attr_loss / len(t_attr)
        step(opt, sched, params, loss)
        if it % 150 == 0 or it == steps - 1:
            log(f"stage1 encoders step {it}/{steps} {m} loss {loss.item():.3f}")
    for m in MODALITIES:
        freeze(encs[m]).eval()
    log(f"stage1 encoders: {time.time() - t0:.0f}s, trained {count(params)} params")
    return tower


@torch.no_grad()
def encoder_retrieval_accuracy(mods, tower, w, sp, split="valid"):
    """Zero-shot combination retrieval on ``split``: is the nearest canonical caption the right one?"""
    out = {}
    for m in MODALITIES:
        combos = world.all_combos(m)
        t = tower(torch.tensor([tokenizer.text_encoder_ids(sp, world_text.canonical_caption(m, c), 24) for c in combos]))
        items = w.samples(m, split)[:200]
        e = mods[f"encoder.{m}"](torch.stack([D.encoder_input(m, w.render(s)) for s in items]))
        pred = (e @ t.t()).argmax(1).tolist()
        hits = [combos[p] == s["attrs"] for p, s in zip(pred, items)]
        held = [h for h, s in zip(hits, items) if s["heldout_combo"]]
        out[m] = {"all": round(sum(hits) / len(items), 3),
                  "held-out combinations": round(sum(held) / max(1, len(held)), 3)}
        for k in world_media.ATTRIBUTES[m]:
            out[m][k] = round(sum(combos[p][k] == s["attrs"][k] for p, s in zip(pred, items)) / len(items), 3)
    return out


# ================================================================ the LLM in training form

class LoRALinear(nn.Module):
    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = freeze(base)
        self.a = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + (x @ self.a.t() @ self.b.t()) * self.scale

    def merged(self):
        lin = nn.Linear(self.base.in_features, self.base.out_features, bias=False)
        with torch.no_grad():
            lin.weight.copy_(self.base.weight + self.scale * self.b @ self.a)
        return lin


LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


class TrainLlm(nn.Module):
    """llm.embed + llm.forward with the signal tokens' embedding and output rows as their own parameters."""

    def __init__(self, embed, fwd):
        super().__init__()
        self.fwd = fwd
        w = embed.embed_tokens.weight.detach()
        h = fwd.lm_head.weight.detach()
        self.embed_base = nn.Parameter(w[:BASE].clone())
        self.embed_sig = nn.Parameter(w[BASE:].clone())
        self.head_base = nn.Parameter(h[:BASE].clone())
        self.head_sig = nn.Parameter(h[BASE:].clone())
        freeze(fwd.lm_head)

    def table(self):
        return torch.cat([self.embed_base, self.embed_sig], 0)

    def body_params(self):
        return [p for n, p in self.fwd.named_parameters() if not n.startswith("lm_head")]

    def add_lora(self):
        for layer in self.fwd.layers:
            for name in LORA_TARGETS:
                setattr(layer, name, LoRALinear(getattr(layer, name), LORA_RANK, LORA_ALPHA))
        return [p for layer in self.fwd.layers for name in LORA_TARGETS
                for p in (getattr(layer, name).a, getattr(layer, name).b)]

    def merge_lora(self):
        for layer in self.fwd.layers:
            for name in LORA_TARGETS:
                mod = getattr(layer, name)
                if isinstance(mod, LoRALinear):
                    setattr(layer, name, mod.merged())

    def forward(self, embeds, mask):
        b, t = embeds.shape[:2]
        past = nano.empty_past(b)
        pos = torch.arange(t).unsqueeze(0).expand(b, -1)
        _, hidden, _ = self.fwd(embeds, mask, pos, past)
        return hidden @ torch.cat([self.head_base, self.head_sig], 0).t(), hidden

    def export_into(self, embed, fwd):
        self.merge_lora()
        with torch.no_grad():
            embed.embed_tokens.weight.copy_(self.table())
            fwd.lm_head.weight.copy_(torch.cat([self.head_base, self.head_sig], 0))
        for i, layer in enumerate(self.fwd.layers):
            fwd.layers[i].load_state_dict(layer.state_dict())
        fwd.norm.load_state_dict(self.fwd.norm.state_dict())


def pad_batch(seqs, fill):
    n = max(len(s) for s in seqs)
    return torch.tensor([s + [fill] * (n - len(s)) for s in seqs]), torch.tensor(
        [[1] * len(s) + [0] * (n - len(s)) for s in seqs])


# ================================================================ stage 1b: LLM pretraining on the world's text

def world_text_lines(w, split="train", max_dialogues=None):
    """The world's text as plain lines (the tokenizer's training text): dialogues in the prompt template with media
    as empty tags, and every caption."""
    tags = {m: "".join(pair) for m, pair in pipeline.PROMPT["media"].items()}
    lines = []
    for d in w.dialogues(split)[:max_dialogues]:
        parts = []
        for u, a in zip(d["turns"][0::2], d["turns"][1::2]):
            media = "".join(tags[m["modality"]] for m in u["media"])
            parts.append("### Human: " + media + (" " if media else "") + u["text"] + "\n### Assistant: " + a["text"])
        lines.append("\n".join(parts) + "\n###")
    for m in MODALITIES:
        for s in w.samples(m, split):
            lines.extend(s["captions"])
    return lines


def pretrain_texts(w, sp, split="train"):
    """The LLM's pretraining text: every dialogue exactly as the serving prompt tokenizes it (signal tokens left out),
    every caption, and the general corpus. A media slot holds the mean embedding of its caption's words (a "bag of
    words"): the tiny LLM thereby learns to read one vector between media tags, which is what the input projections
    are then aligned to produce (a billion-parameter LLM brings that ability; ours has to be taught it)."""
    out = []
    for d in w.dialogues(split):
        e = D.dialogue_examples(sp, d)[-1]
        ids = [i for i in e["ids"] if i < BASE]
        out.append({"ids": ids, "media": [sp.encode(world_text.canonical_caption(r["modality"], r["attrs"]))
                                          for r in e["media"]]})
    for m in MODALITIES:  # one caption per sample (the dialogues hold the captions' phrasings too)
        for n, smp in enumerate(w.samples(m, split)):
            out.append({"ids": [BOS] + sp.encode(smp["captions"][n % len(smp["captions"])])[:126] + [EOS], "media": []})
    out.extend({"ids": [BOS] + sp.encode(x)[:126] + [EOS], "media": []} for x in corpus.generate_corpus(7, 1000))
    return out


def bag_of_words(table, caption_ids):
    return table[torch.tensor(caption_ids)].mean(0)


def pretrain_llm(llm, w, sp, budget, log, rng):
    texts = pretrain_texts(w, sp)
    params = [llm.embed_base, llm.head_base] + llm.body_params()
    for p in params:
        p.requires_grad_(True)
    steps = budget["pretrain"]
    opt, sched, params = adam(params, 2e-3, steps, warmup=100)
    batches = length_batches([len(x["ids"]) for x in texts], 32, rng)
    t0 = time.time()
    for it in range(steps):
        batch = [texts[i] for i in next(batches)]
        ids, mask = pad_batch([e["ids"] for e in batch], PAD)
        table = llm.table()
        x = F.embedding(ids.clamp_min(0), table)
        is_media = ids == D.MEDIA
        if is_media.any():
            x = x.clone()
            x[is_media] = torch.stack([bag_of_words(table, c) for e in batch for c in e["media"]])
        with mixed("llm"):
            logits = llm(x, mask)[0].float()
        labels = ids.masked_fill((mask == 0) | is_media, -100)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, nano.VOCAB), labels[:, 1:].reshape(-1), ignore_index=-100)
        step(opt, sched, params, loss)
        if it % 250 == 0 or it == steps - 1:
            log(f"stage1 llm pretrain step {it}/{steps} loss {loss.item():.3f}")
    log(f"stage1 llm pretrain: {time.time() - t0:.0f}s, {len(texts)} texts, trained {count(params)} params")


# ================================================================ stage 1c: latent diffusion decoders

class VaeEncoder(nn.Module):
    """Training-only encoder of a modality's VAE: two ×2 downsamplings to the latent, mean and log-variance."""

    def __init__(self, nd, cin, latent, down, width):
        super().__init__()
        k = tuple(1 if s == 1 else 3 for s in down)
        pad = tuple(0 if s == 1 else 1 for s in down)
        self.conv_in = C._conv(nd, cin, width // 4, 3, padding=1)
        self.res1 = C.ResBlock(nd, width // 4, width // 4)
        self.down1 = C._conv(nd, width // 4, width // 2, k, stride=down, padding=pad)
        self.res2 = C.ResBlock(nd, width // 2, width // 2)
        self.down2 = C._conv(nd, width // 2, width, k, stride=down, padding=pad)
        self.res3 = C.ResBlock(nd, width, width)
        self.norm = nn.GroupNorm(8, width)
        self.out = C._conv(nd, width, 2 * latent, 3, padding=1)
        self.register_buffer("_e", torch.zeros(0), persistent=False)

    def forward(self, x):
        h = self.res1(self.conv_in(x), self._e)
        h = self.res2(self.down1(h), self._e)
        h = self.res3(self.down2(h), self._e)
        mean, logvar = self.out(F.silu(self.norm(h))).chunk(2, dim=1)
        return mean, logvar.clamp(-20, 5)


VAE_SPEC = {"image": (2, 3, 4, (2, 2), 64), "audio": (2, 1, 8, (2, 2), 64)}


class FrameVaeEncoder(nn.Module):
    """The video VAE's training-only encoder: the image VAE encoder on every frame alone ([B,3,T,H,W] -> [B,C,T,h,w])."""

    def __init__(self, frame):
        super().__init__()
        self.frame = frame

    def forward(self, x):
        b, t = x.size(0), x.size(2)
        mean, logvar = self.frame(x.transpose(1, 2).flatten(0, 1))
        return tuple(v.unflatten(0, (b, t)).transpose(1, 2) for v in (mean, logvar))


def vae_encoder(m):
    """A fresh training-only VAE encoder for modality ``m``."""
    if m == "video":
        return FrameVaeEncoder(VaeEncoder(*VAE_SPEC["image"]))
    return VaeEncoder(*VAE_SPEC[m])


# stage-1 parts that start from another part's weights (and train again whenever it does): the video VAE is the image
# VAE on each frame, and the video decoder's text encoder and denoiser start from the image decoder's, as Zeroscope
# (ModelScope's text-to-video) keeps Stable Diffusion's VAE and text encoder and grows its UNet with temporal layers.
# Trained from scratch on the video clips alone, the video decoder drew circles and squares alike (shape 65 % through
# Java): its own VAE kept the shape of 107 of 150 clips, and its text encoder put "circle" 1.2-2.8 from "square".
INHERITS = {"vae.video": "vae.image", "denoiser.video": "denoiser.image"}
# the inherited video decoder's learning rates: its denoiser keeps what the image denoiser knows of shape and colour
# and learns motion; its text encoder (frozen in Zeroscope) learns the words for directions slowly
INHERITED_DENOISER_LR, INHERITED_TEXT_ENCODER_LR = 5e-4, 1e-4


def inherit_image_vae(mods, vae_encoders, log):
    """The video VAE is the image VAE on each frame: its decoder and encoder are copies of the image VAE's (the
    decoder refolded from the image's diffusion std to the video's)."""
    frame = mods["decoder.video.vae_decoder"].frame
    frame.load_state_dict(mods["decoder.image.vae_decoder"].state_dict())
    set_diffusion_std(frame, DIFFUSION_STD["image"], DIFFUSION_STD["video"])
    enc, s = vae_encoders["image"]
    vae_encoders["video"] = (freeze(FrameVaeEncoder(copy.deepcopy(enc))).eval(), s)
    log(f"stage1 vae video: the image VAE on each frame (latent std {s:.3f})")


@torch.no_grad()
def inflate(video, image):
    """Copies a 2-D module's weights into its 3-D twin (I3D's inflation): each conv kernel into the middle frame of
    the 3-D kernel (its other frames zero), the position embedding onto every frame; everything else as it is. The
    inflated denoiser starts as the image denoiser on each frame alone: exactly that on a still clip."""
    own = image.state_dict()
    for key, t in video.state_dict().items():
        src = own[key]
        if t.shape == src.shape:
            t.copy_(src)
        elif key == "position" and t.dim() == 5 and t.shape[:2] + t.shape[3:] == src.shape:
            t.copy_(src.unsqueeze(2).expand_as(t))
        elif t.dim() == 5 and src.dim() == 4 and t.shape[:2] == src.shape[:2] and t.shape[3:] == src.shape[2:]:
            t.zero_()
            t[:, :, t.size(2) // 2].copy_(src)
        else:
            raise ValueError(f"inflate: {key} {tuple(src.shape)} has no 3-D twin {tuple(t.shape)}")


def inherit_image_decoder(mods, log):
    """Starts the video decoder's text encoder and denoiser from the trained image decoder's (see ``INHERITS``)."""
    mods["decoder.video.text_encoder"].load_state_dict(mods["decoder.image.text_encoder"].state_dict())
    inflate(mods["decoder.video.denoiser"], mods["decoder.image.denoiser"])
    log("stage1 denoiser video: text encoder and denoiser start from the image decoder's (denoiser inflated to 3-D)")


def train_vae(m, mods, data, budget, log, rng):
    enc = vae_encoder(m)
    dec = freeze(mods[f"decoder.{m}.vae_decoder"], True).train()
    params = list(enc.parameters()) + list(dec.parameters())
    steps = budget["vae"][m]
    opt, sched, params = adam(params, 2e-3, steps)
    x_all = data.dec_target[m]
    t0 = time.time()
    for it in range(steps):
        x = x_all[rng.sample(range(len(x_all)), min(48 if m == "image" else 32, len(x_all)))]
        with mixed(f"vae.{m}"):
            mean, logvar = (v.float() for v in enc(x))
            z = mean + torch.randn_like(mean) * (0.5 * logvar).exp()
            rec = dec(z).float()
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).mean()
        loss = F.mse_loss(rec, x) + 1e-4 * kl
        step(opt, sched, params, loss)
        if it % 200 == 0 or it == steps - 1:
            log(f"stage1 vae {m} step {it}/{steps} loss {loss.item():.4f} kl {kl.item():.2f}")
    freeze(dec).eval()
    freeze(enc).eval()
    with torch.no_grad():
        means = torch.cat([enc(x_all[i:i + 256])[0] for i in range(0, len(x_all), 256)])
        s = float(means.std())
        # the decoder is called on latent / latent_scale: fold s·latent_scale into its first conv so that the
        # diffusion latent (mean / s) has unit variance
        dec.conv_in.weight.mul_(s * nano.LATENT_SCALE)
    log(f"stage1 vae {m}: {time.time() - t0:.0f}s, latent std {s:.3f}")
    return enc, s


@torch.no_grad()
def latents(enc, s, x):
    return torch.cat([enc(x[i:i + 256])[0] for i in range(0, len(x), 256)]) / s


def train_vocoder(mods, data, budget, log, rng):
    voc = freeze(mods["decoder.audio.vocoder"], True).train()
    params = list(voc.parameters())
    steps = budget["vocoder"]
    opt, sched, params = adam(params, 1e-3, steps)
    waves = torch.stack([torch.from_numpy(D.pcm16(data.w.render(s))) for s in data.samples["audio"]])
    mels = data.dec_target["audio"]
    t0 = time.time()
    for it in range(steps):
        idx = rng.sample(range(len(waves)), min(16, len(waves)))
        with mixed("vocoder"):
            y = voc(mels[idx].squeeze(1)).float()
        loss = stft_loss(y, waves[idx])
        step(opt, sched, params, loss)
        if it % 200 == 0 or it == steps - 1:
            log(f"stage1 vocoder step {it}/{steps} loss {loss.item():.4f}")
    freeze(voc).eval()
    log(f"stage1 vocoder: {time.time() - t0:.0f}s")


def stft_loss(y, x):
    loss = 0.0
    for n_fft in (256, 512, 1024):
        win = torch.hann_window(n_fft)
        a = torch.stft(y, n_fft, n_fft // 4, window=win, return_complex=True).abs()
        b = torch.stft(x, n_fft, n_fft // 4, window=win, return_complex=True).abs()
        loss = loss + (b - a).norm() / b.norm().clamp_min(1e-6) + F.l1_loss(torch.log(a + 1e-4), torch.log(b + 1e-4))
    return loss / 3


ALPHAS = torch.tensor(schedulers.alphas_cumprod(nano.SCHEDULER), dtype=torch.float32)


def noisy(x0, t, noise):
    a = ALPHAS[t].view(-1, *([1] * (x0.dim() - 1)))
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def denoising_loss(denoiser, x0, conditioning, part):
    """ε-prediction MSE at uniformly drawn timesteps, Min-SNR-γ weighted (normalised to the batch's weights)."""
    t = torch.randint(0, nano.SCHEDULER["num_train_timesteps"], (x0.size(0),))
    noise = torch.randn_like(x0)
    with mixed(part):
        eps = denoiser(noisy(x0, t, noise), t.float(), conditioning).float()
    err = (eps - noise).pow(2).flatten(1).mean(1)
    snr = ALPHAS[t] / (1 - ALPHAS[t])
    weight = snr.clamp(max=MIN_SNR_GAMMA) / snr
    return (err * weight).sum() / weight.sum()


def set_diffusion_std(vae_decoder, old, new):
    """Rescale the VAE decoder's first conv so that it reads latents of std ``new`` instead of ``old``."""
    with torch.no_grad():
        getattr(vae_decoder, "frame", vae_decoder).conv_in.weight.mul_(old / new)


def sound_profile(log_mels):
    """log-mel [N,1,100,64] -> [N, 25 + 16]: what the audio conditioning says (``components.ProfileDenoiser``): the
    loudness envelope over the latent frames (each frame's loudest mel band, averaged over the 4 mel frames of a
    latent frame) and the spectral profile over the latent mel rows (each band's loudest frame, averaged over the 4
    bands of a row), each scaled to [0, 1] within the sample. By the world's construction the envelope depends on the
    pattern only and the spectrum on the pitch only."""
    x = log_mels[:, 0]
    n, frames, rows = x.size(0), nano.DECODERS["audio"]["latent_shape"][1], nano.DECODERS["audio"]["latent_shape"][2]
    env = x.amax(dim=2).reshape(n, frames, -1).mean(dim=2)
    spec = x.amax(dim=1).reshape(n, rows, -1).mean(dim=2)

    def unit(v):
        lo, hi = v.amin(dim=1, keepdim=True), v.amax(dim=1, keepdim=True)
        return (v - lo) / (hi - lo).clamp_min(1e-6)
    return torch.cat([unit(env), unit(spec)], dim=1)


def train_denoiser(m, mods, data, z_all, budget, log, rng, lr=1e-3, te_lr=1e-3):
    """The text encoder and the denoiser of a decoder, together from the denoising loss; the audio text encoder
    instead learns the sound's profile (``sound_profile``, MSE) and the audio denoiser reads it without passing its
    gradient back, so that the conditioning stays the profile (``components.ProfileDenoiser``)."""
    te = freeze(mods[f"decoder.{m}.text_encoder"], True).train()
    den = freeze(mods[f"decoder.{m}.denoiser"], True).train()
    profiles = sound_profile(data.dec_target[m]) if m == "audio" else None
    steps = budget["denoiser"][m]
    opt, sched, params = adam([{"params": list(den.parameters()), "lr": lr},
                               {"params": list(te.parameters()), "lr": te_lr}], lr, steps)
    neg = tokenizer.text_encoder_ids(data.sp, "", nano.TEXT_LEN)
    caps = [[tokenizer.text_encoder_ids(data.sp, c, nano.TEXT_LEN) for c in s["captions"]]
            + [tokenizer.text_encoder_ids(data.sp, world_text.canonical_caption(m, s["attrs"]), nano.TEXT_LEN)]
            for s in data.samples[m]]
    t0 = time.time()
    for it in range(steps):
        idx = rng.sample(range(len(z_all)), min(64, len(z_all)))
        ids = torch.tensor([neg if rng.random() < CAPTION_DROPOUT else rng.choice(caps[i]) for i in idx])
        with mixed(f"denoiser.{m}"):
            cond = te(ids).float()
        if profiles is None:
            loss = denoising_loss(den, z_all[idx], cond, f"denoiser.{m}")
            extra = ""
        else:
            profile_loss = F.mse_loss(cond[:, 0, :nano.AUDIO_PROFILE_DIM], profiles[idx])
            loss = denoising_loss(den, z_all[idx], cond.detach(), f"denoiser.{m}") + W_PROFILE * profile_loss
            extra = f" profile {profile_loss.item():.4f}"
        step(opt, sched, params, loss)
        if it % 500 == 0 or it == steps - 1:
            log(f"stage1 denoiser {m} step {it}/{steps} loss {loss.item():.4f}{extra}")
    freeze(te).eval()
    freeze(den).eval()
    log(f"stage1 denoiser {m}: {time.time() - t0:.0f}s, trained {count(params)} params")


# ================================================================ stages 2-4: alignment and instruction tuning

class Aligner:
    """Everything the LLM-centric stages need: media embeddings, target latents, caption conditionings."""

    def __init__(self, mods, llm, data, zs, sp):
        self.mods, self.llm, self.data, self.zs, self.sp = mods, llm, data, zs, sp
        self.emb = {}
        with torch.no_grad():
            for m in MODALITIES:
                self.emb[m] = torch.cat([mods[f"encoder.{m}"](data.enc_in[m][i:i + 256])
                                         for i in range(0, len(data.enc_in[m]), 256)])
        self.media_cache = {}
        self.cond_cache = {}

    @torch.no_grad()
    def media_embedding(self, ref):
        key = (ref["modality"], ref["seed"])
        if key not in self.media_cache:
            m = ref["modality"]
            x = D.encoder_input(m, world.World.render(ref), codec=(m == "video"))
            self.media_cache[key] = self.mods[f"encoder.{m}"](x.unsqueeze(0))[0]
        return self.media_cache[key]

    @torch.no_grad()
    def caption_conditioning(self, m, caption):
        key = (m, caption)
        if key not in self.cond_cache:
            ids = torch.tensor([tokenizer.text_encoder_ids(self.sp, caption, nano.TEXT_LEN)])
            self.cond_cache[key] = self.mods[f"decoder.{m}.text_encoder"](ids)[0]
        return self.cond_cache[key]

    def target_latent(self, m, attrs, rng):
        pool = self.data.combo_index[m].get(world.combo_key(m, attrs))
        if not pool:
            return None
        return self.zs[m][rng.choice(pool)]

    def forward(self, examples, media_vecs):
        """(logits, hidden, labels) for examples {ids, labels_from}; media_vecs: [n_media, H] in order."""
        ids, mask = pad_batch([e["ids"] for e in examples], PAD)
        is_media = ids == D.MEDIA
        x = F.embedding(ids.clamp_min(0), self.llm.table())
        if media_vecs is not None and len(media_vecs):
            x = x.clone()
            x[is_media] = media_vecs
        with mixed("alignment"):
            logits, hidden = (v.float() for v in self.llm(x, mask))
        labels = ids.clone()
        for r, e in enumerate(examples):
            labels[r, :e["labels_from"]] = -100
        labels = labels.masked_fill(mask == 0, -100)
        return logits, hidden, labels

    def project_media(self, examples):
        refs = [ref for e in examples for ref in e["media"]]
        if not refs:
            return None
        # the frozen encoders' embeddings in float32, as serving computes them; only the projection under autocast
        embs = [ref["emb"] if "emb" in ref else self.media_embedding(ref) for ref in refs]
        with mixed("alignment"):
            vecs = [self.mods[f"input_projection.{ref['modality']}"](emb.unsqueeze(0))[0, 0].float()
                    for ref, emb in zip(refs, embs)]
        return torch.stack(vecs)

    def losses(self, examples, rng, with_groups=True):
        logits, hidden, labels = self.forward(examples, self.project_media(examples))
        nll = F.cross_entropy(logits[:, :-1].reshape(-1, nano.VOCAB), labels[:, 1:].reshape(-1), ignore_index=-100)
        if not with_groups:
            return nll, {"nll": nll.item()}
        by_mod = defaultdict(list)
        for r, e in enumerate(examples):
            for m, start, target in e["groups"]:
                by_mod[m].append((r, start, target))
        l2, dn, n = 0.0, 0.0, 0
        for m, groups in by_mod.items():
            k = nano.SIGNAL_COUNTS[m]
            h = torch.stack([hidden[r, s:s + k] for r, s, _ in groups])
            first = nano.signal_first_id(m) - BASE
            e_sig = self.llm.embed_sig[first:first + k].unsqueeze(0).expand(len(groups), -1, -1)
            with mixed("alignment"):
                cond = self.mods[f"output_projection.{m}"](h, e_sig).float()
            target = torch.stack([self.caption_conditioning(m, t["caption"]) for _, _, t in groups])
            l2 = l2 + F.mse_loss(cond, target) * len(groups)
            z = [self.target_latent(m, t["attrs"], rng) for _, _, t in groups]
            keep = [i for i, v in enumerate(z) if v is not None]
            if keep:
                x0 = torch.stack([z[i] for i in keep])
                dn = dn + denoising_loss(self.mods[f"decoder.{m}.denoiser"], x0, cond[keep], "alignment") * len(keep)
            n += len(groups)
        if n == 0:
            return nll, {"nll": nll.item()}
        l2, dn = l2 / n, dn / n
        return nll + W_L2 * l2 + W_DENOISE * dn, {"nll": nll.item(), "l2": float(l2), "denoise": float(dn)}


def stage2_examples(al, rng, n):
    """X → caption: the media embedding alone as the human turn, one of the sample's captions as the answer."""
    out = []
    for _ in range(n):
        m = rng.choice(MODALITIES)
        i = rng.randrange(len(al.data.samples[m]))
        s = al.data.samples[m][i]
        p = D.prompt_ids(al.sp, [{"media": [m], "text": ""}])
        out.append({"ids": p + al.sp.encode(rng.choice(s["captions"])) + [EOS], "labels_from": len(p),
                    "media": [{"modality": m, "emb": al.emb[m][i]}], "groups": []})
    return out


def train_stage(name, al, params, batches, steps, lr, log, rng, with_groups=True):
    opt, sched, params = adam(params, lr, steps)
    t0 = time.time()
    for it in range(steps):
        loss, parts = al.losses(batches(), rng, with_groups)
        step(opt, sched, params, loss)
        if it % 100 == 0 or it == steps - 1:
            log(f"{name} step {it}/{steps} " + " ".join(f"{k} {v:.4f}" for k, v in parts.items()))
    log(f"{name}: {time.time() - t0:.0f}s")


def trainable_share(total, params):
    n = count(params)
    return n, 100.0 * n / total


# ================================================================ the whole run

TOKENIZER_DIALOGUES = 8000  # the tokenizer reads a fixed share of the dialogues: a larger budget keeps its pieces


def tokenizer_sentences(w, seed):
    lines = corpus.generate_corpus(seed, 20000)
    for line in world_text_lines(w, max_dialogues=TOKENIZER_DIALOGUES):
        lines.extend(line.split("\n"))
    return lines


def make_world(budget_name="full", world_seed=1):
    """The world a budget trains on (its test split is what ``evaluate`` scores)."""
    b = BUDGETS[budget_name]
    return world.World(world_seed, 0, {"samples": {"train": b["samples"], "valid": 200, "test": 200},
                                       "dialogues": {"train": b["dialogues"], "valid": 400, "test": 800}})


# stage 1's parts, in training order (a part comes after the parts it depends on)
STAGE1_PARTS = (["encoders", "llm"] + [f"vae.{m}" for m in MODALITIES] + ["vocoder"]
                + [f"denoiser.{m}" for m in MODALITIES])


def depends_on(part):
    """The stage-1 parts whose training makes ``part`` train again: a denoiser's VAE (the latents change) and the part
    it starts from (``INHERITS``)."""
    kind, _, m = part.partition(".")
    return ([f"vae.{m}"] if kind == "denoiser" else []) + ([INHERITS[part]] if part in INHERITS else [])


def part_of(component):
    """The stage-1 part that trains ``component`` (input/output projections belong to later stages: None)."""
    kind = component.split(".")
    if kind[0] == "encoder":
        return "encoders"
    if kind[0] == "llm":
        return "llm"
    if kind[0] == "decoder":
        return {"vocoder": "vocoder", "vae_decoder": f"vae.{kind[1]}", "denoiser": f"denoiser.{kind[1]}",
                "text_encoder": f"denoiser.{kind[1]}"}[kind[2]]
    return None


def bucketed(examples, size, rng):
    gen = length_batches([len(e["ids"]) for e in examples], size, rng)
    return lambda: [examples[i] for i in next(gen)]


def part_seed(seed, part):
    """A seed of its own for each training part (``encoders``, ``vae.audio``, ``alignment`` …): a part trains the same
    whether or not the parts before it ran in the same process, so resuming from a checkpoint reproduces a run from
    nothing."""
    return int.from_bytes(hashlib.sha256(f"{seed}/{part}".encode()).digest()[:4], "little")


def part_rng(seed, part):
    """Seeds torch for ``part`` and returns its Python RNG."""
    torch.manual_seed(part_seed(seed, part))
    return random.Random(part_seed(seed, part))


def part_recipe(part, args, budget, tokenizer_sha):
    """Everything a stage-1 part's weights depend on besides its architecture (which ``load_state_dict`` checks) and
    the code: a checkpointed part whose recipe differs is trained again."""
    recipe = {"seed": args.seed, "world_seed": args.world_seed, "samples": budget["samples"],
              "dialogues": budget["dialogues"], "tokenizer_sha256": tokenizer_sha}
    kind, _, m = part.partition(".")
    if kind == "encoders":
        recipe.update(steps=budget["contrastive"], w_attribute_captions=W_ATTRIBUTE_CAPTIONS)
    elif kind == "llm":
        recipe.update(steps=budget["pretrain"])
    elif kind == "vae":
        recipe.update(diffusion_std=DIFFUSION_STD[m])
        if part not in INHERITS:
            recipe.update(steps=budget["vae"][m])
    elif kind == "vocoder":
        recipe.update(steps=budget["vocoder"])
    else:
        recipe.update(steps=budget["denoiser"][m], caption_dropout=CAPTION_DROPOUT, min_snr_gamma=MIN_SNR_GAMMA,
                      diffusion_std=DIFFUSION_STD[m])
        if m == "audio":
            recipe.update(profile_weight=W_PROFILE)
        if part in INHERITS:  # its VAE's recipe is in its parent's
            recipe.update(lr=INHERITED_DENOISER_LR, text_encoder_lr=INHERITED_TEXT_ENCODER_LR)
        else:
            recipe.update(vae_steps=budget["vae"][m])
    if part in INHERITS:
        recipe["inherits"] = {INHERITS[part]: part_recipe(INHERITS[part], args, budget, tokenizer_sha)}
    return recipe


class Stage1Checkpoint:
    """Stage 1's trained parts in one file, written after each part: the frozen components NExT-GPT takes from
    elsewhere (ImageBind, Vicuna, Stable Diffusion …), here trained part by part and kept so that stages 2-4 can run
    again without them, and so that a stage 1 too long for one sitting can go on where it stopped.

    Per part it records its recipe (``part_recipe``), precision and wall time; the components' weights, the LLM's
    base weights and the training-only VAE encoders (the denoisers' latents are recomputed from them). Resuming
    trains again every part that is missing, whose recipe or architecture differs, that ``--retrain`` names, or that
    depends on a part trained again (``depends_on``); every other part is loaded as it was saved."""

    FORMAT = 2

    def __init__(self, path, args, budget, tokenizer_sha):
        self.path, self.args, self.budget, self.tokenizer_sha = path, args, budget, tokenizer_sha
        self.parts, self.state = {}, {"mods": {}, "llm": None, "vae_encoders": {}}

    def recipe(self, part):
        return part_recipe(part, self.args, self.budget, self.tokenizer_sha)

    def restore(self, mods, llm, vae_encoders, retrain, log):
        """Loads what can be kept; returns the stage-1 parts to train (all of them when ``retrain`` is None)."""
        if retrain is None:
            return set(STAGE1_PARTS)
        redo = set(filter(None, retrain.split(",")))
        unknown = redo - set(STAGE1_PARTS)
        if unknown:
            raise SystemExit(f"--retrain: unknown parts {sorted(unknown)} (parts: {','.join(STAGE1_PARTS)})")
        if not os.path.exists(self.path):
            log(f"stage1: no checkpoint at {self.path}; training every part")
            return set(STAGE1_PARTS)
        saved = self.read(self.path)
        if saved.get("format") != self.FORMAT:
            log(f"stage1: {self.path} is not a format-{self.FORMAT} checkpoint; training every part")
            return set(STAGE1_PARTS)
        for part in STAGE1_PARTS:
            if part in redo:
                continue
            if part not in saved["parts"]:
                redo.add(part)
                continue
            before, now = saved["parts"][part]["recipe"], self.recipe(part)
            if before != now:
                changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
                log(f"stage1: {part}'s recipe changed ({', '.join(changed)}); training it again")
                redo.add(part)
        for part in STAGE1_PARTS:  # in training order: a part's dependencies are decided before it
            if any(d in redo for d in depends_on(part)):
                redo.add(part)
            if part not in redo and not self.fits(part, saved, mods, llm):
                # checked before anything is loaded: load_state_dict copies what matches before it raises, and a
                # part trained again must start from its own seeded initialisation, as in a run from nothing
                log(f"stage1: {part} in the checkpoint does not fit the current architecture; training it again")
                redo.add(part)
            if part in redo:
                continue
            for name, sd in saved["mods"].items():
                if part_of(name) == part:
                    mods[name].load_state_dict(sd)
            if part == "llm":
                llm.load_state_dict(saved["llm"])
            if part.startswith("vae."):
                m = part[4:]
                enc = vae_encoder(m)
                enc.load_state_dict(saved["vae_encoders"][m]["state"])
                vae_encoders[m] = (freeze(enc).eval(), saved["vae_encoders"][m]["std"])
            self.parts[part] = saved["parts"][part]
        self.state = {"mods": {n: sd for n, sd in saved["mods"].items() if part_of(n) in self.parts},
                      "llm": saved["llm"] if "llm" in self.parts else None,
                      "vae_encoders": {m: v for m, v in saved["vae_encoders"].items() if f"vae.{m}" in self.parts}}
        log(f"stage1: resumed from {self.path}: kept {', '.join(p for p in STAGE1_PARTS if p not in redo) or 'nothing'}"
            f"; training {', '.join(p for p in STAGE1_PARTS if p in redo) or 'nothing'}")
        return redo

    @staticmethod
    def fits(part, saved, mods, llm):
        """Whether every module of ``part`` has exactly the checkpoint's tensor names and shapes."""
        def same(module, sd):
            own = module.state_dict()
            return own.keys() == sd.keys() and all(own[k].shape == sd[k].shape for k in own)
        if part == "llm":  # its weights are the TrainLlm's (save writes no llm.* components)
            return same(llm, saved["llm"])
        names = {n for n in mods if part_of(n) == part}
        if names != {n for n in saved["mods"] if part_of(n) == part}:
            return False
        if not all(same(mods[n], saved["mods"][n]) for n in names):
            return False
        if part.startswith("vae."):
            m = part[4:]
            return m in saved["vae_encoders"] and same(vae_encoder(m), saved["vae_encoders"][m]["state"])
        return True

    def save(self, part, seconds, mods, llm, vae_encoders):
        """Records ``part`` as trained and rewrites the file (atomically)."""
        self.parts[part] = {"recipe": self.recipe(part), "seconds": round(seconds, 1),
                            "precision": "bfloat16" if part_in_bf16(part) else "float32"}
        for name, mod in mods.items():  # the LLM's components are written from TrainLlm at export only
            if part_of(name) == part and part != "llm":
                self.state["mods"][name] = {k: v.detach().clone() for k, v in mod.state_dict().items()}
        if part == "llm":
            self.state["llm"] = {k: v.detach().clone() for k, v in llm.state_dict().items()}
        if part.startswith("vae."):
            enc, std = vae_encoders[part[4:]]
            self.state["vae_encoders"][part[4:]] = {"state": enc.state_dict(), "std": std}
        self.write()

    def write(self):
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        tensors = OrderedDict()
        for name, sd in self.state["mods"].items():
            tensors.update((f"mods/{name}/{k}", v) for k, v in sd.items())
        tensors.update((f"llm/{k}", v) for k, v in (self.state["llm"] or {}).items())
        for m, v in self.state["vae_encoders"].items():
            tensors.update((f"vae_encoders/{m}/{k}", t) for k, t in v["state"].items())
        meta = {"format": self.FORMAT, "parts": self.parts,
                "vae_std": {m: v["std"] for m, v in self.state["vae_encoders"].items()}}
        tmp = self.path + ".tmp"
        safetensors_io.save(tensors, tmp, {"stage1": meta})
        os.replace(tmp, self.path)

    @staticmethod
    def read(path):
        """The checkpoint as ``{"format", "parts", "mods", "llm", "vae_encoders"}`` (safetensors: no pickle)."""
        tensors, meta = safetensors_io.load(path)
        info = json.loads(meta.get("stage1", "{}"))
        out = {"format": info.get("format"), "parts": info.get("parts", {}), "mods": defaultdict(OrderedDict),
               "llm": OrderedDict(), "vae_encoders": {m: {"state": OrderedDict(), "std": std}
                                                       for m, std in info.get("vae_std", {}).items()}}
        for key, t in tensors.items():
            kind, rest = key.split("/", 1)
            if kind == "llm":
                out["llm"][rest] = t
            else:
                owner, name = rest.split("/", 1)
                (out["mods"][owner] if kind == "mods" else out["vae_encoders"][owner]["state"])[name] = t
        out["mods"] = dict(out["mods"])
        return out


def part_in_bf16(part, bf16_parts=None):
    """Whether stage-1 ``part`` trains (some of) its forward passes in bfloat16 (``bf16_parts``: PRECISION's now)."""
    names = [f"encoder.{m}" for m in MODALITIES] if part == "encoders" else [part]
    return any(n in (PRECISION["bf16"] if bf16_parts is None else bf16_parts) for n in names)


def run(args, log):
    torch.set_num_threads(args.threads)
    PRECISION["bf16"] = bf16_parts(args.precision, native_bf16())
    torch.set_flush_denormal(True)  # denormal activations made some steps 50x slower
    torch.manual_seed(args.seed)
    budget = BUDGETS[args.budget]
    w = make_world(args.budget, args.world_seed)
    model_bytes = tokenizer.train_tokenizer(args.seed, sentences=tokenizer_sentences(w, args.seed))
    sp = tokenizer.load_processor(model_bytes)
    log(f"tokenizer: {sp.get_piece_size()} pieces trained on corpus + world text")
    log("training precision: bfloat16 autocast for "
        + (", ".join(p for p in PRECISION_PARTS if p in PRECISION["bf16"]) or "no part") + "; float32 for "
        + (", ".join(p for p in PRECISION_PARTS if p not in PRECISION["bf16"]) or "no part"))
    mods = nano.build(args.seed)
    total = sum(count(m.parameters()) for m in mods.values())
    log(f"nano NExT-GPT: {total} parameters in {len(mods)} components")
    data = Data(w, sp, log)
    shares = OrderedDict()

    # ---- stage 1, part by part (each from its own seed, checkpointed after each: see Stage1Checkpoint)
    ckpt = Stage1Checkpoint(args.stage1 or os.path.join(args.work, "stage1.safetensors"), args, budget,
                            hashlib.sha256(model_bytes).hexdigest())
    llm = TrainLlm(mods["llm.embed"], mods["llm.forward"])
    vae_encoders = {}  # modality -> (training-only VAE encoder, latent std it was scaled by)
    redo = ckpt.restore(mods, llm, vae_encoders, args.retrain if args.resume else None, log)
    dz = {}  # modality -> its training samples' diffusion latents (VAE latent at DIFFUSION_STD)

    def diffusion_latents(m):
        if m not in dz:
            enc, s = vae_encoders[m]
            dz[m] = latents(enc, s, data.dec_target[m]) * DIFFUSION_STD[m]
        return dz[m]

    for part in STAGE1_PARTS:
        if part not in redo:
            continue
        t_part = time.time()
        prng = part_rng(args.seed, part)
        if part == "encoders":
            tower = train_encoders(mods, data, budget, log, prng)
            log("stage1 encoders zero-shot retrieval (valid):", encoder_retrieval_accuracy(mods, tower, w, sp))
            log("stage1 encoders linear probes (valid), seen / held-out combinations:\n"
                + probes.table(probes.encoder_probes(mods, w, "valid")))
        elif part == "llm":
            pretrain_llm(llm, w, sp, budget, log, prng)
        elif part == "vae.video":
            inherit_image_vae(mods, vae_encoders, log)
        elif part.startswith("vae."):
            m = part[4:]
            vae_encoders[m] = train_vae(m, mods, data, budget, log, prng)
            set_diffusion_std(mods[f"decoder.{m}.vae_decoder"], 1.0, DIFFUSION_STD[m])
        elif part == "vocoder":
            train_vocoder(mods, data, budget, log, prng)
        elif part == "denoiser.video":
            inherit_image_decoder(mods, log)
            train_denoiser("video", mods, data, diffusion_latents("video"), budget, log, prng,
                           lr=INHERITED_DENOISER_LR, te_lr=INHERITED_TEXT_ENCODER_LR)
        else:
            m = part[len("denoiser."):]
            train_denoiser(m, mods, data, diffusion_latents(m), budget, log, prng)
        ckpt.save(part, time.time() - t_part, mods, llm, vae_encoders)
        log(f"stage1: {part} checkpointed in {ckpt.path}")
    for m in MODALITIES:
        diffusion_latents(m)
    torch.manual_seed(part_seed(args.seed, "alignment"))
    rng = random.Random(part_seed(args.seed, "alignment"))
    for mod in mods.values():
        freeze(mod).eval()
    freeze(llm)
    shares["stage 1 (each part trained; the video decoder from the image one)"] = (total, 100.0)

    al = Aligner(mods, llm, data, dz, sp)
    # ---- stage 2: only the input projections
    params = [p for m in MODALITIES for p in freeze(mods[f"input_projection.{m}"], True).parameters()]
    shares["stage 2 input projections"] = trainable_share(total, params)
    train_stage("stage2", al, params, lambda: stage2_examples(al, rng, 32), budget["stage2"], 2e-3, log, rng,
                with_groups=False)
    for m in MODALITIES:
        freeze(mods[f"input_projection.{m}"])

    # stages 3-4 read the world's training dialogues and the instruction set (wider phrasing, more two-output and
    # implicit requests: World.instruction_dialogues), as NExT-GPT instruction-tunes on MosIT
    dialogues = w.dialogues("train") + w.instruction_dialogues(budget["instruction"])
    log(f"stages 3-4: {len(w.dialogues('train'))} world dialogues + {budget['instruction']} instruction dialogues")

    # ---- stage 3: output projections + signal tokens' rows
    gen = [e for d in dialogues if d["kind"] in ("explicit", "explicit_multi", "implicit")
           for e in D.dialogue_examples(sp, d)]
    llm.embed_sig.requires_grad_(True)
    llm.head_sig.requires_grad_(True)
    params = [llm.embed_sig, llm.head_sig] + [p for m in MODALITIES
                                              for p in freeze(mods[f"output_projection.{m}"], True).parameters()]
    shares["stage 3 output projections + signal tokens"] = trainable_share(total, params)
    train_stage("stage3", al, params, bucketed(gen, 24, rng), budget["stage3"], 2e-3, log, rng)
    freeze(llm)

    # ---- stage 4: LoRA + both projections on every dialogue
    lora = llm.add_lora()
    allex = [e for d in dialogues for e in D.dialogue_examples(sp, d)]
    params = lora + [p for m in MODALITIES for name in ("input_projection", "output_projection")
                     for p in freeze(mods[f"{name}.{m}"], True).parameters()]
    shares["stage 4 LoRA + projections"] = trainable_share(total, params)
    train_stage("stage4", al, params, bucketed(allex, 24, rng), budget["stage4"], 1e-3, log,
                rng)
    for mod in mods.values():
        freeze(mod).eval()
    llm.export_into(mods["llm.embed"], mods["llm.forward"])
    for k, v in shares.items():
        log(f"trainable share: {k}: {v[0]} params, {v[1]:.2f}%")
    return mods, model_bytes, shares, w


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--world-seed", type=int, default=1)
    ap.add_argument("--budget", choices=sorted(BUDGETS), default="full")
    ap.add_argument("--threads", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    ap.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto",
                    help="training forward passes: bf16 = bfloat16 autocast for every part, fp32 = none; auto = bf16 "
                    "for the parts validated in it (train.BF16_VALIDATED) where the CPU has it natively")
    ap.add_argument("--out", default="models/nano")
    ap.add_argument("--reference", default=None)
    ap.add_argument("--work", default=".train", help="log and checkpoints")
    ap.add_argument("--resume", action="store_true", help="keep the stage-1 parts the checkpoint holds (train.Stage1Checkpoint)")
    ap.add_argument("--stage1", default=None, help="the stage-1 checkpoint read by --resume and written after each "
                    "stage-1 part (default <work>/stage1.safetensors)")
    ap.add_argument("--retrain", default="", help="with --resume: stage-1 parts to train again, comma-separated: "
                    + ",".join(STAGE1_PARTS))
    args = ap.parse_args(argv)
    os.makedirs(args.work, exist_ok=True)
    log = Log(os.path.join(args.work, "train.log"))
    log(f"train: budget {args.budget}, seed {args.seed}, world seed {args.world_seed}, {args.threads} threads")
    t0 = time.time()
    mods, model_bytes, shares, _ = run(args, log)
    desc = ("Nano NExT-GPT bundle trained on the synthetic world (model-tooling/train-nano, budget "
            f"{args.budget}): encoder 128, LLM hidden 256 x 4 layers, image 32x32, video 8 frames 32x32, "
            "audio 1 s 16 kHz.")
    loaded, sp, manifest = export.export_modules(mods, model_bytes, args.seed, args.out, desc, log=log)
    if args.reference:
        export.write_references(loaded, sp, args.seed, manifest, args.reference, log=log)
    with open(os.path.join(args.work, "shares.json"), "w") as f:
        json.dump(shares, f, indent=1)
    log(f"train: done in {(time.time() - t0) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    export.with_fixed_hash_seed()  # the same weights exported as the same bytes
    sys.exit(main())
