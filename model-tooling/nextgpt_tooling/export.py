"""Exports a nano bundle (TorchScript components, tokenizer, bundle.json) and the reference tensors.

    # the random-weight bundle training starts from
    /usr/bin/python3 -m nextgpt_tooling.export --seed 1234 --out DIR [--reference DIR]
    # the reference tensors of an exported (trained) bundle, e.g. the committed one
    /usr/bin/python3 -m nextgpt_tooling.export --out models/nano --reference models/reference/nano --references-only
"""
import argparse
import hashlib
import io
import json
import os
import sys
import wave
from collections import OrderedDict

import numpy as np
import torch

from . import nano, pipeline, safetensors_io, tokenizer
from .tokenizer import BOS, EOS, PAD, UNK

DIFFUSION_STEPS = 6
GUIDANCE = 7.5
GENERATE_TOKENS = 24


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _gen(seed, name):
    return torch.Generator().manual_seed(nano.component_seed(seed + 99991, name))


def sample_inputs(name, batch, seed, sp=None, dims=None):
    """Fixed seeded inputs of a component for ``batch`` (reference and contract tests).

    llm.forward gets a non-empty past (P=3), T=4 and, for batch >= 2, a left-padded first row."""
    g = _gen(seed + batch, name)
    dims = dict(dims or {})
    dims.setdefault("B", batch)
    dims.setdefault("T", 5)
    dims.setdefault("N", {"image": 4, "audio": 8, "video": 24}.get(name.split(".")[-1], 4))
    dims.setdefault("S", nano.TEXT_LEN)
    dims.setdefault("P", 3)
    ins, _ = nano.contract(name)
    if name == "llm.forward":
        b, p, t = dims["B"], dims["P"], dims["T"]
        mask = torch.ones(b, p + t, dtype=torch.int64)
        if b >= 2:
            mask[0, :min(2, p + t - 1)] = 0  # left padding of row 0
        pos = (torch.cumsum(mask, 1) - 1).clamp_min(0)[:, p:]
        return [torch.randn(b, t, nano.HIDDEN, generator=g) * 0.02, mask, pos,
                torch.randn(nano.LAYERS, 2, b, nano.HEADS, p, nano.HEAD_DIM, generator=g)]
    out = []
    for spec in ins:
        shape = nano.resolve_shape(spec["shape"], dims)
        if spec["dtype"] == "int64":
            if name.endswith("text_encoder") and sp is not None:
                rows = [tokenizer.text_encoder_ids(sp, "a red circle at the top left", shape[1])]
                while len(rows) < shape[0]:
                    rows.append(torch.randint(3, nano.VOCAB, (shape[1],), generator=g).tolist())
                out.append(torch.tensor(rows[:shape[0]], dtype=torch.int64))
            else:
                out.append(torch.randint(0, nano.VOCAB, shape, generator=g))
        elif spec["name"] == "timestep":
            out.append(torch.tensor([981.0, 1.0, 500.0, 250.0][:shape[0]] + [100.0] * max(0, shape[0] - 4)))
        elif spec["name"] == "embedding":
            out.append(torch.nn.functional.normalize(torch.randn(shape, generator=g), dim=-1))
        elif spec["name"] == "signal_embeds":
            out.append(torch.randn(shape, generator=g) * 0.02)
        elif spec["name"] == "log_mel":
            out.append(torch.randn(shape, generator=g) * 2.0 - 5.0)
        else:
            out.append(torch.randn(shape, generator=g))
    return out


def run(module, inputs):
    with torch.no_grad():
        out = module(*inputs)
    return list(out) if isinstance(out, (tuple, list)) else [out]


