"""The synthetic world as a data set: captioned samples, MosIT-style instruction dialogues and held-out splits.

Everything is a function of ``seed`` (the data) and ``split_seed`` (which attribute combinations are held out):

- **samples** (``World.samples(modality, split)``): ``{id, modality, attrs, seed, captions, caption_templates,
  heldout_combo, heldout_template}``; the signal itself is ``World.render(sample)`` (``world_media.render``), so
  nothing big is stored and any item can be re-made alone.
- **dialogues** (``World.dialogues(split)``): ``{id, split, kind, templates, heldout_combo, heldout_template,
  turns}``; user turns ``{role: "user", text, media: [{modality, attrs, seed}]}``, assistant turns
  ``{role: "assistant", text, signals: [modality…] (empty = no signal), targets: {modality: {attrs, required,
  caption, carried}}, answer_attrs: {attr: value} (understanding only)}``. Kinds:
  ``explicit`` (one output), ``explicit_multi`` (two outputs in one request), ``implicit``, ``understanding``
  (media in, text out), ``chat`` (text only, signals = []), ``switch`` (two turns; turn 2's target reflects turn 1:
  an edit of one attribute, another modality with the attributes carried over, or "a sound that fits it").
- **splits**: per modality, attribute combinations are partitioned into train / valid-only / test-only (every
  single value still occurs in train, next to at least two values of each other attribute); ``HELDOUT_TEMPLATES``
  (captions, requests, questions, chat, switches) occur only in test. Train uses only train combos and templates;
  valid adds its own combos; test adds its own combos (half of its items use one) and the held-out templates (30 %
  of the picks from a family that has some, ``TEST_HELDOUT_TEMPLATE_SHARE``).
  Valid/test dialogues whose content (user texts + media seeds) also occurs in an earlier split are re-drawn (except
  ``chat``: a handful of fixed small-talk turns, the routing negatives), and media seeds never repeat across splits.
- **instruction set** (``World.instruction_dialogues(n)``): stage 4's extra training dialogues, drawn like train's
  from the world's phrasings plus ``world_text.INSTRUCTION_EXTRA`` (more ways of asking, as MosIT's GPT-written
  dialogues have), with more two-output and implicit requests; its own random stream, so the splits above (and the
  tokenizer's and LLM pretraining's text) do not change, and none of its items repeats one of theirs.

"Fits" (sound ↔ picture): pitch from the colour (red/orange → low, yellow/green → mid, blue/purple → high), pattern
from the shape (triangle → one beep, square → two beeps, circle → continuous); back: low → red, mid → green,
high → blue.

CLI: ``python3 -m nextgpt_tooling.world --seed 1 --out DIR [--preview] [--export]``.
"""
import argparse
import hashlib
import itertools
import json
import os
import random
import struct
import sys
import wave
import zlib

import numpy as np

from . import world_media as media
from . import world_text as text
from .world_media import ATTRIBUTES, MODALITIES

SPLITS = ["train", "valid", "test"]
DEFAULT_SIZES = {"samples": {"train": 3000, "valid": 300, "test": 300},
                 "dialogues": {"train": 8000, "valid": 800, "test": 800}}
HELDOUT_FRACTION = {"image": 0.1, "audio": 1 / 9, "video": 0.1}   # per valid and per test
DIALOGUE_KINDS = [("explicit", 0.25), ("explicit_multi", 0.07), ("implicit", 0.15), ("understanding", 0.25),
                  ("chat", 0.10), ("switch", 0.18)]

# the instruction set's mix (World.instruction_dialogues): more two-output and implicit requests than the world's
INSTRUCTION_KINDS = [("explicit", 0.15), ("explicit_multi", 0.2), ("implicit", 0.25), ("understanding", 0.25),
                     ("chat", 0.05), ("switch", 0.10)]

