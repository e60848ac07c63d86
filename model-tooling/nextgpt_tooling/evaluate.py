"""Evaluates a bundle on the world's held-out test dialogues, in Python and through the Java runtime, as a table.

    model-tooling/evaluate-nano [--bundle models/nano] [--paths python,java] [--split test|valid] [--limit N]
                                [--out DIR] [--judges DIR]

``--paths`` (comma-separated): python, java, text (Python without decoders: routing and X → text), decoders (each
target from its caption alone), teacher (from the LLM's states for the reference answer; with a second column, "teacher-forced, nearest
caption", that reads each projected conditioning as the canonical caption whose conditioning is nearest, so that the
projection's errors show apart from the decoder's), probes (encoder linear probes).

Every test dialogue becomes one case (two-turn dialogues: the first turn as history, answered as the data set
answers it). Inputs are written as files (PNG, 16-bit WAV, H.264 MP4 through ffmpeg) and both paths read the same
files. Python runs the exported TorchScript components with ``pipeline`` semantics (greedy, signal-token rules,
DDIM with the bundle's default steps and guidance); Java runs ``./nextgpt eval`` (the one-shot CLI, batched).
Outputs are judged by ``judges`` (classifiers trained on the generator's ground truth), answers by
``world_text.parse_attributes``.

Rows: text → image / audio / video (attribute accuracy of generated outputs over the attributes the request
fixes), image / audio / video → text (attribute accuracy of answers), signal routing (exact set of groups
emitted, for explicit, implicit and no-output requests), multi-turn switching (the second-turn output's
attributes, carried from the first turn or changed as asked).
"""
import argparse
import json
import os
import subprocess
import sys
import time
import wave
from collections import OrderedDict, defaultdict

import numpy as np
import torch

from . import export, judges as J, nano, pipeline, probes, schedulers, tokenizer, train, world, world_media, world_text
from . import train_data as D

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN_KINDS = ("explicit", "explicit_multi", "implicit")


# ---------------------------------------------------------------- cases and their media files

def build_cases(w, limit=None, split="test"):
    """One case per dialogue of ``split`` (test; valid to choose defaults such as the guidance without the test)."""
    cases = []
    for d in w.dialogues(split)[:limit]:
        users, answers = d["turns"][0::2], d["turns"][1::2]
        last = answers[-1]
        cases.append({"id": d["id"].replace("/", "-"), "kind": d["kind"], "users": users, "answers": answers,
                      "expected": list(last["signals"]), "targets": last.get("targets", {}),
                      "answer_modality": last.get("answer_modality"), "answer_attrs": last.get("answer_attrs"),
                      "heldout": d["heldout_combo"] or d["heldout_template"],
                      "heldout_combo": d["heldout_combo"], "heldout_template": d["heldout_template"]})
    return cases


def write_mp4(path, frames):
    h, w = frames.shape[1:3]
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", "8",
                    "-i", "-", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "18", path],
                   input=np.ascontiguousarray(frames).tobytes(), check=True)


def read_rgb(path, w=32, h=32):
    """PNG or MP4 → uint8 [frames, h, w, 3] through ffmpeg."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, h, w, 3)


def read_wav(path):
    with wave.open(path, "rb") as f:
        pcm = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2")
    return pcm.astype(np.float32) / 32768.0


def media_path(media_dir, ref):
    ext = {"image": "png", "audio": "wav", "video": "mp4"}[ref["modality"]]
    return os.path.join(media_dir, f"{ref['modality']}-{ref['seed']}.{ext}")


def write_media(cases, media_dir):
    os.makedirs(media_dir, exist_ok=True)
    for c in cases:
        for u in c["users"]:
            for ref in u["media"]:
                p = media_path(media_dir, ref)
                if os.path.exists(p):
                    continue
                sig = world.World.render(ref)
                if ref["modality"] == "image":
                    world.write_png(p, sig)
                elif ref["modality"] == "audio":
                    world.write_wav(p, sig)
                else:
                    write_mp4(p, sig)


def read_input(path, modality):
    """A media file as the encoders' input, read the way the Java runtime reads it."""
    if modality == "image":
        return D.image_input(read_rgb(path)[0])
    if modality == "audio":
        return D.audio_input(read_wav(path))
    return D.video_input(read_rgb(path))