def build_manifest(seed, sp, files, description=None):
    neg = tokenizer.text_encoder_ids(sp, "", nano.TEXT_LEN)
    components = OrderedDict()
    for name in nano.COMPONENT_NAMES:
        ins, outs = nano.contract(name)
        components[name] = {"file": nano.file_name(name), "inputs": ins, "outputs": outs}
    signal = OrderedDict()
    for m in nano.SIGNAL_COUNTS:
        signal[m] = {"first_id": nano.signal_first_id(m), "tokens": nano.signal_tokens(m)}

    def decoder(m, output):
        d = nano.DECODERS[m]
        return OrderedDict([
            ("query_count", d["query_count"]), ("conditioning_dim", d["conditioning_dim"]),
            ("latent_shape", d["latent_shape"]), ("latent_scale", nano.LATENT_SCALE), ("output", output),
            ("negative_prompt_ids", neg), ("scheduler", dict(nano.SCHEDULER)),
            ("defaults", {"steps": 20, "guidance_scale": nano.GUIDANCE_SCALE[m], "scheduler": "ddim"}),
            ("limits", {"max_steps": 100})])

    clip_mean = [0.48145466, 0.4578275, 0.40821073]
    clip_std = [0.26862954, 0.26130258, 0.27577711]
    return OrderedDict([
        ("format", "nextgpt-bundle"), ("format_version", 1), ("name", "nano"),
        ("description", description or RANDOM_DESCRIPTION),
        ("seed", seed),
        ("files", files),
        ("tokenizer", OrderedDict([("file", "tokenizer.model"), ("type", "sentencepiece-bpe"),
                                   ("bos_id", BOS), ("eos_id", EOS), ("unk_id", UNK), ("pad_id", PAD),
                                   ("base_vocab_size", tokenizer.BASE_VOCAB)])),
        ("signal_tokens", signal),
        ("llm", OrderedDict([
            ("vocab_size", nano.VOCAB), ("hidden_size", nano.HIDDEN), ("num_layers", nano.LAYERS),
            ("num_heads", nano.HEADS), ("head_dim", nano.HEAD_DIM), ("max_positions", nano.MAX_POSITIONS),
            ("prompt", pipeline.PROMPT), ("stop_strings", ["###"]),
            ("generation", {"max_new_tokens": 48, "temperature": 0.0, "top_p": 1.0, "top_k": 0})])),
        ("encoders", OrderedDict([
            ("image", {"size": nano.IMAGE_SIZE, "mean": clip_mean, "std": clip_std}),
            ("audio", {"sample_rate": 16000, "num_mel_bins": nano.AUDIO_MEL, "target_frames": nano.AUDIO_FRAMES,
                       "clip_seconds": 1.0, "clips": nano.AUDIO_CLIPS, "mean": -4.268, "std": 9.138}),
            ("video", {"size": nano.IMAGE_SIZE, "clips": nano.VIDEO_CLIPS, "clip_seconds": 2.0,
                       "frames_per_clip": nano.VIDEO_FRAMES, "spatial_crops": 1, "mean": clip_mean,
                       "std": clip_std}),
            ("embedding_dim", nano.EMBED_DIM), ("tokens_per_item", nano.TOKENS_PER_ITEM)])),
        ("decoders", OrderedDict([
            ("image", decoder("image", {"width": 32, "height": 32})),
            ("video", decoder("video", {"width": 32, "height": 32, "frames": 8, "fps": 8})),
            ("audio", decoder("audio", {"sample_rate": 16000, "seconds": 1.0, "mel_bins": nano.AUDIO_MEL_BINS,
                                        "hop_length": nano.HOP}))])),
        ("components", components),
    ])


RANDOM_DESCRIPTION = ("Nano NExT-GPT bundle: every component of the real model at tiny dims with seeded random "
                      "weights (encoder 128, LLM hidden 256 x 4 layers, image 32x32, video 8 frames 32x32, "
                      "audio 1 s 16 kHz): what model-tooling/train-nano starts from.")


def export_bundle(seed, out_dir, log=print):
    """The random-weight bundle of ``seed`` (what training starts from); returns (loaded modules, sp, manifest)."""
    return export_modules(nano.build(seed), tokenizer.train_tokenizer(seed), seed, out_dir, RANDOM_DESCRIPTION, log)