# the share of test items that use a held-out template where their family has one (fixed, so that adding training
# phrasings to a family does not dilute the held-out ones in test)
TEST_HELDOUT_TEMPLATE_SHARE = 0.3
HELDOUT_TEMPLATES = frozenset([
    "image.6", "image.7", "audio.5", "audio.6", "video.5", "video.6",
    "explicit.image.7", "explicit.image.8", "explicit.audio.6", "explicit.audio.7", "explicit.video.6",
    "explicit.video.7", "joint.2",
    "implicit.image.4", "implicit.image.5", "implicit.audio.4", "implicit.audio.5", "implicit.video.4",
    "implicit.video.5",
    "question.image.8", "question.image.9", "question.audio.6", "question.audio.7", "question.video.6",
    "question.video.7",
    "chat.7", "chat.8", "switch.edit.colour.2", "switch.image_to_video.2",
])

FITS_PITCH = {"red": "low", "orange": "low", "yellow": "mid", "green": "mid", "blue": "high", "purple": "high"}
FITS_PATTERN = {"triangle": "one beep", "square": "two beeps", "circle": "continuous"}
FITS_COLOUR = {"low": "red", "mid": "green", "high": "blue"}
FITS_SHAPE = {v: k for k, v in FITS_PATTERN.items()}


def derive(*parts):
    """A 63-bit seed from any parts (stable across runs and Python versions)."""
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:8], "big") >> 1


def combo_key(modality, attrs):
    return tuple(attrs[k] for k in ATTRIBUTES[modality])


def all_combos(modality):
    names = list(ATTRIBUTES[modality])
    return [dict(zip(names, vals)) for vals in itertools.product(*ATTRIBUTES[modality].values())]


def varied_in_train(modality, train):
    """Every attribute value occurs in ``train`` next to ≥ 2 values of each other attribute: a value seen in one
    combination only (e.g. "continuous" only as a mid tone, with low and high continuous held out) is learnt as part
    of that combination, and the held-out ones were never generated right (0 / 8 pitches correct for both)."""
    attrs = ATTRIBUTES[modality]
    for k, vals in attrs.items():
        for v in vals:
            partners = [c for c in train if c[k] == v]
            for j, other in attrs.items():
                if j != k and len({c[j] for c in partners}) < min(2, len(other)):
                    return False
    return True


def combo_splits(modality, split_seed=0):
    """{combo key: "train" | "valid" | "test"}; every attribute value keeps train combos with ≥ 2 partners."""
    combos = all_combos(modality)
    n = max(1, round(len(combos) * HELDOUT_FRACTION[modality]))
    for attempt in itertools.count():
        order = list(combos)
        random.Random(derive("combo-split", split_seed, modality, attempt)).shuffle(order)
        out = {combo_key(modality, c): ("test" if i < n else "valid" if i < 2 * n else "train")
               for i, c in enumerate(order)}
        train = [c for c in combos if out[combo_key(modality, c)] == "train"]
        if varied_in_train(modality, train):
            return out


def template_allowed(template_id, split):
    return split == "test" or template_id not in HELDOUT_TEMPLATES


class _Reject(Exception):
    """A draw that does not fit the split (e.g. an edit landed on a held-out combination); draw again."""


