"""Contract semantics shared by the reference generator and (later) training: prompt assembly, greedy generation
with signal-token rules and the KV cache, and classifier-free-guided diffusion."""
import torch

from . import nano, schedulers
from .tokenizer import BOS, EOS

PROMPT = {"human": "### Human: ", "assistant": "\n### Assistant:", "turn_end": "\n",
          "media": {"image": ["<Img>", "</Img>"], "audio": ["<Aud>", "</Aud>"], "video": ["<Vid>", "</Vid>"]}}


def assemble_prompt(sp, turns, template=PROMPT):
    """Segments of the prompt for ``turns`` = [{"media": [modality, ...], "text": str, "answer": str | None}].

    BOS, then per past turn ``human + content + assistant + " " + answer + turn_end``, then the new turn
    ``human + content + assistant``; content = each media item as ``open + <embeddings> + close``, then
    the text, after a space when media precede it (NExT-GPT's ``### Human: <Img>…</Img> text``). Text between embeddings is tokenized on its own. Returns a list of
    {"kind": "ids", "ids"} | {"kind": "text", "text", "ids"} | {"kind": "media", "modality", "item", "tokens"}.
    """
    segments = [{"kind": "ids", "ids": [BOS]}]
    buf = []
    item = 0

    def flush():
        text = "".join(buf)
        buf.clear()
        if text:
            segments.append({"kind": "text", "text": text, "ids": sp.encode(text)})

    for n, turn in enumerate(turns):
        last = n == len(turns) - 1
        buf.append(template["human"])
        for m in turn.get("media", []):
            open_, close = template["media"][m]
            buf.append(open_)
            flush()
            segments.append({"kind": "media", "modality": m, "item": item, "tokens": nano.TOKENS_PER_ITEM})
            item += 1
            buf.append(close)
        buf.append((" " if turn.get("media") else "") + turn["text"])
        buf.append(template["assistant"])
        if not last:
            buf.append(" " + turn["answer"] + template["turn_end"])
    flush()
    return segments


def text_only_ids(segments):
    ids = []
    for s in segments:
        if s["kind"] == "media":
            raise ValueError("prompt has media")
        ids.extend(s["ids"])
    return ids


def signal_info(token_id):
    """(modality, index) of a signal token id, or None."""
    for m, n in nano.SIGNAL_COUNTS.items():
        first = nano.signal_first_id(m)
        if first <= token_id < first + n:
            return m, token_id - first
    return None


def mask_signal_logits(logits):
    """Outside a group only index-0 signal tokens may start a group: others get -inf."""
    logits = logits.clone()
    for m, n in nano.SIGNAL_COUNTS.items():
        first = nano.signal_first_id(m)
        logits[..., first + 1:first + n] = float("-inf")
    return logits


@torch.no_grad()
def generate(embed, forward, prompt_ids, max_new_tokens, forced_first=None, prompt_embeds=None):
    """Greedy decoding (batch 1) with the KV cache and the signal-token rules; ``prompt_embeds`` [1,L,H] (a prompt
    with media) replaces ``embed(prompt_ids)`` when given. As in the Java runtime (``LlmTier``), a group still open
    when ``max_new_tokens`` runs out is completed anyway.

    Returns dict(ids, step_logits [steps,V] (raw), groups=[{modality, start, ids, hidden [N,H], complete}]).
    """
    if prompt_embeds is None:
        prompt_embeds = embed(torch.tensor([prompt_ids], dtype=torch.int64))
    n_ctx = prompt_embeds.shape[1]
    past = nano.empty_past()
    logits, hidden, past = forward(prompt_embeds, torch.ones(1, n_ctx, dtype=torch.int64),
                                   torch.arange(n_ctx, dtype=torch.int64).unsqueeze(0), past)
    last = logits[0, -1]
    out, step_logits, groups = [], [], []
    group = None  # current group dict while forcing

    def group_open():
        return group is not None and len(group["ids"]) < nano.SIGNAL_COUNTS[group["modality"]]

    step = 0
    while step < max_new_tokens or group_open():
        step_logits.append(last)
        if step == 0 and forced_first is not None:
            tok = int(forced_first)
        elif group_open():
            tok = nano.signal_first_id(group["modality"]) + len(group["ids"])
        else:
            tok = int(torch.argmax(mask_signal_logits(last)).item())
        if group is not None and len(group["ids"]) >= nano.SIGNAL_COUNTS[group["modality"]]:
            group = None
        info = signal_info(tok)
        if info is not None and info[1] == 0 and group is None:
            group = {"modality": info[0], "start": step, "ids": [], "hidden": []}
            groups.append(group)
        if group is not None:
            group["ids"].append(tok)
        out.append(tok)
        if tok == EOS:
            break
        if step + 1 >= max_new_tokens and group is None:
            break  # the last token, not a signal token: nothing needs its hidden state
        # feed the token: its hidden state is the signal hidden state when it is a signal token
        pos = n_ctx + len(out) - 1
        logits, hidden, past = forward(embed(torch.tensor([[tok]], dtype=torch.int64)),
                                       torch.ones(1, pos + 1, dtype=torch.int64),
                                       torch.tensor([[pos]], dtype=torch.int64), past)
        if group is not None:
            group["hidden"].append(hidden[0, 0])
        last = logits[0, -1]
        step += 1
    for g in groups:
        g["hidden"] = torch.stack(g["hidden"], 0)
        g["complete"] = len(g["ids"]) == nano.SIGNAL_COUNTS[g["modality"]]
    return {"ids": out, "step_logits": torch.stack(step_logits, 0), "groups": groups}


def decode_ids(sp, ids):
    """Text of generated ids: base-vocabulary runs decoded by SentencePiece, signal tokens by name."""
    parts, run = [], []
    for t in ids:
        info = signal_info(t)
        if info is None:
            run.append(t)
            continue
        if run:
            parts.append(sp.decode(run))
            run = []
        parts.append(nano.signal_tokens(info[0])[info[1]])
    if run:
        parts.append(sp.decode(run))
    return "".join(parts)


@torch.no_grad()
def diffuse(denoiser, scheduler_name, noise, conditioning, negative_conditioning, steps, guidance,
            cfg=nano.SCHEDULER):
    sched = schedulers.make(scheduler_name, cfg, steps)
    latent, trace = schedulers.sample(denoiser, sched, noise, conditioning, negative_conditioning, guidance)
    return latent, trace, sched.timesteps
