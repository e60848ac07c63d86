"""The synthetic world: determinism, attributes checked from the signals themselves, captions, routing, splits."""
import colorsys
import io
import json
import os
import random
import tempfile
import unittest
import wave
from contextlib import redirect_stdout

import numpy as np

import common  # noqa: F401  (sys.path, torch threads)
from nextgpt_tooling import world, world_media as wm, world_text as wt

SMALL = {"samples": {"train": 300, "valid": 60, "test": 60}, "dialogues": {"train": 2500, "valid": 400, "test": 400}}
_WORLD = {}


def small_world(seed=1):
    if seed not in _WORLD:
        _WORLD[seed] = world.World(seed, sizes=SMALL)
    return _WORLD[seed]


# ---------------------------------------------------------------- independent readers of the signals

def _coverage(img):
    f = img.astype(np.float64)
    bg = np.median(f.reshape(-1, 3), axis=0)
    d = np.abs(f - bg).sum(-1)
    c = np.clip(d / np.percentile(d, 99), 0, 1)
    c[c < 0.15] = 0
    return c


def read_colour(img):
    c = _coverage(img)
    r, g, b = np.median(img[c > 0.8].astype(np.float64), axis=0) / 255.0
    h, s, _ = colorsys.rgb_to_hsv(r, g, b)
    h *= 360
    for name, hi in [("red", 15), ("orange", 42), ("yellow", 80), ("green", 170), ("blue", 255), ("purple", 345)]:
        if h < hi:
            return name
    return "red"


def read_shape(img):
    # (tallest column × widest row) / area: square 1, circle 4/π, triangle ≈ 2 (continuous shapes)
    c = _coverage(img)
    ratio = c.sum(0).max() * c.sum(1).max() / c.sum()
    return "square" if ratio < 1.1 else "circle" if ratio < 1.37 else "triangle"


def centroid(img):
    c = _coverage(img)
    yy, xx = np.mgrid[:img.shape[0], :img.shape[1]]
    return (c * xx).sum() / c.sum() + 0.5, (c * yy).sum() / c.sum() + 0.5


