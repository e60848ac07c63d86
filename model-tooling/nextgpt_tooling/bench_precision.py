"""Training step time in float32 and under bfloat16 autocast, measured in the same run.

    python -m nextgpt_tooling.bench_precision [--steps 30] [--threads 2]

Times the stage-1 parts that dominate ``train --budget full`` (LLM pretraining, encoders, the video VAE and the video
denoiser) on the full world's data, each from the same seeded initialisation in both precisions, after two warm-up
steps, and prints seconds per step and the speed-up. ``train --precision auto`` picks bfloat16 only where the CPU has
it natively (``train.native_bf16``), and there only for the parts in ``train.BF16_VALIDATED``; elsewhere the bfloat16
column shows what emulation would cost.
"""
import argparse
import random
import time

import torch

from . import nano, tokenizer, train


def _time_part(fn, steps):
    fn(2)  # warm-up: oneDNN picks its kernels on the first calls
    t0 = time.perf_counter()
    fn(steps)
    return (time.perf_counter() - t0) / steps


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    w = train.make_world("full")
    sp = tokenizer.load_processor(tokenizer.train_tokenizer(1234, sentences=train.tokenizer_sentences(w, 1234)))
    data = train.Data(w, sp, lambda *_: None)
    quiet = lambda *_: None  # noqa: E731
    rows = {}
    for mode in ("fp32", "bf16"):
        train.PRECISION["bf16"] = train.bf16_parts(mode, native=True)
        torch.manual_seed(0)
        mods = nano.build(1234)
        llm = train.TrainLlm(mods["llm.embed"], mods["llm.forward"])
        z = torch.randn(len(data.samples["video"]), *nano.DECODERS["video"]["latent_shape"]) * 0.25
        parts = {
            "llm pretraining (batch 32)": lambda n: train.pretrain_llm(llm, w, sp, {"pretrain": n}, quiet,
                                                                        random.Random(5)),
            "encoders (batch 64)": lambda n: train.train_encoders(
                mods, data, {"contrastive": {m: max(1, n // 3) for m in train.MODALITIES}}, quiet, random.Random(5)),
            "video VAE (batch 32)": lambda n: train.train_vae("video", mods, data, {"vae": {"video": n}}, quiet,
                                                             random.Random(5)),
            "video denoiser (batch 64)": lambda n: train.train_denoiser("video", mods, data, z,
                                                                        {"denoiser": {"video": n}}, quiet,
                                                                        random.Random(5)),
        }
        for name, fn in parts.items():
            rows.setdefault(name, {})[mode] = _time_part(fn, args.steps)
            print(f"{mode} {name}: {rows[name][mode]:.3f} s/step", flush=True)
    train.PRECISION["bf16"] = frozenset()
    print(f"\nnative bfloat16 on this CPU: {train.native_bf16()}; {args.threads} threads, {args.steps} steps per part")
    print("| part | float32 s/step | bfloat16 s/step | speed-up |")
    print("|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['fp32']:.3f} | {r['bf16']:.3f} | {r['fp32'] / r['bf16']:.1f}× |")


if __name__ == "__main__":
    main()