# ---------------------------------------------------------------- the Python path

class PythonRuntime:
    def __init__(self, bundle_dir):
        self.mods, self.sp, self.manifest = export.load_bundle(bundle_dir)
        self.max_new = self.manifest["llm"]["generation"]["max_new_tokens"]

    @torch.no_grad()
    def prompt_embeds(self, case, media_dir):
        turns, refs = [], []
        for n, u in enumerate(case["users"]):
            t = {"media": [r["modality"] for r in u["media"]], "text": u["text"]}
            if n < len(case["users"]) - 1:
                t["answer"] = case["answers"][n]["text"]
            turns.append(t)
            refs.extend(u["media"])
        parts = []
        for s in pipeline.assemble_prompt(self.sp, turns):
            if s["kind"] == "media":
                ref = refs[s["item"]]
                m = ref["modality"]
                e = self.mods[f"encoder.{m}"](read_input(media_path(media_dir, ref), m).unsqueeze(0))
                parts.append(self.mods[f"input_projection.{m}"](e)[0])
            else:
                parts.append(self.mods["llm.embed"](torch.tensor([s["ids"]]))[0])
        return torch.cat(parts, 0).unsqueeze(0)

    @torch.no_grad()
    def project(self, m, hidden):
        """The output projection of one signal group's states [N, H]: the decoder's conditioning [1, Q, D]."""
        first = nano.signal_first_id(m)
        ids = torch.arange(first, first + nano.SIGNAL_COUNTS[m]).unsqueeze(0)
        return self.mods[f"output_projection.{m}"](hidden.unsqueeze(0), self.mods["llm.embed"](ids))

    @torch.no_grad()
    def decode(self, m, group, seed):
        return self.decode_conditioning(m, self.project(m, group["hidden"]), seed)

    @torch.no_grad()
    def caption_conditioning(self, m, caption):
        ids = torch.tensor([tokenizer.text_encoder_ids(self.sp, caption, nano.TEXT_LEN)])
        return self.mods[f"decoder.{m}.text_encoder"](ids)

    @torch.no_grad()
    def decode_caption(self, m, caption, seed):
        """The decoder alone, conditioned by its own text encoder on the caption (how stage 1 trained it)."""
        return self.decode_conditioning(m, self.caption_conditioning(m, caption), seed)

    @torch.no_grad()
    def decode_conditioning(self, m, cond, seed):
        d = self.manifest["decoders"][m]
        neg = self.mods[f"decoder.{m}.text_encoder"](torch.tensor([d["negative_prompt_ids"]]))
        noise = torch.randn([1] + d["latent_shape"], generator=torch.Generator().manual_seed(seed))
        sched = schedulers.make(d["defaults"]["scheduler"], d["scheduler"], d["defaults"]["steps"])
        latent, _ = schedulers.sample(self.mods[f"decoder.{m}.denoiser"], sched, noise, cond, neg,
                                      d["defaults"]["guidance_scale"])
        out = self.mods[f"decoder.{m}.vae_decoder"](latent / d["latent_scale"])
        if m == "audio":
            return D.pcm16(self.mods["decoder.audio.vocoder"](out.squeeze(1))[0].numpy())
        return D.unit_to_uint8(out[0])

    def run_decoders_alone(self, cases, log):
        """Every text → X target decoded straight from its caption: the ceiling the decoders set for those rows."""
        out, t0 = {}, time.time()
        for i, c in enumerate(cases):
            if c["kind"] in ("explicit", "explicit_multi", "implicit"):
                out[c["id"]] = {"text": "", "signals": list(c["targets"]),
                                "media": {m: self.decode_caption(m, t["caption"], i) for m, t in c["targets"].items()}}
        log(f"decoders alone: {len(out)} cases in {time.time() - t0:.0f}s")
        return out

    @torch.no_grad()
    def teacher_forced_groups(self, case, media_dir):
        """{modality: signal hidden states [N, H]} of the case's reference answer (its words, then its signal groups)
        fed to the LLM after the prompt in one forward pass: the states the LLM would give its groups had it
        answered exactly that."""
        last = case["answers"][-1]
        prompt = self.prompt_embeds(case, media_dir)
        answer = torch.tensor([D.answer_ids(self.sp, last["text"], last["signals"])])
        x = torch.cat([prompt, self.mods["llm.embed"](answer)], 1)
        n = x.shape[1]
        _, hidden, _ = self.mods["llm.forward"](x, torch.ones(1, n, dtype=torch.int64),
                                                torch.arange(n, dtype=torch.int64).unsqueeze(0),
                                                nano.empty_past())
        return {m: hidden[0, start:start + nano.SIGNAL_COUNTS[m]]
                for m, start in D.signal_starts(self.sp, prompt.shape[1], last["text"], last["signals"])}

    def run_teacher_forced(self, cases, media_dir, log):
        """Every text → X and switching target decoded from the signal states of the reference answer (same noise
        seeds as ``run_decoders_alone``): what the output projection loses, apart from what the LLM's own answers
        (routing, wrong words) lose."""
        out, t0 = {}, time.time()
        for i, c in enumerate(cases):
            if c["targets"]:
                conds = {m: self.project(m, h) for m, h in self.teacher_forced_groups(c, media_dir).items()}
                out[c["id"]] = {"text": c["answers"][-1]["text"], "signals": list(conds),
                                "media": {m: self.decode_conditioning(m, cond, i) for m, cond in conds.items()},
                                "conditioning": {m: cond[0] for m, cond in conds.items()}}
        log(f"teacher-forced: {len(out)} cases in {time.time() - t0:.0f}s")
        return out

    def run(self, cases, media_dir, log, decode=True):
        """Every case through the LLM; with ``decode`` the signal groups through their decoders too."""
        out = {}
        t0 = time.time()
        for i, c in enumerate(cases):
            res = pipeline.generate(self.mods["llm.embed"], self.mods["llm.forward"], None, self.max_new,
                                    prompt_embeds=self.prompt_embeds(c, media_dir))
            text = pipeline.decode_ids(self.sp, [t for t in res["ids"] if pipeline.signal_info(t) is None
                                                 and t != pipeline.EOS]).split("###")[0].strip()
            groups = [g for g in res["groups"] if g["complete"]]
            out[c["id"]] = {"text": text, "signals": [g["modality"] for g in groups],
                            "media": {g["modality"]: self.decode(g["modality"], g, i) for g in groups if decode}}
            if (i + 1) % 200 == 0:
                log(f"python: {i + 1}/{len(cases)} cases, {time.time() - t0:.0f}s")
        log(f"python: {len(cases)} cases in {time.time() - t0:.0f}s")
        return out