def export_modules(modules, model_bytes, seed, out_dir, description, log=print):
    """Writes tokenizer.model, the TorchScript components and bundle.json; returns (loaded modules, sp, manifest)."""
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "tokenizer.model"), "wb") as f:
        f.write(model_bytes)
    sp = tokenizer.load_processor(model_bytes)
    assert sp.get_piece_size() == tokenizer.BASE_VOCAB
    loaded = OrderedDict()
    for name, mod in modules.items():
        mod.eval()
        path = os.path.join(out_dir, nano.file_name(name))
        scripted = torch.jit.script(mod)
        torch.jit.save(scripted, path)
        reloaded = torch.jit.load(path)
        reloaded.eval()
        for b in (1, 3):
            ins = sample_inputs(name, b, seed, sp, {"P": 2 if b == 1 else 0, "T": 3 if b == 1 else 4})
            a, r = run(mod, ins), run(reloaded, ins)
            for x, y in zip(a, r):
                if not torch.allclose(x, y, atol=1e-5, rtol=1e-5):
                    raise RuntimeError(f"{name}: TorchScript output differs from eager")
                if not torch.isfinite(x).all():
                    raise RuntimeError(f"{name}: non-finite output")
        loaded[name] = reloaded
    files = OrderedDict()
    for fname in ["tokenizer.model"] + [nano.file_name(n) for n in nano.COMPONENT_NAMES]:
        p = os.path.join(out_dir, fname)
        files[fname] = {"sha256": sha256(p), "bytes": os.path.getsize(p)}
    manifest = build_manifest(seed, sp, files, description)
    with open(os.path.join(out_dir, "bundle.json"), "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    total = sum(v["bytes"] for v in files.values())
    log(f"bundle: {out_dir} ({total / 1e6:.2f} MB in {len(files)} files)")
    return loaded, sp, manifest


def load_bundle(bundle_dir):
    """(TorchScript modules, sp, manifest) of an exported bundle folder."""
    with open(os.path.join(bundle_dir, "bundle.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(bundle_dir, manifest["tokenizer"]["file"]), "rb") as f:
        sp = tokenizer.load_processor(f.read())
    mods = OrderedDict()
    for name, comp in manifest["components"].items():
        mods[name] = torch.jit.load(os.path.join(bundle_dir, comp["file"]))
        mods[name].eval()
    return mods, sp, manifest


# ------------------------------------------------------------------------------------------------------------------
# reference tensors
# ------------------------------------------------------------------------------------------------------------------
TOKENIZER_STRINGS = [
    "", " ", "  ", "a", "hello", "Hello world", " leading space", "trailing space ", "multiple   spaces  here",
    "\n", "line one\nline two", "tab\tseparated", "draw a red circle", "Draw A RED Circle!",
    "what colour is this?", "it is red.", "now draw a blue square", "play two beeps at a high tone",
    "a green triangle moving left", "0", "42", "2024", "3.14159", "x = y + 1", "(a, b); c: d!",
    "### Human: ", "\n### Assistant:", "\n###", "###", "<Img>", "</Img>", "<Aud>", "</Aud>", "<Vid>", "</Vid>",
    "### Human: <Img></Img> what colour is this?\n### Assistant: it is red.\n###",
    "café", "naïve résumé", "中文", "emoji 😀 here", "Ünïcödé ß ∑ → ✓", "[IMG0] is not a token here",
]


def write_tokenizer_reference(sp, ref_dir):
    items = [{"text": s, "ids": sp.encode(s), "pieces": [sp.id_to_piece(i) for i in sp.encode(s)],
              "decoded": sp.decode(sp.encode(s))} for s in TOKENIZER_STRINGS]
    doc = {"text_encoder_ids": {"empty": tokenizer.text_encoder_ids(sp, "", nano.TEXT_LEN),
                                "a red circle at the top left":
                                    tokenizer.text_encoder_ids(sp, "a red circle at the top left", nano.TEXT_LEN)},
           "strings": items}
    with open(os.path.join(ref_dir, "tokenizer.json"), "w") as f:
        json.dump(items, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(ref_dir, "text_encoder_ids.json"), "w") as f:
        json.dump(doc["text_encoder_ids"], f, indent=1, ensure_ascii=False)
        f.write("\n")


def write_component_references(mods, sp, seed, ref_dir):
    for name in nano.COMPONENT_NAMES:
        ins = sample_inputs(name, 2, seed, sp)
        outs = run(mods[name], ins)
        tensors = OrderedDict()
        for i, t in enumerate(ins):
            tensors[f"input.{i}"] = t
        for i, t in enumerate(outs):
            tensors[f"output.{i}"] = t
        safetensors_io.save(tensors, os.path.join(ref_dir, name + ".safetensors"), {"component": name})


def write_prompt_reference(mods, sp, seed, ref_dir):
    turns = [{"media": ["image"], "text": "what colour is this?", "answer": "it is red."},
             {"media": [], "text": "now draw a blue square"}]
    segments = pipeline.assemble_prompt(sp, turns)
    g = _gen(seed, "prompt")
    pixels = torch.randn(1, 3, nano.IMAGE_SIZE, nano.IMAGE_SIZE, generator=g)
    with torch.no_grad():
        emb = mods["encoder.image"](pixels)
        proj = mods["input_projection.image"](emb)
        parts = []
        for s in segments:
            if s["kind"] == "media":
                parts.append(proj[0])
            else:
                parts.append(mods["llm.embed"](torch.tensor([s["ids"]]))[0])
        embeds = torch.cat(parts, 0).unsqueeze(0)
        n = embeds.shape[1]
        logits, hidden, present = mods["llm.forward"](
            embeds, torch.ones(1, n, dtype=torch.int64), torch.arange(n).unsqueeze(0),
            nano.empty_past())
    doc = {"turns": turns, "template": pipeline.PROMPT, "segments": segments,
           "text": "".join(s.get("text", "") if s["kind"] != "media" else "<image embeddings>" for s in segments),
           "length": n,
           "tensors": {"pixels": "media item 0 (image) input to encoder.image, [1,3,32,32]",
                       "image_embedding": "encoder.image output", "media_embeds": "input_projection.image output",
                       "inputs_embeds": "the assembled prompt embeddings [1,L,H]",
                       "last_logits": "llm.forward logits at the last prompt position [1,V]",
                       "last_hidden": "llm.forward hidden at the last prompt position [1,H]"}}
    with open(os.path.join(ref_dir, "prompt.json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    safetensors_io.save(OrderedDict([("pixels", pixels), ("image_embedding", emb), ("media_embeds", proj),
                                     ("inputs_embeds", embeds), ("last_logits", logits[:, -1]),
                                     ("last_hidden", hidden[:, -1])]),
                        os.path.join(ref_dir, "prompt.safetensors"))


def write_generate_reference(mods, sp, ref_dir):
    segments = pipeline.assemble_prompt(sp, [{"media": [], "text": "draw a red circle"}])
    prompt_ids = pipeline.text_only_ids(segments)
    runs = OrderedDict([("free", None), ("forced_image", nano.signal_first_id("image"))])
    doc = {"prompt_text": "".join(s.get("text", "") for s in segments), "prompt_ids": prompt_ids,
           "max_new_tokens": GENERATE_TOKENS,
           "rules": "greedy argmax over logits; outside a group signal tokens with index > 0 get -inf; after index 0 "
                    "the rest of the group is forced; stop after eos (included); stop strings not applied; "
                    "group hidden = llm.forward hidden where the signal token is the input token",
           "runs": OrderedDict()}
    tensors = OrderedDict([("prompt_ids", torch.tensor(prompt_ids, dtype=torch.int64))])
    for run_name, forced in runs.items():
        res = pipeline.generate(mods["llm.embed"], mods["llm.forward"], prompt_ids, GENERATE_TOKENS, forced)
        tensors[f"{run_name}.ids"] = torch.tensor(res["ids"], dtype=torch.int64)
        tensors[f"{run_name}.step_logits"] = res["step_logits"]
        groups = []
        for gi, grp in enumerate(res["groups"]):
            m = grp["modality"]
            with torch.no_grad():
                sig_emb = mods["llm.embed"](torch.tensor([grp["ids"]]))
                cond = mods[f"output_projection.{m}"](grp["hidden"].unsqueeze(0), sig_emb)
            tensors[f"{run_name}.group.{gi}.hidden"] = grp["hidden"]
            tensors[f"{run_name}.group.{gi}.conditioning"] = cond
            groups.append({"modality": m, "start": grp["start"], "ids": grp["ids"], "complete": grp["complete"]})
        doc["runs"][run_name] = {"forced_first": forced, "ids": res["ids"], "text": pipeline.decode_ids(sp, res["ids"]),
                                 "groups": groups}
    with open(os.path.join(ref_dir, "llm.generate.json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    safetensors_io.save(tensors, os.path.join(ref_dir, "llm.generate.safetensors"),
                        {"max_new_tokens": str(GENERATE_TOKENS)})
    return doc


def write_diffusion_references(mods, sp, seed, manifest, ref_dir):
    for m in ["image", "video", "audio"]:
        d = manifest["decoders"][m]
        n_sig = nano.SIGNAL_COUNTS[m]
        first = nano.signal_first_id(m)
        g = _gen(seed, "diffusion." + m)
        with torch.no_grad():
            sig_hidden = torch.randn(2, n_sig, nano.HIDDEN, generator=g)
            sig_embeds = mods["llm.embed"](torch.arange(first, first + n_sig).unsqueeze(0).expand(2, -1))
            cond = mods[f"output_projection.{m}"](sig_hidden, sig_embeds)
            neg = mods[f"decoder.{m}.text_encoder"](torch.tensor([d["negative_prompt_ids"]])).expand(2, -1, -1)
            noise = torch.randn([2] + d["latent_shape"], generator=g)
        for sched in ["ddim", "dpmpp_2m"]:
            latent, trace, timesteps = pipeline.diffuse(mods[f"decoder.{m}.denoiser"], sched, noise, cond, neg,
                                                        DIFFUSION_STEPS, GUIDANCE)
            with torch.no_grad():
                decoded = mods[f"decoder.{m}.vae_decoder"](latent / d["latent_scale"])
            tensors = OrderedDict([("signal_hidden", sig_hidden), ("signal_embeds", sig_embeds),
                                   ("noise", noise), ("conditioning", cond), ("negative_conditioning", neg.contiguous()),
                                   ("timesteps", torch.tensor(timesteps, dtype=torch.int64)),
                                   ("step_latents", torch.stack(trace, 0)), ("latent", latent), ("decoded", decoded)])
            if m == "audio":
                with torch.no_grad():
                    tensors["waveform"] = mods["decoder.audio.vocoder"](decoded.squeeze(1))
            safetensors_io.save(tensors, os.path.join(ref_dir, f"diffusion.{m}.{sched}.safetensors"),
                                {"modality": m, "scheduler": sched, "steps": str(DIFFUSION_STEPS),
                                 "guidance_scale": str(GUIDANCE), "latent_scale": str(d["latent_scale"]),
                                 "batch_order": "denoiser batch is [uncond (negative_conditioning); cond]"})


def write_fbank_reference(seed, ref_dir):
    from .fbank_reference import compute_fbank, read_wav
    g = torch.Generator().manual_seed(seed)
    sr = 16000
    t = torch.arange(int(1.5 * sr), dtype=torch.float64) / sr
    wav = 0.4 * torch.sin(2 * np.pi * 440.0 * t) + 0.2 * torch.sin(2 * np.pi * 1250.0 * t) * (t > 0.5)
    wav = wav + 0.02 * torch.randn(wav.shape, generator=g, dtype=torch.float64)
    pcm = torch.clamp(torch.round(wav * 32767), -32768, 32767).to(torch.int16).numpy()
    path = os.path.join(ref_dir, "fbank.wav")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(pcm.astype("<i2").tobytes())
    waveform, rate = read_wav(path)
    safetensors_io.save(OrderedDict([("waveform", waveform), ("fbank", compute_fbank(waveform, rate))]),
                        os.path.join(ref_dir, "fbank.safetensors"), {"source": "fbank.wav"})


def write_references(mods, sp, seed, manifest, ref_dir, log=print):
    os.makedirs(ref_dir, exist_ok=True)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    write_tokenizer_reference(sp, ref_dir)
    write_component_references(mods, sp, seed, ref_dir)
    write_prompt_reference(mods, sp, seed, ref_dir)
    doc = write_generate_reference(mods, sp, ref_dir)
    write_diffusion_references(mods, sp, seed, manifest, ref_dir)
    write_fbank_reference(seed, ref_dir)
    log(f"references: {ref_dir}; generate free: {doc['runs']['free']['text']!r}")


# TorchScript writes a module's constants (a conv's stride, padding, groups, ...) into the archive's code in the order
# of a Python set, and string hashing, so set order, is randomised per process: the same weights exported by two
# processes made two byte-different .pt files, and new bundle.json checksums. Commands that write a bundle run under
# this hash seed, so the same weights are the same bytes.
HASH_SEED = "0"


def with_fixed_hash_seed():
    """Runs this command again, the same interpreter and arguments, under PYTHONHASHSEED=HASH_SEED, unless it already
    is. Called first thing by the commands that export (this module's and ``train``'s ``__main__``)."""
    if os.environ.get("PYTHONHASHSEED") != HASH_SEED:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, sys.orig_argv, dict(os.environ, PYTHONHASHSEED=HASH_SEED))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--out", default="models/nano")
    ap.add_argument("--reference", default=None, help="folder for the reference tensors (skipped if absent)")
    ap.add_argument("--references-only", action="store_true",
                    help="do not export: write the reference tensors of the bundle already in --out")
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)
    if args.references_only:
        mods, sp, manifest = load_bundle(args.out)
        write_references(mods, sp, manifest["seed"], manifest, args.reference or "models/reference/nano")
        return 0
    mods, sp, manifest = export_bundle(args.seed, args.out)
    if args.reference:
        write_references(mods, sp, args.seed, manifest, args.reference)
    return 0


if __name__ == "__main__":
    with_fixed_hash_seed()
    sys.exit(main())
