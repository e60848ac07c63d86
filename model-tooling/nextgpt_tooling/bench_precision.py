"""Stage-1 training step time in float32 and under bfloat16 autocast, measured in the same run, and what it makes of
stage 1 at the full budget on this machine.

    python -m nextgpt_tooling.bench_precision [--steps 30] [--threads 2] [--parts all] [--precisions fp32,bf16]

Each part trains from the same seeded initialisation in each precision on the full world's data. A part's training
function also has fixed costs (the VAEs encode every training sample once they are done, the vocoder renders every
waveform first), so a step is timed as the difference between a call of ``2 + steps`` steps and one of 2 steps, after
a warm-up call (oneDNN picks its kernels on the first calls). ``train --precision auto`` picks bfloat16 only where the
CPU has it natively (``train.native_bf16``), and there only for the parts in ``train.BF16_VALIDATED``; elsewhere the
bfloat16 column shows what emulation would cost. The last table projects stage 1 at ``--budget full`` from the
measured steps, with each part in the precision ``--precision auto`` gives it here.
"""
import argparse
import random
import time

import torch

from . import nano, tokenizer, train

DEFAULT_PARTS = ("llm", "encoders", "vae.image", "denoiser.video")
# the stage-1 parts that train in steps (the video VAE is the image VAE on each frame: copied, not trained)
TIMED_PARTS = tuple(p for p in train.STAGE1_PARTS if p != "vae.video")


def _time_part(fn, steps):
    fn(2)  # warm-up
    t0 = time.perf_counter()
    fn(2)
    fixed = time.perf_counter() - t0
    t0 = time.perf_counter()
    fn(2 + steps)
    return (time.perf_counter() - t0 - fixed) / steps


def full_budget_steps(part):
    """The steps ``part`` trains at ``--budget full`` (the encoders' modalities counted together)."""
    b = train.BUDGETS["full"]
    kind, _, m = part.partition(".")
    return {"llm": lambda: b["pretrain"], "encoders": lambda: sum(b["contrastive"].values()),
            "vae": lambda: b["vae"][m], "vocoder": lambda: b["vocoder"], "denoiser": lambda: b["denoiser"][m]}[kind]()


def part_runner(part, mods, llm, w, sp, data):
    """A function training ``part`` for n steps (on fresh random latents for a denoiser)."""
    quiet = lambda *_: None  # noqa: E731
    kind, _, m = part.partition(".")
    if kind == "llm":
        return lambda n: train.pretrain_llm(llm, w, sp, {"pretrain": n}, quiet, random.Random(5))
    if kind == "encoders":  # a step trains one modality; the modalities take turns
        return lambda n: train.train_encoders(
            mods, data, {"contrastive": {x: max(1, n // 3) for x in train.MODALITIES}}, quiet, random.Random(5))
    if kind == "vae":
        return lambda n: train.train_vae(m, mods, data, {"vae": {m: n}}, quiet, random.Random(5))
    if kind == "vocoder":
        return lambda n: train.train_vocoder(mods, data, {"vocoder": n}, quiet, random.Random(5))
    z = torch.randn(len(data.samples[m]), *nano.DECODERS[m]["latent_shape"]) * 0.25
    return lambda n: train.train_denoiser(m, mods, data, z, {"denoiser": {m: n}}, quiet, random.Random(5))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--parts", default=",".join(DEFAULT_PARTS),
                    help="comma-separated stage-1 parts (train.STAGE1_PARTS but vae.video) or 'all'")
    ap.add_argument("--precisions", default="fp32,bf16", help="fp32, bf16 or both")
    args = ap.parse_args(argv)
    parts = list(TIMED_PARTS) if args.parts == "all" else args.parts.split(",")
    unknown = set(parts) - set(TIMED_PARTS)
    if unknown:
        raise SystemExit(f"--parts: unknown {sorted(unknown)} (parts: {','.join(TIMED_PARTS)})")
    modes = args.precisions.split(",")
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    w = train.make_world("full")
    sp = tokenizer.load_processor(tokenizer.train_tokenizer(1234, sentences=train.tokenizer_sentences(w, 1234)))
    data = train.Data(w, sp, lambda *_: None)
    rows = {}
    for mode in modes:
        train.PRECISION["bf16"] = train.bf16_parts(mode, native=True)
        for part in parts:
            torch.manual_seed(0)
            mods = nano.build(1234)
            llm = train.TrainLlm(mods["llm.embed"], mods["llm.forward"])
            rows.setdefault(part, {})[mode] = _time_part(part_runner(part, mods, llm, w, sp, data), args.steps)
            print(f"{mode} {part}: {rows[part][mode]:.3f} s/step", flush=True)
    train.PRECISION["bf16"] = frozenset()
    native = train.native_bf16()
    print(f"\nnative bfloat16 on this CPU: {native}; {args.threads} threads, {args.steps} steps per part")
    print("| part | " + " | ".join(f"{'float32' if x == 'fp32' else 'bfloat16'} s/step" for x in modes)
          + (" | speed-up |" if len(modes) == 2 else " |"))
    print("|---" * (len(modes) + 1 + (len(modes) == 2)) + "|")
    for part, r in rows.items():
        cells = " | ".join(f"{r[x]:.3f}" for x in modes)
        print(f"| {part} | {cells} |" + (f" {r['fp32'] / r['bf16']:.1f}× |" if len(modes) == 2 else ""))
    auto = train.bf16_parts("auto", native)
    total, lines = 0.0, []
    for part, r in rows.items():
        mode = "bf16" if train.part_in_bf16(part, auto) else "fp32"
        if mode not in r:
            continue
        minutes = r[mode] * full_budget_steps(part) / 60
        total += minutes
        lines.append(f"| {part} | {full_budget_steps(part)} | {mode} | {minutes:.1f} |")
    print("\nstage 1 at --budget full with --precision auto on this CPU (measured parts only):")
    print("| part | steps | precision | min |\n|---|---|---|---|")
    print("\n".join(lines))
    print(f"| total | | | {total:.1f} |")


if __name__ == "__main__":
    main()
