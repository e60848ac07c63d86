"""Nano definitions of every bundle component, written from plain torch ops so that they script cleanly.

Every module's ``forward`` takes the component's positional tensor inputs and returns its output tensor (or a
tuple of tensors) exactly as the bundle contract (models/README.md) declares. No dropout anywhere.
"""
import math
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# masked attention scores use -1e9: a large finite negative for masked attention scores (never -inf: fully masked rows stay finite)


# ----------------------------------------------------------------------------------------------------------------
# shared blocks
# ----------------------------------------------------------------------------------------------------------------
class MultiHeadAttention(nn.Module):
    """Multi-head attention; ``keep`` is a bool mask broadcastable to [B, heads, Tq, Tk] (True = attend)."""

    def __init__(self, dim: int, heads: int, ctx_dim: int = 0, bias: bool = True):
        super().__init__()
        ctx_dim = ctx_dim if ctx_dim > 0 else dim
        self.heads = heads
        self.head_dim = dim // heads
        self.q = nn.Linear(dim, dim, bias=bias)
        self.k = nn.Linear(ctx_dim, dim, bias=bias)
        self.v = nn.Linear(ctx_dim, dim, bias=bias)
        self.o = nn.Linear(dim, dim, bias=bias)

    def forward(self, x: Tensor, ctx: Tensor, keep: Optional[Tensor] = None) -> Tensor:
        b, tq = x.size(0), x.size(1)
        tk = ctx.size(1)
        q = self.q(x).reshape(b, tq, self.heads, self.head_dim).transpose(1, 2)
        k = self.k(ctx).reshape(b, tk, self.heads, self.head_dim).transpose(1, 2)
        v = self.v(ctx).reshape(b, tk, self.heads, self.head_dim).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        if keep is not None:
            scores = scores.masked_fill(torch.logical_not(keep), -1.0e9)
        out = torch.matmul(torch.softmax(scores, dim=-1), v)
        return self.o(out.transpose(1, 2).reshape(b, tq, self.heads * self.head_dim))