class World:
    def __init__(self, seed=1, split_seed=0, sizes=None):
        self.seed = seed
        self.split_seed = split_seed
        self.sizes = json.loads(json.dumps(sizes or DEFAULT_SIZES))
        self.combo_split = {m: combo_splits(m, split_seed) for m in MODALITIES}
        self._samples = {}
        self._dialogues = None

    # ------------------------------------------------------------ attribute draws
    def combos(self, modality, split):
        """Combinations owned by ``split`` (train combos for "train"; only the held-out ones for valid/test)."""
        return [c for c in all_combos(modality) if self.combo_split[modality][combo_key(modality, c)] == split]

    def allowed(self, modality, attrs, split):
        owner = self.combo_split[modality][combo_key(modality, attrs)]
        return owner == "train" or owner == split

    def draw(self, modality, split, rng):
        """A combination for ``split``: train → train combos; valid/test → their own with p = 0.5, else train."""
        pool = self.combos(modality, split if split != "train" and rng.random() < 0.5 else "train")
        return dict(rng.choice(pool))

    def heldout(self, modality, attrs):
        return self.combo_split[modality][combo_key(modality, attrs)] != "train"

    @staticmethod
    def templates(family, split):
        return [t for t in family if template_allowed(t[0], split)]

    # ------------------------------------------------------------ samples
    def samples(self, modality, split):
        key = (modality, split)
        if key not in self._samples:
            rng = random.Random(derive(self.seed, "samples", split, modality))
            caps = self.templates(text.CAPTIONS[modality], split)
            out = []
            for i in range(self.sizes["samples"][split]):
                attrs = self.draw(modality, split, rng)
                chosen = rng.sample(caps, 3)
                out.append({"id": f"{split}/{modality}/{i}", "modality": modality, "attrs": attrs,
                            "seed": derive(self.seed, "media", split, "sample", modality, i),
                            "captions": [fn(attrs, rng) for _, _, fn in chosen],
                            "caption_templates": [t for t, _, _ in chosen],
                            "heldout_combo": self.heldout(modality, attrs),
                            "heldout_template": any(t in HELDOUT_TEMPLATES for t, _, _ in chosen)})
            self._samples[key] = out
        return self._samples[key]

    @staticmethod
    def render(item):
        """The signal of a sample or of a dialogue's media reference ({modality, attrs, seed})."""
        return media.render(item["modality"], item["attrs"], item["seed"])

    # ------------------------------------------------------------ dialogues
    def dialogues(self, split):
        if self._dialogues is None:
            self._dialogues = {}
            seen = set()
            for s in SPLITS:
                self._dialogues[s] = self._make_dialogues(s, seen)
            self._dialogue_keys = frozenset(seen)
        return self._dialogues[split]

    def instruction_dialogues(self, n):
        """Stage 4's extra instruction set (MosIT's role): ``n`` training dialogues drawn like the train split's —
        train combinations, no held-out template — from the world's phrasings plus
        ``world_text.INSTRUCTION_EXTRA``, with more two-output and implicit requests (``INSTRUCTION_KINDS``). Its
        own random stream and media seeds: ``dialogues`` (every split) is the same whether or not this is drawn,
        and no item's user content equals one of any split's dialogues."""
        self.dialogues("train")
        return self._make_dialogues("train", set(self._dialogue_keys), n=n, kinds=INSTRUCTION_KINDS,
                                    extra=text.INSTRUCTION_EXTRA, name="instruct")

    def _make_dialogues(self, split, seen, n=None, kinds=DIALOGUE_KINDS, extra=None, name=None):
        name = name or split
        rng = random.Random(derive(self.seed, "dialogues", name))
        kinds, weights = zip(*kinds)
        out, keys = [], set()
        for i in range(self.sizes["dialogues"][split] if n is None else n):
            kind = rng.choices(kinds, weights)[0]
            for attempt in itertools.count():
                if attempt > 200:
                    raise RuntimeError(f"cannot draw a new {kind} dialogue for {name}")
                ctx = _Ctx(self, split, rng, f"{name}/{i}/{attempt}", extra)
                try:
                    turns = getattr(self, "_d_" + kind)(ctx)
                except _Reject:
                    continue
                key = json.dumps([[t["text"], [m["seed"] for m in t.get("media", [])]]
                                  for t in turns if t["role"] == "user"])
                if kind != "chat" and (key in seen or (split != "train" and key in keys)):
                    continue
                break
            keys.add(key)
            out.append({"id": f"{name}/{i}", "split": split, "kind": kind, "templates": ctx.used,
                        "heldout_combo": ctx.heldout_combo,
                        "heldout_template": any(t in HELDOUT_TEMPLATES for t in ctx.used), "turns": turns})
        seen |= keys
        return out

    # each _d_<kind> returns the turns; ctx records templates and media seeds

    def _d_explicit(self, ctx):
        m = ctx.rng.choice(MODALITIES)
        attrs = ctx.attrs(m)
        tid, tmpl = ctx.pick(ctx.family("explicit." + m, text.EXPLICIT[m]))
        desc = ctx.desc(m, attrs)
        return [ctx.user(tmpl.format(desc)), ctx.generate(m, attrs, list(ATTRIBUTES[m]))]

    def _d_explicit_multi(self, ctx):
        m1, m2 = ctx.rng.sample(MODALITIES, 2)
        a1, a2 = ctx.attrs(m1), ctx.attrs(m2)
        _, joiner = ctx.pick(ctx.family("joiners", text.JOINERS))
        q = joiner.format(text.EXPLICIT_SHORT[m1].format(ctx.desc(m1, a1)),
                          text.EXPLICIT_SHORT[m2].format(ctx.desc(m2, a2)))
        ans = f"here is {text.canonical_caption(m1, a1)}, and here is {text.canonical_caption(m2, a2)}."
        return [ctx.user(q), {"role": "assistant", "text": ans, "signals": [m1, m2],
                              "targets": {m1: ctx.target(m1, a1, list(ATTRIBUTES[m1])),
                                          m2: ctx.target(m2, a2, list(ATTRIBUTES[m2]))}}]

    def _d_implicit(self, ctx):
        tid, m, required, fn = ctx.pick(ctx.family("implicit", text.IMPLICIT))
        attrs = ctx.attrs(m)
        return [ctx.user(fn(attrs, ctx.rng)), ctx.generate(m, attrs, list(required))]

    def _d_understanding(self, ctx):
        tid, m, asked, q = ctx.pick(ctx.family("questions", text.QUESTIONS))
        ref = ctx.media(m, ctx.attrs(m))
        return [ctx.user(q, [ref]), ctx.answer(m, asked, ref["attrs"])]

    def _d_chat(self, ctx):
        tid, fn = ctx.pick(ctx.family("chat", text.CHAT))
        s = dict(ctx.attrs("image"))
        s.update(ctx.attrs("audio"))
        q, a = fn(s, ctx.rng)
        return [ctx.user(q), {"role": "assistant", "text": a, "signals": [], "targets": {}}]

    def _d_switch(self, ctx):
        tid, src, dst, change, tmpl = ctx.pick(ctx.family("switch", text.SWITCH))
        first = ctx.attrs(src)
        # turn 1: the assistant generated the source modality, or the user brought it and asked about it
        if ctx.rng.random() < 0.5:
            t_id, t1 = ctx.pick(ctx.family("explicit." + src, text.EXPLICIT[src]))
            turns = [ctx.user(t1.format(ctx.desc(src, first))), ctx.generate(src, first, list(ATTRIBUTES[src]))]
        else:
            q_id, _, asked, q = ctx.pick([t for t in ctx.family("questions", text.QUESTIONS) if t[1] == src])
            ref = ctx.media(src, first)
            turns = [ctx.user(q, [ref]), ctx.answer(src, asked, first)]
        rng = ctx.rng
        slots = {}
        if change == "fits":
            if dst == "audio":
                target = {"pitch": FITS_PITCH[first["colour"]], "pattern": FITS_PATTERN[first["shape"]]}
                carried = ["pitch", "pattern"]
            else:
                target = {"colour": FITS_COLOUR[first["pitch"]], "shape": FITS_SHAPE[first["pattern"]],
                          "position": rng.choice(media.POSITIONS)}
                carried = ["colour", "shape"]
        else:
            target = {k: v for k, v in first.items() if k in ATTRIBUTES[dst]}
            carried = sorted(target)
            if src == dst:
                carried.remove(change)
            values = [v for v in ATTRIBUTES[dst][change] if v != first.get(change)]
            target[change] = rng.choice(values)
            v = target[change]
            slots = {change: v, "a_shape": text.a(v), "where": text.canonical_where(v) if change == "position" else "",
                     "towards": ("to the " + v if v in ("left", "right") else v) if change == "direction" else "",
                     "direction": v, "direction_verb": text.DIRECTION_VERB.get(v, ""),
                     "pattern_short": text.PATTERN_SHORT.get(v, "")}
        if not self.allowed(dst, target, ctx.split):
            raise _Reject()
        ctx.note(dst, target)
        required = sorted(carried + ([change] if change in ATTRIBUTES[dst] else []))
        turns.append(ctx.user(tmpl.format(**slots)))
        turn = ctx.generate(dst, target, required)
        turn["targets"][dst]["carried"] = carried
        turn["targets"][dst]["from_turn"] = 1
        turns.append(turn)
        return turns