def read_position(img):
    x, y = centroid(img)
    return wm.GRID[min(2, int(y * 3 // 32))][min(2, int(x * 3 // 32))]


def read_pitch(wave_):
    spec = np.abs(np.fft.rfft(wave_ * np.hanning(len(wave_))))
    f = np.argmax(spec) * wm.SAMPLE_RATE / len(wave_)
    return "low" if f < 311 else "mid" if f < 622 else "high"


def read_pattern(wave_):
    frames = wave_[: len(wave_) // 160 * 160].reshape(-1, 160)
    rms = np.sqrt((frames.astype(np.float64) ** 2).mean(1))
    on = rms > 0.5 * rms.max()
    onsets = int(on[0]) + int(np.sum(on[1:] & ~on[:-1]))
    seconds = on.sum() * 0.01
    if onsets == 2:
        return "two beeps"
    if onsets == 1:
        return "continuous" if seconds > 0.7 else "one beep" if seconds < 0.5 else "?"
    return "?"


def read_direction(vid):
    (x0, y0), (x1, y1) = centroid(vid[0]), centroid(vid[-1])
    dx, dy = x1 - x0, y1 - y0
    if abs(dx) > abs(dy):
        return "right" if dx > 0 else "left"
    return "down" if dy > 0 else "up"


class TestMedia(unittest.TestCase):
    def test_image_attributes_all_combinations(self):
        for i, c in enumerate(world.all_combos("image")):
            for k in range(3):
                img = wm.render_image(c, world.derive("t", i, k))
                self.assertEqual((img.shape, img.dtype), ((32, 32, 3), np.uint8))
                got = {"colour": read_colour(img), "shape": read_shape(img), "position": read_position(img)}
                self.assertEqual(got, c)

    def test_audio_attributes(self):
        for i, c in enumerate(world.all_combos("audio")):
            for k in range(12):
                w = wm.render_audio(c, world.derive("a", i, k))
                self.assertEqual((w.shape, w.dtype), ((16000,), np.float32))
                self.assertLessEqual(float(np.abs(w).max()), 1.0)
                self.assertEqual({"pitch": read_pitch(w), "pattern": read_pattern(w)}, c)

    def test_video_attributes(self):
        for i, c in enumerate(world.all_combos("video")):
            for k in range(2):
                v = wm.render_video(c, world.derive("v", i, k))
                self.assertEqual((v.shape, v.dtype), ((8, 32, 32, 3), np.uint8))
                got = {"colour": read_colour(v[0]), "shape": read_shape(v[3]), "direction": read_direction(v)}
                self.assertEqual(got, c)
                self.assertGreater(np.abs(np.subtract(centroid(v[-1]), centroid(v[0]))).max(), 10)

    def test_nuisances_vary(self):
        c = {"colour": "red", "shape": "circle", "position": "centre"}
        a, b = wm.render_image(c, 1), wm.render_image(c, 2)
        self.assertFalse(np.array_equal(a, b))
        self.assertGreater(np.abs(np.median(a.reshape(-1, 3), 0) - np.median(b.reshape(-1, 3), 0)).max(), 0)


class TestDeterminism(unittest.TestCase):
    def test_same_seed_same_world(self):
        a, b = small_world(1), world.World(1, sizes=SMALL)
        for split in world.SPLITS:
            for m in wm.MODALITIES:
                sa, sb = a.samples(m, split), b.samples(m, split)
                self.assertEqual(json.dumps(sa), json.dumps(sb))
                for x, y in zip(sa[:3], sb[:3]):
                    np.testing.assert_array_equal(world.World.render(x), world.World.render(y))
            self.assertEqual(json.dumps(a.dialogues(split)), json.dumps(b.dialogues(split)))

    def test_other_seed_other_world(self):
        a, b = small_world(1), small_world(2)
        for m in wm.MODALITIES:
            sa, sb = a.samples(m, "train"), b.samples(m, "train")
            self.assertNotEqual(json.dumps(sa), json.dumps(sb))
            self.assertFalse(np.array_equal(world.World.render(sa[0]), world.World.render(sb[0])))
        self.assertNotEqual(json.dumps(a.dialogues("train")), json.dumps(b.dialogues("train")))
        # the held-out combinations depend on split_seed only
        self.assertEqual(a.combo_split, b.combo_split)


class TestText(unittest.TestCase):
    def test_every_caption_template_names_the_attributes(self):
        rng = random.Random(0)
        for m, family in wt.CAPTIONS.items():
            for c in world.all_combos(m):
                self.assertEqual(wt.parse_attributes(m, wt.canonical_caption(m, c)), c)
                for tid, _, fn in family:
                    for _ in range(3):
                        cap = fn(c, rng)
                        self.assertEqual(wt.parse_attributes(m, cap), c, (tid, cap))

    def test_sample_captions(self):
        w = small_world()
        for split in world.SPLITS:
            for m in wm.MODALITIES:
                for s in w.samples(m, split):
                    self.assertEqual(len(set(s["captions"])), 3)
                    for cap in s["captions"]:
                        self.assertEqual(wt.parse_attributes(m, cap), s["attrs"], cap)

    def test_answers_name_the_asked_attributes(self):
        rng = random.Random(0)
        for tid, m, asked, _ in wt.QUESTIONS:
            for c in world.all_combos(m):
                got = wt.parse_attributes(m, wt.answer(m, asked, c, rng))
                self.assertEqual({k: got[k] for k in asked}, {k: c[k] for k in asked}, tid)


class DialogueChecks:
    """Checks of one dialogue, shared by the world's splits and the instruction set."""

    def _check_dialogue(self, d):
        """Asserts one dialogue's routing, targets and answers; returns its kind."""
        turns = d["turns"]
        self.assertEqual([t["role"] for t in turns], ["user", "assistant"] * (len(turns) // 2))
        for a in turns[1::2]:
            self.assertEqual(sorted(a["signals"]), sorted(a["targets"]))
            for m, tg in a["targets"].items():
                self.assertEqual(wt.parse_attributes(m, tg["caption"]), tg["attrs"])
                wm.check_attrs(m, tg["attrs"])
        first = turns[1]
        kind = d["kind"]
        if kind == "explicit":
            fam = modality_of(d["templates"][0])
            self.assertEqual(first["signals"], [fam])
            m = fam
            self.assertEqual(wt.parse_attributes(m, turns[0]["text"]), first["targets"][m]["attrs"],
                             turns[0]["text"])
            self.assertEqual(turns[0]["media"], [])
        elif kind == "explicit_multi":
            self.assertEqual(len(first["signals"]), 2)
            words = {"image": "draw ", "audio": "play ", "video": "show a clip of "}
            pos = [turns[0]["text"].index(words[m]) for m in first["signals"]]
            self.assertLess(pos[0], pos[1], turns[0]["text"])
        elif kind == "implicit":
            self.assertEqual(first["signals"], [modality_of(d["templates"][0])])
        elif kind == "understanding":
            self.assertEqual(first["signals"], [])
            ref = turns[0]["media"][0]
            self.assertEqual(first["answer_modality"], ref["modality"])
            for k, v in first["answer_attrs"].items():
                self.assertEqual(ref["attrs"][k], v)
                self.assertEqual(wt.parse_attributes(ref["modality"], first["text"])[k], v)
        elif kind == "chat":
            self.assertEqual(first["signals"], [])
            self.assertEqual(turns[0]["media"], [])
        elif kind == "switch":
            self.assertEqual(len(turns), 4)
            self._check_switch(d)
        return kind

    def _check_switch(self, d):
        turns = d["turns"]
        sw = [t for t in wt.SWITCH + wt.INSTRUCTION_EXTRA["switch"] if t[0] in d["templates"]][0]
        _, src, dst, change, _ = sw
        if turns[1]["signals"]:
            self.assertEqual(turns[1]["signals"], [src])
            first = turns[1]["targets"][src]["attrs"]
        else:
            self.assertEqual(turns[0]["media"][0]["modality"], src)
            first = turns[0]["media"][0]["attrs"]
        last = turns[3]
        self.assertEqual(last["signals"], [dst])
        tg = last["targets"][dst]
        if change == "fits" and dst == "audio":
            self.assertEqual(tg["attrs"], {"pitch": world.FITS_PITCH[first["colour"]],
                                           "pattern": world.FITS_PATTERN[first["shape"]]})
        elif change == "fits":
            self.assertEqual((tg["attrs"]["colour"], tg["attrs"]["shape"]),
                             (world.FITS_COLOUR[first["pitch"]], world.FITS_SHAPE[first["pattern"]]))
        else:
            for k in tg["carried"]:
                self.assertEqual(tg["attrs"][k], first[k])
            if src == dst:
                self.assertNotEqual(tg["attrs"][change], first[change])
                self.assertEqual(wt.parse_attributes(dst, turns[2]["text"])[change] or tg["attrs"][change],
                                 tg["attrs"][change])
            self.assertIn(change, tg["required"])
        self.assertTrue(set(tg["carried"]) <= set(tg["required"]))


class TestDialogues(DialogueChecks, unittest.TestCase):
    def test_routing_matches_request_kind(self):
        w = small_world()
        for split in world.SPLITS:
            self.assertEqual({self._check_dialogue(d) for d in w.dialogues(split)},
                             {k for k, _ in world.DIALOGUE_KINDS})

    def test_pipeline_turns(self):
        d = next(d for d in small_world().dialogues("train") if d["kind"] == "switch" and d["turns"][0]["media"])
        turns, refs = world.to_pipeline_turns(d)
        self.assertEqual(len(turns), 2)
        self.assertEqual(turns[0]["media"], [refs[0]["modality"]])
        from nextgpt_tooling import nano
        self.assertEqual(world.signal_suffix(["image", "audio"]),
                         " " + "".join(nano.signal_tokens("image") + nano.signal_tokens("audio")))
        self.assertEqual(world.signal_suffix([]), "")
        self.assertTrue(turns[1]["answer"].endswith("".join(nano.signal_tokens(d["turns"][3]["signals"][0]))))


class TestInstructionSet(DialogueChecks, unittest.TestCase):
    """Stage 4's extra dialogues (World.instruction_dialogues): wider phrasing on the training side only."""

    @classmethod
    def setUpClass(cls):
        cls.w = world.World(1, sizes=SMALL)
        cls.before = json.dumps([cls.w.dialogues(s) for s in world.SPLITS])
        cls.ins = cls.w.instruction_dialogues(1500)

    def test_drawing_it_leaves_every_split_of_the_world_unchanged(self):
        self.assertEqual(json.dumps([self.w.dialogues(s) for s in world.SPLITS]), self.before)
        self.assertEqual(json.dumps([world.World(1, sizes=SMALL).dialogues(s) for s in world.SPLITS]), self.before)

    def test_same_seed_same_instruction_set(self):
        self.assertEqual(json.dumps(world.World(1, sizes=SMALL).instruction_dialogues(1500)), json.dumps(self.ins))

    def test_routing_and_answers_hold_for_every_item(self):
        kinds = {self._check_dialogue(d) for d in self.ins}
        self.assertEqual(kinds, {k for k, _ in world.INSTRUCTION_KINDS})

    def test_train_combinations_only_and_no_heldout_template(self):
        used = set()
        for d in self.ins:
            self.assertFalse(d["heldout_combo"], d["id"])
            self.assertFalse(d["heldout_template"], d["id"])
            used |= set(d["templates"])
        self.assertFalse(used & world.HELDOUT_TEMPLATES)
        extra = {t[0] for fam in wt.INSTRUCTION_EXTRA.values() for t in fam}
        self.assertGreater(len(used & extra), 0.9 * len(extra))  # the extra phrasings are drawn
        self.assertGreater(sum(any(t in extra for t in d["templates"]) for d in self.ins), 0.4 * len(self.ins))

    def test_no_item_repeats_a_dialogue_or_a_media_seed_of_any_split(self):
        def key(d):
            return json.dumps([[t["text"], [r["seed"] for r in t["media"]]] for t in d["turns"] if t["role"] == "user"])
        world_keys = {key(d) for s in world.SPLITS for d in self.w.dialogues(s) if d["kind"] != "chat"}
        world_seeds = {r["seed"] for s in world.SPLITS for d in self.w.dialogues(s) for t in d["turns"]
                       for r in t.get("media", [])}
        for d in self.ins:
            if d["kind"] != "chat":
                self.assertNotIn(key(d), world_keys)
            self.assertFalse({r["seed"] for t in d["turns"] for r in t.get("media", [])} & world_seeds, d["id"])

    def test_extra_phrasings_are_new_and_never_a_heldout_one(self):
        base = {"explicit.image": wt.EXPLICIT["image"], "explicit.audio": wt.EXPLICIT["audio"],
                "explicit.video": wt.EXPLICIT["video"], "joiners": wt.JOINERS, "implicit": wt.IMPLICIT,
                "questions": wt.QUESTIONS, "chat": wt.CHAT, "switch": wt.SWITCH}
        self.assertEqual(set(wt.INSTRUCTION_EXTRA), set(base))
        ids = [t[0] for fam in list(base.values()) + list(wt.INSTRUCTION_EXTRA.values()) for t in fam]
        self.assertEqual(len(ids), len(set(ids)))
        rng = random.Random(0)
        attrs = {"colour": "red", "shape": "circle", "position": "top", "pitch": "high", "pattern": "one beep",
                 "direction": "up"}

        def texts(fam):
            out = set()
            for t in fam:
                body = t[-1]
                out.add(str(body(attrs, rng)) if callable(body) else body)
            return out
        for name, fam in wt.INSTRUCTION_EXTRA.items():
            self.assertFalse(texts(fam) & texts(base[name]), name)


def modality_of(template_id):
    """'explicit.image.3' / 'instruct.implicit.audio.0' → the modality the template asks for."""
    return template_id.removeprefix("instruct.").split(".")[1]


class TestSplits(unittest.TestCase):
    def _combos_of(self, split):
        w = small_world()
        out = []
        for m in wm.MODALITIES:
            out += [(m, s["attrs"]) for s in w.samples(m, split)]
        for d in w.dialogues(split):
            for t in d["turns"]:
                out += [(r["modality"], r["attrs"]) for r in t.get("media", [])]
                out += [(m, tg["attrs"]) for m, tg in t.get("targets", {}).items()]
        return out

    def test_combinations_held_out(self):
        w = small_world()
        for m in wm.MODALITIES:
            train = w.combos(m, "train")
            for k, vals in wm.ATTRIBUTES[m].items():
                self.assertEqual({c[k] for c in train}, set(vals), (m, k))
                # each value is seen in train next to two values of every other attribute, so that no value is
                # learnt as one fixed combination (audio: "continuous" only as the mid tone)
                for v in vals:
                    for j in wm.ATTRIBUTES[m]:
                        if j != k:
                            self.assertGreaterEqual(len({c[j] for c in train if c[k] == v}), 2, (m, k, v, j))
            self.assertTrue(w.combos(m, "valid") and w.combos(m, "test"))
        owners = {split: {w.combo_split[m][world.combo_key(m, a)] for m, a in self._combos_of(split)}
                  for split in world.SPLITS}
        self.assertEqual(owners, {"train": {"train"}, "valid": {"train", "valid"}, "test": {"train", "test"}})

    def test_templates_held_out(self):
        w = small_world()
        used = {}
        for split in world.SPLITS:
            u = set()
            for m in wm.MODALITIES:
                for s in w.samples(m, split):
                    u |= set(s["caption_templates"])
            for d in w.dialogues(split):
                u |= set(d["templates"])
            used[split] = u
        self.assertFalse(used["train"] & world.HELDOUT_TEMPLATES)
        self.assertFalse(used["valid"] & world.HELDOUT_TEMPLATES)
        self.assertGreater(len(used["test"] & world.HELDOUT_TEMPLATES), len(world.HELDOUT_TEMPLATES) // 2)
        self.assertGreater(sum(d["heldout_template"] for d in w.dialogues("test")), 40)
        self.assertGreater(sum(d["heldout_combo"] for d in w.dialogues("test")), 40)

    def test_no_leakage(self):
        w = small_world()
        seeds, keys, ids = {}, {}, {}
        for split in world.SPLITS:
            s_, k_, i_ = set(), set(), set()
            for m in wm.MODALITIES:
                for s in w.samples(m, split):
                    s_.add(s["seed"])
                    i_.add(s["id"])
            for d in w.dialogues(split):
                i_.add(d["id"])
                for t in d["turns"]:
                    s_ |= {r["seed"] for r in t.get("media", [])}
                if d["kind"] != "chat":
                    k_.add(json.dumps([[t["text"], [r["seed"] for r in t["media"]]]
                                       for t in d["turns"] if t["role"] == "user"]))
            seeds[split], keys[split], ids[split] = s_, k_, i_
        for a, b in [("train", "valid"), ("train", "test"), ("valid", "test")]:
            self.assertFalse(seeds[a] & seeds[b], (a, b))
            self.assertFalse(keys[a] & keys[b], (a, b))
            self.assertFalse(ids[a] & ids[b], (a, b))
        # and no identical signal across splits
        hashes = {split: {world.World.render(s).tobytes() for s in w.samples("image", split)} for split in world.SPLITS}
        self.assertFalse(hashes["train"] & hashes["test"])


class TestCli(unittest.TestCase):
    def test_preview(self):
        with tempfile.TemporaryDirectory() as out:
            buf = io.StringIO()
            with redirect_stdout(buf):
                rc = world.main(["--seed", "3", "--out", out, "--preview", "--export", "--samples", "40",
                                 "--dialogues", "300", "--per-kind", "1"])
            self.assertEqual(rc, 0)
            text = buf.getvalue()
            self.assertIn("train\t40\t40\t40\t300", text)
            files = os.listdir(out)
            self.assertIn("train_image_0.png", files)
            self.assertIn("dialogues.test.jsonl", files)
            with open(os.path.join(out, "train_image_0.png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            with wave.open(os.path.join(out, "train_audio_0.wav")) as f:
                self.assertEqual((f.getframerate(), f.getnframes()), (16000, 16000))
            with open(os.path.join(out, "dialogues.train.jsonl")) as f:
                self.assertEqual(len(f.readlines()), 300)


if __name__ == "__main__":
    unittest.main()