class FeedForward(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class EncoderBlock(nn.Module):
    """Norm-first transformer encoder layer (self-attention + MLP)."""

    def __init__(self, dim: int, heads: int, ff: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = MultiHeadAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = FeedForward(dim, ff)

    def forward(self, x: Tensor) -> Tensor:
        h = self.norm1(x)
        x = x + self.attn(h, h)
        return x + self.mlp(self.norm2(x))


class DecoderBlock(nn.Module):
    """Norm-first transformer decoder layer (self-attention, cross-attention to memory, MLP)."""

    def __init__(self, dim: int, heads: int, ff: int, ctx_dim: int = 0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.self_attn = MultiHeadAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.cross_attn = MultiHeadAttention(dim, heads, ctx_dim)
        self.norm3 = nn.LayerNorm(dim)
        self.mlp = FeedForward(dim, ff)

    def forward(self, x: Tensor, memory: Tensor) -> Tensor:
        h = self.norm1(x)
        x = x + self.self_attn(h, h)
        x = x + self.cross_attn(self.norm2(x), memory)
        return x + self.mlp(self.norm3(x))


def l2_normalize(x: Tensor) -> Tensor:
    return x / x.norm(p=2, dim=-1, keepdim=True).clamp_min(1e-12)


def halves_embedding(first: Tensor, second: Tensor, b: int, k: int) -> Tensor:
    """Two streams' head outputs [B*K, E/2] -> embedding [B, E]: each L2-normalised into its own half, the clips
    averaged, the whole L2-normalised (each stream keeps coordinates of its own)."""
    e = torch.cat([l2_normalize(first), l2_normalize(second)], dim=1)
    return l2_normalize(e.reshape(b, k, -1).mean(dim=1))


# ----------------------------------------------------------------------------------------------------------------
# encoders (ImageBind-like)
# ----------------------------------------------------------------------------------------------------------------
class PatchTransformer(nn.Module):
    """CLS token + learned positions + encoder blocks + final norm over patch tokens [B, L, W] -> [B, W]."""

    def __init__(self, tokens: int, width: int, layers: int, heads: int, ff: int):
        super().__init__()
        self.cls = nn.Parameter(torch.zeros(1, 1, width))
        self.pos = nn.Parameter(torch.zeros(1, tokens + 1, width))
        self.pre_norm = nn.LayerNorm(width)
        self.blocks = nn.ModuleList([EncoderBlock(width, heads, ff) for _ in range(layers)])
        self.norm = nn.LayerNorm(width)

    def forward(self, tokens: Tensor) -> Tensor:
        b = tokens.size(0)
        x = torch.cat([self.cls.expand(b, -1, -1), tokens], dim=1) + self.pos
        x = self.pre_norm(x)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x[:, 0])


class ImageEncoder(nn.Module):
    """pixels [B,3,32,32] -> embedding [B,E] (L2-normalised)."""

    def __init__(self, size: int = 32, patch: int = 4, width: int = 64, layers: int = 2, heads: int = 4,
                 ff: int = 128, embed_dim: int = 128):
        super().__init__()
        self.patch = nn.Conv2d(3, width, patch, stride=patch, bias=False)
        self.trunk = PatchTransformer((size // patch) ** 2, width, layers, heads, ff)
        self.head = nn.Linear(width, embed_dim, bias=False)

    def forward(self, pixels: Tensor) -> Tensor:
        x = self.patch(pixels).flatten(2).transpose(1, 2)
        return l2_normalize(self.head(self.trunk(x)))


class AudioEncoder(nn.Module):
    """fbank [B,K,1,M,F] -> embedding [B,E]: two transformers over two kinds of spectrogram tokens, each with its own
    head into its own half of the embedding (each half L2-normalised), mean over clips, L2-normalised. *Band* tokens:
    patches of (16 mel x 10 frames) embedded by a conv and max-pooled over time, one token per mel band (which band
    sounds, whatever the rhythm). *Time* tokens: the frame envelope (the loudest and the mean mel bin of every frame,
    relative to the clip's loudest frame) embedded 10 frames at a time, one token per 0.1 s (when it sounds, whatever
    the pitch). Factorised so, a pitch and a rhythm never heard together still read as themselves: one transformer
    over the patch grid learned the rhythm of each pitch apart and took an unseen pairing for a seen one; the two
    streams summed through one head did so too (a linear probe read the held-out combination's pitch at 3-5 %, each
    stream alone at 100 %; in halves, 100 %: model-tooling README, "Encoder linear probes")."""

    def __init__(self, mel: int = 128, frames: int = 100, patch: Tuple[int, int] = (16, 10), width: int = 64,
                 layers: int = 1, heads: int = 4, ff: int = 128, embed_dim: int = 128):
        super().__init__()
        self.patch = nn.Conv2d(1, width, patch, stride=patch, bias=False)
        self.envelope = nn.Conv1d(2, width, patch[1], stride=patch[1])
        self.bands = PatchTransformer(mel // patch[0], width, layers, heads, ff)
        self.times = PatchTransformer(frames // patch[1], width, layers, heads, ff)
        self.band_head = nn.Linear(width, embed_dim // 2, bias=False)
        self.time_head = nn.Linear(width, embed_dim - embed_dim // 2, bias=False)

    def streams(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """One clip's fbank [BK, 1, M, F] -> (band stream, time stream), each [BK, W]."""
        bands = self.patch(x).amax(dim=3).transpose(1, 2)                          # [BK, M/16, W]
        env = torch.cat([x.amax(dim=2), x.mean(dim=2)], dim=1)                     # [BK, 2, F]
        env = env - env.amax(dim=2, keepdim=True)      # relative to the clip's loudest frame: the level says nothing
        times = self.envelope(env).transpose(1, 2)                                 # [BK, F/10, W]
        return self.bands(bands), self.times(times)

    def forward(self, fbank: Tensor) -> Tensor:
        b, k = fbank.size(0), fbank.size(1)
        band, time = self.streams(fbank.reshape(b * k, fbank.size(2), fbank.size(3), fbank.size(4)))
        return halves_embedding(self.band_head(band), self.time_head(time), b, k)


class VideoEncoder(nn.Module):
    """frames [B,K,3,Tc,S,S] -> embedding [B,E]: two streams, each with its own head into its own half of the
    embedding (each half L2-normalised), mean over clips, L2-normalised. *Appearance*: every frame's (4 x 4) patches
    through one transformer shared by the frames, averaged over the frames (what is there, however it moves).
    *Motion*: (2 x 4 x 4) space-time patches spanning the frames through a second transformer (how it moves). The
    motion stream alone, as the encoder was before, read shape at 88-90 % on seen and 32-56 % on held-out
    combinations (linear probe; the two frames' shapes blur into the same patches); with the appearance stream,
    100 % and 99-100 % (encoder-only runs: model-tooling README, "Encoder linear probes")."""

    def __init__(self, size: int = 32, frames: int = 2, patch: Tuple[int, int, int] = (2, 4, 4), width: int = 64,
                 layers: int = 2, heads: int = 4, ff: int = 128, embed_dim: int = 128):
        super().__init__()
        self.frame_patch = nn.Conv2d(3, width, (patch[1], patch[2]), stride=(patch[1], patch[2]), bias=False)
        self.appearance = PatchTransformer((size // patch[1]) * (size // patch[2]), width, layers, heads, ff)
        self.motion_patch = nn.Conv3d(3, width, patch, stride=patch, bias=False)
        n = (frames // patch[0]) * (size // patch[1]) * (size // patch[2])
        self.motion = PatchTransformer(n, width, layers, heads, ff)
        self.appearance_head = nn.Linear(width, embed_dim // 2, bias=False)
        self.motion_head = nn.Linear(width, embed_dim - embed_dim // 2, bias=False)

    def streams(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """One clip's frames [BK, 3, T, S, S] -> (appearance stream, motion stream), each [BK, W]."""
        bk, t = x.size(0), x.size(2)
        f = x.transpose(1, 2).reshape(bk * t, x.size(1), x.size(3), x.size(4))        # every frame on its own
        appearance = self.appearance(self.frame_patch(f).flatten(2).transpose(1, 2)).reshape(bk, t, -1).mean(dim=1)
        motion = self.motion(self.motion_patch(x).flatten(2).transpose(1, 2))
        return appearance, motion

    def forward(self, frames: Tensor) -> Tensor:
        b, k = frames.size(0), frames.size(1)
        appearance, motion = self.streams(
            frames.reshape(b * k, frames.size(2), frames.size(3), frames.size(4), frames.size(5)))
        return halves_embedding(self.appearance_head(appearance), self.motion_head(motion), b, k)


class InputProjection(nn.Module):
    """embedding [B,E] -> llm_embeds [B,n,H] (n = tokens_per_item = 1)."""

    def __init__(self, embed_dim: int = 128, hidden: int = 256):
        super().__init__()
        self.proj = nn.Linear(embed_dim, hidden)

    def forward(self, embedding: Tensor) -> Tensor:
        return self.proj(embedding).unsqueeze(1)


# ----------------------------------------------------------------------------------------------------------------
# LLM (LLaMA-like)
# ----------------------------------------------------------------------------------------------------------------
class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x: Tensor) -> Tensor:
    half = x.size(-1) // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class LlamaLayer(nn.Module):
    def __init__(self, hidden: int, heads: int, head_dim: int, ff: int):
        super().__init__()
        self.heads = heads
        self.head_dim = head_dim
        self.attn_norm = RMSNorm(hidden)
        self.q_proj = nn.Linear(hidden, heads * head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, heads * head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, heads * head_dim, bias=False)
        self.o_proj = nn.Linear(heads * head_dim, hidden, bias=False)
        self.mlp_norm = RMSNorm(hidden)
        self.gate_proj = nn.Linear(hidden, ff, bias=False)
        self.up_proj = nn.Linear(hidden, ff, bias=False)
        self.down_proj = nn.Linear(ff, hidden, bias=False)

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor, keep: Tensor, past_k: Tensor,
                past_v: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        b, t = x.size(0), x.size(1)
        h = self.attn_norm(x)
        q = self.q_proj(h).reshape(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(h).reshape(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(h).reshape(b, t, self.heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        scores = scores.masked_fill(torch.logical_not(keep), -1.0e9)
        out = torch.matmul(torch.softmax(scores, dim=-1), v)
        x = x + self.o_proj(out.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))
        h = self.mlp_norm(x)
        x = x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))
        return x, k, v


class LlmEmbed(nn.Module):
    """input_ids i64 [B,T] -> embeds [B,T,H] (base vocabulary and signal-token rows)."""

    def __init__(self, vocab: int = 1036, hidden: int = 256):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, hidden)

    def forward(self, input_ids: Tensor) -> Tensor:
        return self.embed_tokens(input_ids)


class LlmForward(nn.Module):
    """(inputs_embeds [B,T,H], attention_mask i64 [B,P+T], position_ids i64 [B,T], past [L,2,B,nh,P,hd])
    -> (logits [B,T,V], hidden [B,T,H] after the final norm, present [L,2,B,nh,P+T,hd])."""

    def __init__(self, vocab: int = 1036, hidden: int = 256, layers: int = 4, heads: int = 4, head_dim: int = 64,
                 ff: int = 512, rope_theta: float = 10000.0):
        super().__init__()
        self.layers = nn.ModuleList([LlamaLayer(hidden, heads, head_dim, ff) for _ in range(layers)])
        self.norm = RMSNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)
        inv_freq = 1.0 / (rope_theta ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
        self.register_buffer("inv_freq", inv_freq.to(torch.float32))

    def forward(self, inputs_embeds: Tensor, attention_mask: Tensor, position_ids: Tensor,
                past: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        t = inputs_embeds.size(1)
        p = past.size(4)
        dev = inputs_embeds.device
        freqs = position_ids.to(torch.float32).unsqueeze(-1) * self.inv_freq
        emb = torch.cat([freqs, freqs], dim=-1)
        cos = emb.cos().unsqueeze(1)
        sin = emb.sin().unsqueeze(1)
        key_idx = torch.arange(p + t, device=dev)
        query_idx = torch.arange(t, device=dev) + p
        causal = key_idx.unsqueeze(0) <= query_idx.unsqueeze(1)
        keep = causal.unsqueeze(0).unsqueeze(0) & (attention_mask != 0).unsqueeze(1).unsqueeze(2)
        x = inputs_embeds
        presents: List[Tensor] = []
        i = 0
        for layer in self.layers:
            x, k, v = layer(x, cos, sin, keep, past[i, 0], past[i, 1])
            presents.append(torch.stack([k, v], dim=0))
            i += 1
        hidden = self.norm(x)
        return self.lm_head(hidden), hidden, torch.stack(presents, dim=0)


# ----------------------------------------------------------------------------------------------------------------
# output projections (NExT-GPT's transformer output projector)
# ----------------------------------------------------------------------------------------------------------------
class OutputProjection(nn.Module):
    """(signal_hidden [B,N,H], signal_embeds [B,N,H]) -> conditioning [B,Q,D]."""

    def __init__(self, hidden: int = 256, width: int = 64, queries: int = 8, out_dim: int = 64, heads: int = 4,
                 ff: int = 128, enc_layers: int = 2, dec_layers: int = 2):
        super().__init__()
        self.in_proj = nn.Linear(hidden, width)
        self.encoder = nn.ModuleList([EncoderBlock(width, heads, ff) for _ in range(enc_layers)])
        self.encoder_norm = nn.LayerNorm(width)
        self.queries = nn.Parameter(torch.zeros(1, queries, width))
        self.decoder = nn.ModuleList([DecoderBlock(width, heads, ff) for _ in range(dec_layers)])
        self.decoder_norm = nn.LayerNorm(width)
        self.out_proj = nn.Linear(width, out_dim)

    def forward(self, signal_hidden: Tensor, signal_embeds: Tensor) -> Tensor:
        x = self.in_proj(signal_hidden + signal_embeds)
        for blk in self.encoder:
            x = blk(x)
        memory = self.encoder_norm(x)
        q = self.queries.expand(x.size(0), -1, -1)
        for blk in self.decoder:
            q = blk(q, memory)
        return self.out_proj(self.decoder_norm(q))


class PooledOutputProjection(nn.Module):
    """(signal_hidden [B,N,H], signal_embeds [B,N,H]) -> conditioning [B,Q,D]: one linear map of the mean of the signal
    states (each plus its token's embedding). Linear in the LLM's states, so that where those states add up what the
    request says ("high" and "one beep"), the conditioning adds up the decoder's for each, heard together in training
    or not (the audio decoder's conditioning is itself linear in the caption's words: ``BagOfWordsTextEncoder``)."""

    def __init__(self, hidden: int = 256, queries: int = 1, out_dim: int = 64):
        super().__init__()
        self.queries = queries
        self.out_dim = out_dim
        self.proj = nn.Linear(hidden, queries * out_dim)

    def forward(self, signal_hidden: Tensor, signal_embeds: Tensor) -> Tensor:
        pooled = (signal_hidden + signal_embeds).mean(dim=1)
        return self.proj(pooled).reshape(pooled.size(0), self.queries, self.out_dim)


# ----------------------------------------------------------------------------------------------------------------
# decoders (latent diffusion: text encoder, denoiser, VAE decoder, vocoder)
# ----------------------------------------------------------------------------------------------------------------
class TextEncoder(nn.Module):
    """input_ids i64 [B,S] (S <= max_len) -> conditioning [B,Q,D]: token transformer, then Q learned queries."""

    def __init__(self, vocab: int = 1036, max_len: int = 16, width: int = 64, queries: int = 8, out_dim: int = 64,
                 heads: int = 4, ff: int = 128, layers: int = 2):
        super().__init__()
        self.tokens = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(torch.zeros(1, max_len, width))
        self.blocks = nn.ModuleList([EncoderBlock(width, heads, ff) for _ in range(layers)])
        self.norm = nn.LayerNorm(width)
        self.queries = nn.Parameter(torch.zeros(1, queries, width))
        self.pool = DecoderBlock(width, heads, ff)
        self.out_norm = nn.LayerNorm(width)
        self.out_proj = nn.Linear(width, out_dim)

    def forward(self, input_ids: Tensor) -> Tensor:
        s = input_ids.size(1)
        x = self.tokens(input_ids) + self.pos[:, :s]
        for blk in self.blocks:
            x = blk(x)
        memory = self.norm(x)
        q = self.pool(self.queries.expand(x.size(0), -1, -1), memory)
        return self.out_proj(self.out_norm(q))


def _conv(nd: int, cin: int, cout: int, k, stride=1, padding=0) -> nn.Module:
    return (nn.Conv2d if nd == 2 else nn.Conv3d)(cin, cout, k, stride=stride, padding=padding)


def _conv_t(nd: int, cin: int, cout: int, k, stride, padding) -> nn.Module:
    return (nn.ConvTranspose2d if nd == 2 else nn.ConvTranspose3d)(cin, cout, k, stride=stride, padding=padding)


def _unsqueeze_to(t: Tensor, ndim: int) -> Tensor:
    while t.dim() < ndim:
        t = t.unsqueeze(-1)
    return t


class ResBlock(nn.Module):
    """GroupNorm-SiLU-conv twice with an optional timestep embedding added in between; residual."""

    def __init__(self, nd: int, cin: int, cout: int, temb_dim: int = 0, groups: int = 8):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = _conv(nd, cin, cout, 3, padding=1)
        self.use_temb = temb_dim > 0
        self.temb = nn.Linear(temb_dim, cout) if temb_dim > 0 else nn.Identity()
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = _conv(nd, cout, cout, 3, padding=1)
        self.skip = _conv(nd, cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: Tensor, temb: Tensor) -> Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        if self.use_temb:
            h = h + _unsqueeze_to(self.temb(F.silu(temb)), h.dim())
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class SpatialCrossAttention(nn.Module):
    """Latent positions attend to the conditioning tokens (one pre-norm cross-attention, residual)."""

    def __init__(self, channels: int, ctx_dim: int, heads: int = 4):
        super().__init__()
        self.norm = nn.LayerNorm(channels)
        self.attn = MultiHeadAttention(channels, heads, ctx_dim)

    def forward(self, x: Tensor, ctx: Tensor) -> Tensor:
        tokens = x.flatten(2).transpose(1, 2)
        out = self.attn(self.norm(tokens), ctx)
        return x + out.transpose(1, 2).reshape(x.shape)


def timestep_embedding(t: Tensor, dim: int) -> Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.to(torch.float32).unsqueeze(1) * freqs.unsqueeze(0)
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class Denoiser(nn.Module):
    """(latent [B,C,*sp], timestep f32 [B], conditioning [B,Q,D]) -> noise prediction [B,C,*sp].

    A tiny UNet: conv in, res block, down, res block, cross-attention, res block, up, res block on [up; skip],
    conv out. ``down`` ∈ {None, (2,2), (1,2,2)}. ``input_skip`` scales a skip of the input latent to the output.
    A learned position embedding over the latent grid lets the conditioning say *where* (which mel rows hold a pitch,
    which frames a beep), which translation-equivariant convolutions alone cannot; the mean of the conditioning
    tokens is also added to the timestep embedding, so every res block is modulated by it, not only the one
    cross-attention.
    """

    def __init__(self, nd: int, channels: int, spatial: List[int], ctx_dim: int = 64, width: int = 64,
                 temb_dim: int = 128, down: Optional[Tuple[int, ...]] = None):
        super().__init__()
        self.position = nn.Parameter(torch.zeros([1, width] + list(spatial)))
        self.cond_temb = nn.Linear(ctx_dim, temb_dim)
        self.temb_in = 64
        self.temb_fc1 = nn.Linear(64, temb_dim)
        self.temb_fc2 = nn.Linear(temb_dim, temb_dim)
        self.conv_in = _conv(nd, channels, width, 3, padding=1)
        self.res1 = ResBlock(nd, width, width, temb_dim)
        if down is None:
            self.down = _conv(nd, width, width, 3, padding=1)
            self.up = _conv(nd, width, width, 3, padding=1)
        else:
            k = tuple(1 if s == 1 else 3 for s in down)
            pad = tuple(0 if s == 1 else 1 for s in down)
            self.down = _conv(nd, width, width, k, stride=down, padding=pad)
            kt = tuple(1 if s == 1 else 4 for s in down)
            self.up = _conv_t(nd, width, width, kt, stride=down, padding=pad)
        self.res2 = ResBlock(nd, width, width, temb_dim)
        self.attn = SpatialCrossAttention(width, ctx_dim)
        self.res3 = ResBlock(nd, width, width, temb_dim)
        self.res4 = ResBlock(nd, 2 * width, width, temb_dim)
        self.norm_out = nn.GroupNorm(8, width)
        self.conv_out = _conv(nd, width, channels, 3, padding=1)
        self.input_skip = nn.Parameter(torch.ones(1))

    def forward(self, latent: Tensor, timestep: Tensor, conditioning: Tensor) -> Tensor:
        temb = (self.temb_fc2(F.silu(self.temb_fc1(timestep_embedding(timestep, self.temb_in))))
                + self.cond_temb(conditioning.mean(dim=1)))
        h1 = self.res1(self.conv_in(latent) + self.position, temb)
        h = self.res2(self.down(h1), temb)
        h = self.attn(h, conditioning)
        h = self.res3(h, temb)
        h = self.up(h)
        h = self.res4(torch.cat([h, h1], dim=1), temb)
        return self.input_skip * latent + self.conv_out(F.silu(self.norm_out(h)))


class BagOfWordsTextEncoder(nn.Module):
    """input_ids i64 [B,S] -> conditioning [B,1,D]: one learned vector per token, summed over the caption (``pad_id``
    left out), one linear map to ``profile_dim`` values, zero-padded to ``out_dim``. The conditioning is linear in the
    caption's word counts, so the words of two attributes add up: "high" + "one beep" is the sum of what each does
    alone, heard together or not (the audio decoder's; see ``ProfileDenoiser``)."""

    def __init__(self, vocab: int, width: int, profile_dim: int, out_dim: int, pad_id: int = 0):
        super().__init__()
        self.tokens = nn.Embedding(vocab, width)
        self.out = nn.Linear(width, profile_dim)
        self.out_dim = out_dim
        self.pad_id = pad_id

    def forward(self, input_ids: Tensor) -> Tensor:
        keep = (input_ids != self.pad_id).unsqueeze(-1).to(torch.float32)
        profile = self.out((self.tokens(input_ids) * keep).sum(dim=1))
        return F.pad(profile, [0, self.out_dim - profile.size(1)]).unsqueeze(1)


class ProfileDenoiser(nn.Module):
    """(latent [B,C,T,R], timestep f32 [B], conditioning [B,1,D]) -> noise prediction [B,C,T,R], for the audio latent
    (T latent frames × R latent mel rows).

    The conditioning *is* a profile of the sound to draw: its first T values the loudness envelope over the latent
    frames (when the tone sounds: its pattern), the next R the spectral profile over the latent mel rows (where it
    sounds: its pitch), the rest unused; the text encoder learns to predict both from the caption
    (``train.sound_profile``: the training sample's own, so a caption's is their mean). The denoiser reads them only as
    three maps on the latent grid — envelope × spectrum, envelope, spectrum — at its input and again before its third
    res block: no cross-attention, nothing in the timestep embedding. Its position embedding runs along the frames
    only, so its convolutions treat every mel row alike: where a pitch lies changes where the tone is drawn, not how
    its beeps are; with an envelope that does not depend on the pitch words, a pitch and a pattern never heard
    together are drawn as each is alone.
    """

    def __init__(self, channels: int, frames: int, rows: int, width: int = 32, temb_dim: int = 64):
        super().__init__()
        self.frames = frames
        self.rows = rows
        self.position = nn.Parameter(torch.zeros(1, width, frames, 1))
        self.temb_in = 64
        self.temb_fc1 = nn.Linear(64, temb_dim)
        self.temb_fc2 = nn.Linear(temb_dim, temb_dim)
        self.conv_in = nn.Conv2d(channels + 3, width, 3, padding=1)
        self.res1 = ResBlock(2, width, width, temb_dim)
        self.down = nn.Conv2d(width, width, 3, padding=1)
        self.res2 = ResBlock(2, width, width, temb_dim)
        self.profile_mid = nn.Conv2d(3, width, 1)
        self.res3 = ResBlock(2, width, width, temb_dim)
        self.up = nn.Conv2d(width, width, 3, padding=1)
        self.res4 = ResBlock(2, 2 * width, width, temb_dim)
        self.norm_out = nn.GroupNorm(8, width)
        self.conv_out = nn.Conv2d(width, channels, 3, padding=1)
        self.input_skip = nn.Parameter(torch.ones(1))

    def profile_maps(self, conditioning: Tensor) -> Tensor:
        """conditioning [B,1,D] -> [B,3,T,R]: envelope × spectrum, envelope, spectrum."""
        c = conditioning[:, 0]
        b = c.size(0)
        env = c[:, :self.frames].reshape(b, 1, self.frames, 1).expand(b, 1, self.frames, self.rows)
        spec = c[:, self.frames:self.frames + self.rows].reshape(b, 1, 1, self.rows).expand(b, 1, self.frames,
                                                                                            self.rows)
        return torch.cat([env * spec, env, spec], dim=1)

    def forward(self, latent: Tensor, timestep: Tensor, conditioning: Tensor) -> Tensor:
        temb = self.temb_fc2(F.silu(self.temb_fc1(timestep_embedding(timestep, self.temb_in))))
        maps = self.profile_maps(conditioning)
        h1 = self.res1(self.conv_in(torch.cat([latent, maps], dim=1)) + self.position, temb)
        h = self.res2(self.down(h1), temb)
        h = self.res3(h + self.profile_mid(maps), temb)
        h = self.up(h)
        h = self.res4(torch.cat([h, h1], dim=1), temb)
        return self.input_skip * latent + self.conv_out(F.silu(self.norm_out(h)))


class VaeDecoder(nn.Module):
    """latent [B,C,*sp] -> media: two ×2 upsamplings (``up`` per spatial dim), conv out, tanh or linear."""

    def __init__(self, nd: int, latent_channels: int, out_channels: int, up: Tuple[int, ...], width: int = 64,
                 tanh: bool = True, out_bias: float = 0.0, out_scale: float = 1.0):
        super().__init__()
        self.conv_in = _conv(nd, latent_channels, width, 3, padding=1)
        self.res1 = ResBlock(nd, width, width)
        k = tuple(1 if s == 1 else 4 for s in up)
        pad = tuple(0 if s == 1 else 1 for s in up)
        self.up1 = _conv_t(nd, width, width // 2, k, stride=up, padding=pad)
        self.res2 = ResBlock(nd, width // 2, width // 2)
        self.up2 = _conv_t(nd, width // 2, width // 4, k, stride=up, padding=pad)
        self.res3 = ResBlock(nd, width // 4, width // 4)
        self.norm_out = nn.GroupNorm(8, width // 4)
        self.conv_out = _conv(nd, width // 4, out_channels, 3, padding=1)
        self.tanh = tanh
        self.out_bias = out_bias
        self.out_scale = out_scale
        self.register_buffer("_empty", torch.zeros(0), persistent=False)

    def forward(self, latent: Tensor) -> Tensor:
        h = self.res1(self.conv_in(latent), self._empty)
        h = self.res2(self.up1(h), self._empty)
        h = self.res3(self.up2(h), self._empty)
        out = self.conv_out(F.silu(self.norm_out(h)))
        if self.tanh:
            return torch.tanh(out)
        return out * self.out_scale + self.out_bias


class FrameVaeDecoder(nn.Module):
    """latent [B,C,T,h,w] -> video [B,3,T,H,W]: an image VAE decoder applied to every frame alone, as Zeroscope
    decodes its latents with Stable Diffusion's image VAE (the frames share one latent space with the images)."""

    def __init__(self, frame: VaeDecoder):
        super().__init__()
        self.frame = frame

    def forward(self, latent: Tensor) -> Tensor:
        b, c, t = latent.size(0), latent.size(1), latent.size(2)
        frames = self.frame(latent.transpose(1, 2).reshape(b * t, c, latent.size(3), latent.size(4)))
        return frames.reshape(b, t, frames.size(1), frames.size(2), frames.size(3)).transpose(1, 2)


class Vocoder(nn.Module):
    """log-mel [B,Tm,mel] -> waveform [B,Tm*hop] in [-1,1], a sinusoidal-bank vocoder: per frame, every frequency of
    a fixed log-spaced bank gets the mel magnitude at that frequency (exp of the log-mel, interpolated on the mel
    scale) times sine and cosine coefficients that a conv net reads from the mel; the amplitudes are interpolated
    linearly to the sample rate and the bank is summed on one global time axis, so a steady tone comes out
    phase-continuous (a transposed-conv vocoder repeats a pattern every hop and buzzes on the frame rate's harmonics)
    and a silent frame stays silent (coefficients alone, without the magnitude, left a hum between beeps that a
    listener hears as a continuous tone)."""

    def __init__(self, mel: int = 64, width: int = 128, bank: int = 192, f_lo: float = 40.0, f_hi: float = 7600.0,
                 hop: int = 160, rate: int = 16000, mel_mean: float = -5.0, mel_std: float = 2.0):
        super().__init__()
        self.hop = hop
        self.register_buffer("mel_mean", torch.tensor(mel_mean))
        self.register_buffer("mel_std", torch.tensor(mel_std))
        ratio = torch.arange(bank, dtype=torch.float64) / (bank - 1)
        freqs = f_lo * (f_hi / f_lo) ** ratio
        self.register_buffer("omega", (2.0 * math.pi * freqs / rate).to(torch.float32))
        # [bank, mel]: each bank frequency between the two nearest mel-band centres (HTK mel scale, 0 .. rate/2, as
        # the decoder's mel target is computed), weighted by mel distance
        to_mel = lambda f: 2595.0 * torch.log10(1.0 + f / 700.0)
        centres = torch.linspace(0.0, float(to_mel(torch.tensor(rate / 2.0, dtype=torch.float64))), mel + 2,
                                 dtype=torch.float64)[1:-1]
        pos = torch.clamp((to_mel(freqs) - centres[0]) / (centres[1] - centres[0]), 0.0, mel - 1.0)
        lo = pos.floor().long().clamp(max=mel - 2)
        frac = pos - lo.to(torch.float64)
        interp = torch.zeros(bank, mel, dtype=torch.float64)
        interp[torch.arange(bank), lo] = 1.0 - frac
        interp[torch.arange(bank), lo + 1] = frac
        self.register_buffer("mel_to_bank", interp.to(torch.float32))
        self.conv_in = nn.Conv1d(mel, width, 5, padding=2)
        self.conv_mid = nn.Conv1d(width, width, 5, padding=2)
        self.conv_out = nn.Conv1d(width, 2 * bank, 3, padding=1)

    def forward(self, mel: Tensor) -> Tensor:
        x = (mel.transpose(1, 2) - self.mel_mean) / self.mel_std
        h = F.leaky_relu(self.conv_in(x), 0.1)
        h = h + F.leaky_relu(self.conv_mid(h), 0.1)
        magnitude = torch.matmul(self.mel_to_bank, torch.exp(mel).transpose(1, 2))  # [B, K, Tm]
        amp = self.conv_out(h) * magnitude.repeat(1, 2, 1)  # [B, 2K, Tm]: amplitudes at each frame's centre
        frames = amp.size(2)
        hop = self.hop
        t = torch.arange(frames * hop, device=mel.device, dtype=torch.float64)
        phase = torch.remainder(self.omega.to(torch.float64).unsqueeze(1) * t.unsqueeze(0), 2.0 * math.pi)
        basis = torch.cat([torch.sin(phase), torch.cos(phase)], dim=0).to(mel.dtype).reshape(-1, frames, hop)
        # linear interpolation between frame centres, frame by frame (never a [B, 2K, samples] tensor)
        j = (torch.arange(hop, device=mel.device, dtype=mel.dtype) + 0.5) / hop
        w_prev = torch.clamp(0.5 - j, min=0.0)
        w_next = torch.clamp(j - 0.5, min=0.0)
        w_cur = 1.0 - w_prev - w_next
        padded = F.pad(amp, [1, 1], mode="replicate")
        y = (torch.einsum("bkf,kfj->bfj", padded[:, :, :frames], basis) * w_prev
             + torch.einsum("bkf,kfj->bfj", amp, basis) * w_cur
             + torch.einsum("bkf,kfj->bfj", padded[:, :, 2:], basis) * w_next)
        return torch.tanh(y.reshape(y.size(0), frames * hop))