class NearestCaption:
    """Reads a conditioning as the judges read media: the attributes of the canonical caption, among every attribute
    combination of the modality, whose conditioning through the decoder's own text encoder is nearest (L2). On the
    teacher-forced states it tells what the output projection says apart from what the decoder makes of it: a case
    the projection takes to its own caption's neighbourhood and the decoder still renders wrong is the decoder's."""

    def __init__(self, runtime, modality):
        self.combos = world.all_combos(modality)
        with torch.no_grad():
            self.table = torch.cat([runtime.caption_conditioning(modality, world_text.canonical_caption(modality, a))
                                    for a in self.combos]).flatten(1)

    def predict(self, conditionings):
        """list of conditionings [Q, D] → list of {attribute: value}."""
        x = torch.stack([c.flatten() for c in conditionings])
        return [dict(self.combos[int(i)]) for i in torch.cdist(x, self.table).argmin(dim=1)]


# ---------------------------------------------------------------- the Java path

def java_cases(cases, media_dir):
    """``nextgpt eval``'s case records. Each case's diffusion seed is its index, as on the Python paths
    (``PythonRuntime.run`` and the others decode case ``i`` from ``seed = i``): every case draws noise of its own. (With
    the CLI's default, seed 0 for every case, the 54 test requests for the held-out "high tone, one beep" all
    started from the same noise and came out alike — all two beeps — so a row measured one draw, not the decoder.)"""
    def media(u):
        return [{"modality": r["modality"], "path": media_path(media_dir, r)} for r in u["media"]]
    out = []
    for i, c in enumerate(cases):
        hist = [{"text": u["text"], "media": media(u), "answer": a["text"]}
                for u, a in zip(c["users"][:-1], c["answers"][:-1])]
        out.append({"id": c["id"], "text": c["users"][-1]["text"], "media": media(c["users"][-1]),
                    "history": hist, "outputs": "auto", "seed": i})
    return out