class _Ctx:
    """One dialogue being drawn: the split, the rng, the templates used, the media seeds handed out."""

    def __init__(self, world, split, rng, tag, extra=None):
        self.world, self.split, self.rng, self.tag = world, split, rng, tag
        self.extra = extra or {}
        self.used = []
        self.heldout_combo = False
        self._n_media = 0

    def family(self, name, base):
        """A template family: the world's own, plus the instruction set's extra phrasings when drawing that set."""
        return list(base) + list(self.extra.get(name, ()))

    def pick(self, family, key=lambda t: t[0]):
        pool = [t for t in family if template_allowed(key(t), self.split)]
        if self.split == "test":
            held = [t for t in pool if key(t) in HELDOUT_TEMPLATES]
            seen = [t for t in pool if key(t) not in HELDOUT_TEMPLATES]
            if held and seen:
                pool = held if self.rng.random() < TEST_HELDOUT_TEMPLATE_SHARE else seen
        choice = self.rng.choice(pool)
        self.used.append(key(choice))
        return choice

    def note(self, modality, attrs):
        self.heldout_combo |= self.world.heldout(modality, attrs)

    def attrs(self, modality):
        a = self.world.draw(modality, self.split, self.rng)
        self.note(modality, a)
        return a

    def desc(self, modality, attrs):
        tid, _, fn = self.pick([t for t in text.CAPTIONS[modality] if t[1]])
        return fn(attrs, self.rng)

    def media(self, modality, attrs):
        seed = derive(self.world.seed, "media", self.split, "dialogue", self.tag, self._n_media)
        self._n_media += 1
        return {"modality": modality, "attrs": dict(attrs), "seed": seed}

    def user(self, q, media_refs=()):
        return {"role": "user", "text": q, "media": list(media_refs)}

    def target(self, modality, attrs, required):
        return {"attrs": dict(attrs), "required": sorted(required), "caption": text.canonical_caption(modality, attrs)}

    def generate(self, modality, attrs, required):
        a = self.rng.choice(text.GEN_ANSWERS[modality]).format(text.canonical_caption(modality, attrs))
        return {"role": "assistant", "text": a, "signals": [modality],
                "targets": {modality: self.target(modality, attrs, required)}}

    def answer(self, modality, asked, attrs):
        return {"role": "assistant", "text": text.answer(modality, asked, attrs, self.rng), "signals": [],
                "targets": {}, "answer_modality": modality, "answer_attrs": {k: attrs[k] for k in asked}}


