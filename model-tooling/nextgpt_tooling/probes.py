"""Linear probes of the encoders' embeddings: can each attribute be read off the embedding by a linear classifier,
on held-out attribute combinations as well as on the seen ones?

    python -m nextgpt_tooling.probes [--bundle models/nano] [--split test]
    (also: ./nextgpt evaluate --paths probes)

ImageBind reports linear probing next to zero-shot classification. Here it says where an X → text failure starts: a
probe fitted on the train split's embeddings (every training combination) and scored on the test split's, apart for
the samples whose attribute combination no training sample has. An attribute the probe misses on held-out
combinations is not in the embedding in a form the linear input projection can carry either; one it reads there but
the answers miss is lost later (projection, LLM). A probe is a softmax regression on standardised embeddings, trained
full-batch with a fixed seed: a bundle's probe table is the same on every run.
"""
import argparse
import os
from collections import OrderedDict

import torch
import torch.nn.functional as F

from . import export, train_data as D, world, world_media

GROUPS = ("seen", "held-out combination")


def fit_linear_probe(x, y, classes, steps=300, lr=1e-2, seed=0):
    """Softmax regression of ``y`` (class indices) on ``x`` [N, E]; returns predict(x) -> class indices."""
    mean, std = x.mean(0), x.std(0) + 1e-6
    gen = torch.Generator().manual_seed(seed)
    weight = (torch.randn(x.size(1), classes, generator=gen) * 0.01).requires_grad_(True)
    bias = torch.zeros(classes, requires_grad=True)
    opt = torch.optim.Adam([weight, bias], lr=lr)
    z = (x - mean) / std
    with torch.enable_grad():
        for _ in range(steps):
            opt.zero_grad()
            F.cross_entropy(z @ weight + bias, y).backward()
            opt.step()
    weight, bias = weight.detach(), bias.detach()
    return lambda q: (((q - mean) / std) @ weight + bias).argmax(1)


def probe_attributes(modality, train_x, train_samples, test_x, test_samples):
    """{attribute: {"seen": accuracy, "held-out combination": accuracy}} of one probe per attribute, fitted on the
    train embeddings and scored on the test ones, by whether the test sample's combination is held out."""
    held = torch.tensor([bool(s["heldout_combo"]) for s in test_samples])
    out = OrderedDict()
    for k, vals in world_media.ATTRIBUTES[modality].items():
        y = torch.tensor([vals.index(s["attrs"][k]) for s in train_samples])
        predict = fit_linear_probe(train_x.float(), y, len(vals))
        ok = predict(test_x.float()) == torch.tensor([vals.index(s["attrs"][k]) for s in test_samples])
        out[k] = OrderedDict((g, round(float(ok[mask].float().mean()), 3)) for g, mask in zip(GROUPS, (~held, held))
                             if mask.any())
    return out


@torch.no_grad()
def embed(encoder, modality, samples, batch=128):
    """The samples rendered and prepared as the encoders read them (videos through the codec round trip)."""
    out = []
    for i in range(0, len(samples), batch):
        x = torch.stack([D.encoder_input(modality, world.World.render(s), codec=(modality == "video"))
                         for s in samples[i:i + batch]])
        out.append(encoder(x).float())
    return torch.cat(out)


def encoder_probes(mods, w, split="test", train_count=1500, modalities=world_media.MODALITIES):
    """Every modality's probe table: fitted on the first ``train_count`` train samples, scored on ``split``."""
    out = OrderedDict()
    for m in modalities:
        train_samples, test_samples = w.samples(m, "train")[:train_count], w.samples(m, split)
        enc = mods[f"encoder.{m}"]
        out[m] = probe_attributes(m, embed(enc, m, train_samples), train_samples, embed(enc, m, test_samples),
                                  test_samples)
    return out


def table(results):
    lines = ["| encoder | attribute | " + " | ".join(GROUPS) + " |", "|---|---|" + "---|" * len(GROUPS)]
    for m, attrs in results.items():
        for k, acc in attrs.items():
            lines.append(f"| {m} | {k} | " + " | ".join(f"{100 * acc[g]:.0f}%" if g in acc else "–" for g in GROUPS)
                         + " |")
    return "\n".join(lines)


def main(argv=None):
    from . import train
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--bundle", default=os.path.join(root, "models", "nano"))
    ap.add_argument("--split", default="test", choices=["valid", "test"])
    ap.add_argument("--budget", default="full", help="the training budget whose world to probe on")
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    mods, _, _ = export.load_bundle(args.bundle)
    print(table(encoder_probes(mods, train.make_world(args.budget), args.split)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