def java_run(bundle_dir, cases, media_dir, out_dir, log):
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "cases.jsonl")
    with open(path, "w") as f:
        for record in java_cases(cases, media_dir):
            f.write(json.dumps(record) + "\n")
    t0 = time.time()
    res = subprocess.run([os.path.join(ROOT, "nextgpt"), "eval", "--cases", path, "--out", out_dir, "--bundle",
                          os.path.abspath(bundle_dir), "--batch", "16"], capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"nextgpt eval failed ({res.returncode}): {res.stderr[-2000:]}")
    log(res.stdout.strip().splitlines()[-1] if res.stdout.strip() else "java: no summary")
    out = {}
    with open(os.path.join(out_dir, "results.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if r.get("error"):
                out[r["id"]] = {"text": "", "signals": [], "media": {}, "error": r["error"]}
                continue
            media = {}
            for m, rel in r["outputs"].items():
                p = os.path.join(out_dir, rel)
                media[m] = read_wav(p) if m == "audio" else (read_rgb(p)[0] if m == "image" else read_rgb(p))
            out[r["id"]] = {"text": r["text"] or "", "signals": r["signals"], "media": media}
    log(f"java: {len(out)} cases in {time.time() - t0:.0f}s")
    return out


# ---------------------------------------------------------------- scoring

def score(cases, outputs, judges, records=None):
    """{row: {"n": count, "acc": fraction, "by": {attribute or sub-row: fraction},
    "split": {"seen": fraction, "held-out combination": fraction, "held-out phrasing": fraction}}}.

    ``split`` scores the same row on the cases whose media or requests use only training attribute combinations and
    phrasings ("seen"), on those with a held-out combination, and on those with a held-out phrasing (a case may be
    in both held-out groups). With ``records`` (a list), one dict per case is appended: what was expected, what came
    back, and every scored attribute with its verdict.
    """
    tally = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    by_group = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    by_case = {}

    def add(row, key, ok, case):
        tally[row][key][0] += int(ok)
        tally[row][key][1] += 1
        tally[row]["all"][0] += int(ok)
        tally[row]["all"][1] += 1
        groups = [g for g, on in (("held-out combination", case["heldout_combo"]),
                                  ("held-out phrasing", case["heldout_template"])) if on] or ["seen"]
        for g in groups:
            by_group[row][g][0] += int(ok)
            by_group[row][g][1] += 1
        by_case.setdefault(case["id"], []).append([row, key, bool(ok)])

    to_judge = defaultdict(list)   # modality → [(row, required attrs, target attrs, signal)]
    for c in cases:
        o = outputs.get(c["id"], {"text": "", "signals": [], "media": {}})
        ok = sorted(o["signals"]) == sorted(c["expected"])
        sub = {"explicit": "explicit", "explicit_multi": "explicit", "implicit": "implicit",
               "switch": "explicit"}.get(c["kind"], "no output wanted")
        add("signal routing", sub, ok, c)
        if c["kind"] == "understanding":
            m = c["answer_modality"]
            got = world_text.parse_attributes(m, o["text"])
            for k, v in c["answer_attrs"].items():
                add(f"{m} → text", k, got.get(k) == v, c)
            continue
        for m, t in c["targets"].items():
            row = "multi-turn switching" if c["kind"] == "switch" else f"text → {m}"
            if m in o["media"]:
                to_judge[m].append((row, t["required"], t["attrs"], o["media"][m], c))
            else:
                for k in t["required"]:
                    add(row, k, False, c)
    for m, items in to_judge.items():
        preds = []
        for i in range(0, len(items), 256):
            preds.extend(judges[m].predict([s for *_, s, _ in items[i:i + 256]]))
        for (row, required, attrs, _, c), p in zip(items, preds):
            for k in required:
                add(row, k, p[k] == attrs[k], c)
            by_case.setdefault(c["id"], []).append([row, "judged", {k: p[k] for k in required}])
    if records is not None:
        for c in cases:
            o = outputs.get(c["id"], {"text": "", "signals": []})
            records.append({"id": c["id"], "kind": c["kind"], "heldout_combo": c["heldout_combo"],
                            "heldout_template": c["heldout_template"], "request": c["users"][-1]["text"],
                            "media": [r["attrs"] for u in c["users"] for r in u["media"]],
                            "expected_signals": c["expected"], "signals": o["signals"], "text": o["text"],
                            "targets": {m: t["attrs"] for m, t in c["targets"].items()},
                            "answer_attrs": c["answer_attrs"], "scored": by_case.get(c["id"], [])})
    return {row: {"n": v["all"][1], "acc": v["all"][0] / max(1, v["all"][1]),
                  "by": {k: c[0] / max(1, c[1]) for k, c in v.items() if k != "all"},
                  "split": {g: c[0] / max(1, c[1]) for g, c in by_group[row].items()}}
            for row, v in tally.items()}


# the rows that need no decoder: what the LLM says and which signal groups it emits
TEXT_ROWS = ("image → text", "audio → text", "video → text", "signal routing")
# the rows judged on generated media
GENERATION_ROWS = ("text → image", "text → audio", "text → video", "multi-turn switching")
ROW_ORDER = ["text → image", "text → audio", "text → video", "image → text", "audio → text", "video → text",
             "signal routing", "multi-turn switching"]


def table(results):
    paths = list(results)
    lines = ["| row | n | " + " | ".join(paths) + " | per attribute (of the last path with the row) |",
             "|---|---|" + "---|" * len(paths) + "---|"]
    for row in ROW_ORDER:
        if not any(row in r for r in results.values()):
            continue
        src = next(p for p in reversed(paths) if row in results[p])
        ref = results[src][row]
        cells = [f"{100 * results[p][row]['acc']:.1f}%" if row in results[p] else "–" for p in paths]
        by = f"{src}: " + ", ".join(f"{k} {100 * v:.1f}%" for k, v in sorted(ref["by"].items()))
        lines.append(f"| {row} | {ref['n']} | " + " | ".join(cells) + f" | {by} |")
    return "\n".join(lines)


NEAREST_PATH = "teacher-forced, nearest caption"
SPLIT_ORDER = ["seen", "held-out combination", "held-out phrasing"]


def split_table(results):
    """Each path's rows on the cases with seen combinations and phrasings only, and on each held-out group."""
    paths = list(results)
    lines = ["| row | " + " | ".join(f"{p}: {g}" for p in paths for g in SPLIT_ORDER) + " |",
             "|---|" + "---|" * (len(paths) * len(SPLIT_ORDER))]
    for row in ROW_ORDER:
        if not any(row in r for r in results.values()):
            continue
        cells = [f"{100 * results[p][row]['split'][g]:.1f}%" if row in results[p] and g in results[p][row]["split"]
                 else "–" for p in paths for g in SPLIT_ORDER]
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


ANSWER_GROUPS = ["reference words", "own words", "wrong groups"]


def answer_breakdown(teacher_records, path_records, path):
    """Where a path loses on the generation rows, against the teacher-forced path on the same cases: its cases split
    by the answer it gave (the reference answer's words, other words, or signal groups other than the expected ones),
    each group's attribute accuracy on both paths. Teacher-forced ≈ path on "reference words" means the runtime and
    projection lose nothing once the words are the same; the rest is what the LLM's own answers cost."""
    teacher = {r["id"]: r for r in teacher_records}
    tally = defaultdict(lambda: [0, 0, 0])   # (row, group) → [attributes, right teacher-forced, right on path]
    for r in path_records:
        t = teacher.get(r["id"])
        if t is None:
            continue
        if sorted(r["signals"]) != sorted(r["expected_signals"]):
            group = "wrong groups"
        else:
            group = "reference words" if r["text"].strip() == t["text"].strip() else "own words"
        right = defaultdict(lambda: [0, 0])
        for rec, k in ((t, 0), (r, 1)):
            for row, key, ok in rec["scored"]:
                if row in GENERATION_ROWS and key != "judged":
                    right[(row, key)][k] += bool(ok)
        for (row, _), (ok_t, ok_p) in right.items():
            c = tally[(row, group)]
            c[0], c[1], c[2] = c[0] + 1, c[1] + ok_t, c[2] + ok_p
    lines = ["| row | " + " | ".join(f"{g}: n, teacher-forced, {path}" for g in ANSWER_GROUPS) + " |",
             "|---|" + "---|" * len(ANSWER_GROUPS)]
    for row in ROW_ORDER:
        if row not in GENERATION_ROWS or not any((row, g) in tally for g in ANSWER_GROUPS):
            continue
        cells = []
        for g in ANSWER_GROUPS:
            n, ok_t, ok_p = tally.get((row, g), (0, 0, 0))
            cells.append(f"{n}, {100 * ok_t / n:.1f}%, {100 * ok_p / n:.1f}%" if n else "–")
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def load_judges(folder, log):
    """The judges, each trained once per version and cached in ``folder``."""
    judges, acc = {}, {}
    for m in world_media.MODALITIES:
        cache = os.path.join(folder, f"judge-{m}-v{J.VERSIONS[m]}.pt")
        if os.path.exists(cache):
            judges[m], acc[m] = torch.load(cache)
            log(f"judge {m} from {cache}: accuracy on fresh renders {acc[m]}")
        else:
            j, a = J.train_judges(log=log, modalities=[m])
            judges[m], acc[m] = j[m], a[m]
            torch.save((judges[m], acc[m]), cache)
    return judges, acc


def write_records(path, records):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", default=os.path.join(ROOT, "models", "nano"))
    ap.add_argument("--paths", default="python,java",
                    help="python, java, decoders (each text → X target decoded from its caption alone, no LLM) and "
                    "probes (linear probes of the encoders' embeddings, seen and held-out combinations: probes.py), "
                    "text (the Python path without decoders or judges: routing and the X → text rows, minutes), "
                    "teacher (each text → X and switching target from the LLM's signal states for the reference "
                    "answer, through the output projection and decoder: the projection's loss, apart from the "
                    "LLM's own answers; and the same projected conditionings read as the caption whose "
                    "conditioning is nearest: the projection apart from the decoder)")
    ap.add_argument("--limit", type=int, default=None, help="first N dialogues (default: all)")
    ap.add_argument("--split", choices=["test", "valid"], default="test",
                    help="the dialogues to evaluate on: test (the table), or valid, to choose a default such as a "
                    "decoder's guidance without looking at the test (valid holds out its own attribute combinations)")
    ap.add_argument("--budget", default="full", help="the training budget whose world to evaluate on")
    ap.add_argument("--out", default=os.path.join(ROOT, ".eval"))
    ap.add_argument("--judges", default=os.path.join(ROOT, ".eval"),
                    help="where the judges are cached (they depend on the world, not on the bundle: one cache serves "
                    "every --out; a judge missing there is trained, 2-20 min per modality on 2 cores)")
    ap.add_argument("--threads", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    args = ap.parse_args(argv)
    # absolute: the Java path's cases file names media by path, and `nextgpt eval` reads them from its own directory
    args.out = os.path.abspath(args.out)
    os.makedirs(args.judges, exist_ok=True)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    os.makedirs(args.out, exist_ok=True)
    log = train.Log(os.path.join(args.out, "eval.log"))
    w = train.make_world(args.budget)
    paths = args.paths.split(",")
    unknown = set(paths) - {"python", "java", "decoders", "teacher", "probes", "text"}
    if unknown:
        ap.error(f"unknown paths {sorted(unknown)}")
    results, probe_results, judge_acc, all_records = OrderedDict(), None, {}, {}
    if "probes" in paths:
        probe_results = probes.encoder_probes(export.load_bundle(args.bundle)[0], w)  # always scored on test
        paths.remove("probes")
    if paths:
        cases = build_cases(w, args.limit, args.split)
        media_dir = os.path.join(args.out, "media")
        write_media(cases, media_dir)
        log(f"{len(cases)} {args.split} cases; held-out combination or phrasing in {sum(c['heldout'] for c in cases)}")
        judges, judge_acc = load_judges(args.judges, log) if set(paths) - {"text"} else ({}, {})
    for p in paths:
        if p == "text":
            outputs = PythonRuntime(args.bundle).run(cases, media_dir, log, decode=False)
            records = []
            results["python, text only"] = {k: v for k, v in score(cases, outputs, judges, records).items()
                                            if k in TEXT_ROWS}
            write_records(os.path.join(args.out, "cases.text.jsonl"), records)
            continue
        if p == "python":
            outputs = PythonRuntime(args.bundle).run(cases, media_dir, log)
        elif p == "decoders":
            outputs = PythonRuntime(args.bundle).run_decoders_alone(cases, log)
            records = []
            results["decoders alone"] = {k: v for k, v in score([c for c in cases if c["id"] in outputs], outputs,
                                                                  judges, records).items() if k.startswith("text →")}
            write_records(os.path.join(args.out, "cases.decoders.jsonl"), records)
            continue
        elif p == "teacher":
            rt = PythonRuntime(args.bundle)
            outputs = rt.run_teacher_forced(cases, media_dir, log)
            forced = [c for c in cases if c["id"] in outputs]
            records = []
            results["teacher-forced"] = {k: v for k, v in score(forced, outputs, judges, records).items()
                                         if k in GENERATION_ROWS}
            write_records(os.path.join(args.out, "cases.teacher.jsonl"), records)
            all_records["teacher-forced"] = records
            # the same states read without the decoder: is the projected conditioning nearest its own caption's?
            nearest = {k: {**o, "media": o["conditioning"]} for k, o in outputs.items()}
            readers = {m: NearestCaption(rt, m) for m in world_media.MODALITIES}
            results[NEAREST_PATH] = {k: v for k, v in score(forced, nearest, readers).items()
                                     if k in GENERATION_ROWS}
            continue
        elif p == "java":
            outputs = java_run(args.bundle, cases, media_dir, os.path.join(args.out, "java"), log)
        records = []
        results[p] = score(cases, outputs, judges, records)
        write_records(os.path.join(args.out, f"cases.{p}.jsonl"), records)
        all_records[p] = records
    sections = []
    if results:
        sections += [table(results), "By split (seen: training combinations and phrasings only):", split_table(results)]
    for p in ("python", "java"):
        if "teacher-forced" in all_records and p in all_records:
            sections += [f"{p} against teacher-forced, by the answer {p} gave (attributes judged):",
                         answer_breakdown(all_records["teacher-forced"], all_records[p], p)]
    if probe_results:
        sections += ["Encoder linear probes (fitted on train embeddings, scored on test):", probes.table(probe_results)]
    t = "\n\n".join(sections)
    print(t)
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(t + "\n")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"results": results, "judges": judge_acc, "probes": probe_results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