# ---------------------------------------------------------------- for training code

def signal_suffix(signals):
    """The signal tokens an assistant turn ends with, in order: ' [IMG0]…[IMG3]' per emitted group ('' for none)."""
    if not signals:
        return ""
    from . import nano
    return " " + "".join("".join(nano.signal_tokens(m)) for m in signals)


def to_pipeline_turns(dialogue):
    """(turns for ``pipeline.assemble_prompt`` — [{media, text, answer}] with answers carrying their signal
    tokens —, the media references in prompt order)."""
    turns, refs = [], []
    for u, a in zip(dialogue["turns"][0::2], dialogue["turns"][1::2]):
        turns.append({"media": [m["modality"] for m in u["media"]], "text": u["text"],
                      "answer": a["text"] + signal_suffix(a["signals"])})
        refs.extend(u["media"])
    return turns, refs


# ---------------------------------------------------------------- files

def write_png(path, img):
    """uint8 [H, W, 3] → PNG (no dependencies)."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def write_wav(path, wave_f32):
    pcm = np.round(np.clip(wave_f32, -1, 1) * 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(media.SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


def _upscale(img, k=4):
    return np.repeat(np.repeat(img, k, axis=0), k, axis=1)


def sizes_table(world):
    rows = []
    for split in SPLITS:
        row = {"split": split}
        for m in MODALITIES:
            row[m] = len(world.samples(m, split))
        ds = world.dialogues(split)
        row["dialogues"] = len(ds)
        for k, _ in DIALOGUE_KINDS:
            row[k] = sum(d["kind"] == k for d in ds)
        row["heldout_combo"] = sum(d["heldout_combo"] for d in ds)
        row["heldout_template"] = sum(d["heldout_template"] for d in ds)
        rows.append(row)
    combos = {m: {s: len(world.combos(m, s)) for s in SPLITS} for m in MODALITIES}
    return rows, combos


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m nextgpt_tooling.world", description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--split-seed", type=int, default=0)
    p.add_argument("--out", help="output folder (needed for --preview / --export)")
    p.add_argument("--preview", action="store_true", help="write a few PNG (×4 upscaled) / WAV samples and dialogues")
    p.add_argument("--export", action="store_true", help="write samples.<split>.jsonl and dialogues.<split>.jsonl")
    p.add_argument("--samples", type=int, default=DEFAULT_SIZES["samples"]["train"], help="train samples per modality")
    p.add_argument("--dialogues", type=int, default=DEFAULT_SIZES["dialogues"]["train"], help="train dialogues")
    p.add_argument("--per-kind", type=int, default=3, help="preview items per modality / dialogue kind")
    args = p.parse_args(argv)
    sizes = {"samples": {"train": args.samples, "valid": max(1, args.samples // 10), "test": max(1, args.samples // 10)},
             "dialogues": {"train": args.dialogues, "valid": max(1, args.dialogues // 10),
                           "test": max(1, args.dialogues // 10)}}
    world = World(args.seed, args.split_seed, sizes)
    rows, combos = sizes_table(world)
    cols = ["split"] + MODALITIES + ["dialogues"] + [k for k, _ in DIALOGUE_KINDS] + ["heldout_combo",
                                                                                         "heldout_template"]
    print("\t".join(cols))
    for r in rows:
        print("\t".join(str(r[c]) for c in cols))
    print("attribute combinations (train / valid-only / test-only): "
          + ", ".join(f"{m} {c['train']}/{c['valid']}/{c['test']}" for m, c in combos.items()))
    print(f"held-out templates (test only): {len(HELDOUT_TEMPLATES)}")
    if (args.preview or args.export) and not args.out:
        p.error("--out is needed with --preview / --export")
    if args.preview:
        os.makedirs(args.out, exist_ok=True)
        for split in SPLITS:
            for m in MODALITIES:
                for s in world.samples(m, split)[:args.per_kind]:
                    sig = world.render(s)
                    name = os.path.join(args.out, s["id"].replace("/", "_"))
                    if m == "audio":
                        write_wav(name + ".wav", sig)
                    elif m == "image":
                        write_png(name + ".png", _upscale(sig))
                    else:
                        write_png(name + ".png", _upscale(np.concatenate(list(sig), axis=1)))
            with open(os.path.join(args.out, f"samples_preview.{split}.jsonl"), "w") as f:
                for m in MODALITIES:
                    for s in world.samples(m, split)[:args.per_kind]:
                        f.write(json.dumps(s) + "\n")
            with open(os.path.join(args.out, f"dialogues_preview.{split}.jsonl"), "w") as f:
                for k, _ in DIALOGUE_KINDS:
                    for d in [d for d in world.dialogues(split) if d["kind"] == k][:args.per_kind]:
                        f.write(json.dumps(d) + "\n")
        print(f"preview written to {args.out} (images and video frame strips upscaled ×4)")
    if args.export:
        os.makedirs(args.out, exist_ok=True)
        for split in SPLITS:
            with open(os.path.join(args.out, f"samples.{split}.jsonl"), "w") as f:
                for m in MODALITIES:
                    for s in world.samples(m, split):
                        f.write(json.dumps(s) + "\n")
            with open(os.path.join(args.out, f"dialogues.{split}.jsonl"), "w") as f:
                for d in world.dialogues(split):
                    f.write(json.dumps(d) + "\n")
        print(f"export written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
