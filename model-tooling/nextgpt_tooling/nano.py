"""The nano bundle: dims, component construction with seeded weights, and the tensor contract of each component."""
import zlib
from collections import OrderedDict

import torch
from torch import nn

from . import components as C
from .tokenizer import BASE_VOCAB

SIGNAL_COUNTS = OrderedDict([("image", 4), ("audio", 8), ("video", 24)])
SIGNAL_PREFIX = {"image": "IMG", "audio": "AUD", "video": "VID"}
NUM_SIGNAL = sum(SIGNAL_COUNTS.values())
VOCAB = BASE_VOCAB + NUM_SIGNAL  # 1036
HIDDEN, LAYERS, HEADS, HEAD_DIM, FF = 256, 4, 4, 64, 512
MAX_POSITIONS = 512
EMBED_DIM = 128
TOKENS_PER_ITEM = 1
TEXT_LEN = 16  # S: decoder text-encoder tokens
IMAGE_SIZE = 32
AUDIO_CLIPS, AUDIO_MEL, AUDIO_FRAMES = 3, 128, 100
VIDEO_CLIPS, VIDEO_FRAMES = 2, 2
DECODERS = OrderedDict([
    ("image", {"query_count": 8, "conditioning_dim": 64, "latent_shape": [4, 8, 8]}),
    ("video", {"query_count": 8, "conditioning_dim": 64, "latent_shape": [4, 8, 8, 8]}),
    ("audio", {"query_count": 1, "conditioning_dim": 64, "latent_shape": [8, 25, 16]}),
])
# each decoder's default classifier-free guidance scale (the manifest's defaults; a request may set its own). The
# trained nano decoders lose attributes at SD's 7.5, which oversaturates their colours: the committed image decoder
# from its caption, judged on 120 combinations: colour 58 % at 7.5, 91 % at 2; video colour 82 -> 94 % at 1.5-2;
# audio 3: chosen on valid through Java for the profile-conditioned audio decoder (text -> audio 81.7 % at 1, 95.0 % at
# 2, 96.7 % at 3, 98.3 % at 4 and 7.5; switching's audio pattern 100 % up to 3, 92.3 % at 4, 84.6 % at 7.5;
# model-tooling README, "Guidance").
GUIDANCE_SCALE = {"image": 2.0, "video": 2.0, "audio": 3.0}
LATENT_SCALE = 0.18215
AUDIO_MEL_BINS, AUDIO_TM, AUDIO_SAMPLES, HOP = 64, 100, 16000, 160
# the audio conditioning's profile (C.ProfileDenoiser): the envelope over the 25 latent frames, then the spectrum over
# the 16 latent mel rows; the conditioning's other values stay zero
AUDIO_PROFILE_DIM = DECODERS["audio"]["latent_shape"][1] + DECODERS["audio"]["latent_shape"][2]
SCHEDULER = {"num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012,
             "beta_schedule": "scaled_linear", "prediction_type": "epsilon",
             "set_alpha_to_one": False, "steps_offset": 1}


def signal_first_id(modality):
    first = BASE_VOCAB
    for m, n in SIGNAL_COUNTS.items():
        if m == modality:
            return first
        first += n
    raise KeyError(modality)


def empty_past(batch=1):
    """The LLM's KV cache before the first token: [layers, 2, batch, heads, 0, head_dim]."""
    return torch.zeros(LAYERS, 2, batch, HEADS, 0, HEAD_DIM)


def signal_tokens(modality):
    return [f"[{SIGNAL_PREFIX[modality]}{i}]" for i in range(SIGNAL_COUNTS[modality])]


COMPONENT_NAMES = [
    "encoder.image", "encoder.audio", "encoder.video",
    "input_projection.image", "input_projection.audio", "input_projection.video",
    "llm.embed", "llm.forward",
    "output_projection.image", "output_projection.audio", "output_projection.video",
    "decoder.image.text_encoder", "decoder.image.denoiser", "decoder.image.vae_decoder",
    "decoder.video.text_encoder", "decoder.video.denoiser", "decoder.video.vae_decoder",
    "decoder.audio.text_encoder", "decoder.audio.denoiser", "decoder.audio.vae_decoder", "decoder.audio.vocoder",
]


def file_name(component):
    return component.replace(".", "_") + ".pt"


def _make(name):
    if name == "encoder.image":
        return C.ImageEncoder(size=IMAGE_SIZE, embed_dim=EMBED_DIM)
    if name == "encoder.audio":
        return C.AudioEncoder(mel=AUDIO_MEL, frames=AUDIO_FRAMES, embed_dim=EMBED_DIM)
    if name == "encoder.video":
        return C.VideoEncoder(size=IMAGE_SIZE, frames=VIDEO_FRAMES, embed_dim=EMBED_DIM)
    if name.startswith("input_projection."):
        return C.InputProjection(EMBED_DIM, HIDDEN)
    if name == "llm.embed":
        return C.LlmEmbed(VOCAB, HIDDEN)
    if name == "llm.forward":
        return C.LlmForward(VOCAB, HIDDEN, LAYERS, HEADS, HEAD_DIM, FF)
    if name == "output_projection.audio":  # linear, as the audio decoder's conditioning (C.PooledOutputProjection)
        d = DECODERS["audio"]
        return C.PooledOutputProjection(HIDDEN, d["query_count"], d["conditioning_dim"])
    if name.startswith("output_projection."):
        d = DECODERS[name.split(".")[1]]
        return C.OutputProjection(HIDDEN, 64, d["query_count"], d["conditioning_dim"])
    _, m, part = name.split(".")
    d = DECODERS[m]
    if part == "text_encoder":
        if m == "audio":  # the sound's profile (C.ProfileDenoiser), linear in the caption's words
            return C.BagOfWordsTextEncoder(VOCAB, 64, AUDIO_PROFILE_DIM, d["conditioning_dim"])
        return C.TextEncoder(VOCAB, TEXT_LEN, 64, d["query_count"], d["conditioning_dim"])
    if part == "denoiser":
        if m == "audio":
            return C.ProfileDenoiser(d["latent_shape"][0], d["latent_shape"][1], d["latent_shape"][2], width=32,
                                     temb_dim=64)
        nd = len(d["latent_shape"]) - 1
        down = {"image": (2, 2), "video": (1, 2, 2), "audio": None}[m]
        return C.Denoiser(nd, d["latent_shape"][0], d["latent_shape"][1:], d["conditioning_dim"], width=32,
                          temb_dim=64, down=down)
    if part == "vae_decoder":
        if m == "image":
            return C.VaeDecoder(2, 4, 3, (2, 2))
        if m == "video":  # the image VAE decoder on each frame (train.inherit_image_vae)
            return C.FrameVaeDecoder(C.VaeDecoder(2, 4, 3, (2, 2)))
        return C.VaeDecoder(2, 8, 1, (2, 2), tanh=False, out_scale=2.0, out_bias=-5.0)
    if part == "vocoder":
        return C.Vocoder(AUDIO_MEL_BINS)
    raise KeyError(name)


def _init(name, module):
    """Sensible scales on top of torch's default initialisation (all draws from the global generator)."""
    if name.startswith("llm.") or name.startswith("input_projection."):
        for mod in module.modules():
            if isinstance(mod, (nn.Linear, nn.Embedding)):
                nn.init.normal_(mod.weight, std=0.02)
                if getattr(mod, "bias", None) is not None:
                    nn.init.zeros_(mod.bias)
        if name == "llm.forward":
            for layer in module.layers:
                nn.init.normal_(layer.o_proj.weight, std=0.02 / (2 * LAYERS) ** 0.5)
                nn.init.normal_(layer.down_proj.weight, std=0.02 / (2 * LAYERS) ** 0.5)
    for pname, p in module.named_parameters():
        leaf = pname.split(".")[-1]
        if leaf in ("cls", "queries"):
            nn.init.normal_(p, std=1.0)
        elif leaf == "pos":
            nn.init.normal_(p, std=0.5)
    if isinstance(module, (C.Denoiser, C.ProfileDenoiser)):
        with torch.no_grad():
            module.conv_out.weight.mul_(0.4)
            module.conv_out.bias.zero_()
    if isinstance(module, C.Vocoder):  # quiet at initialisation: 384 summed sinusoids would saturate the tanh
        with torch.no_grad():
            module.conv_out.weight.mul_(0.002)  # the mel magnitudes it multiplies reach ~100
            module.conv_out.bias.zero_()


def component_seed(seed, name):
    return (seed * 7919 + zlib.crc32(name.encode("utf-8"))) % (2 ** 31)


def build(seed):
    """All components, each from its own seed derived from ``seed`` and its name; eval mode, no grad."""
    out = OrderedDict()
    for name in COMPONENT_NAMES:
        torch.manual_seed(component_seed(seed, name))
        mod = _make(name)
        _init(name, mod)
        mod.eval()
        for p in mod.parameters():
            p.requires_grad_(False)
        out[name] = mod
    return out


def _t(name, dtype, shape):
    return {"name": name, "dtype": dtype, "shape": shape}


def contract(name):
    """(inputs, outputs) of a component, shapes with symbolic dims B, T, P, N, S ("P+T" for past + new)."""
    f, i = "float32", "int64"
    if name == "encoder.image":
        return [_t("pixels", f, ["B", 3, IMAGE_SIZE, IMAGE_SIZE])], [_t("embedding", f, ["B", EMBED_DIM])]
    if name == "encoder.audio":
        return ([_t("fbank", f, ["B", AUDIO_CLIPS, 1, AUDIO_MEL, AUDIO_FRAMES])],
                [_t("embedding", f, ["B", EMBED_DIM])])
    if name == "encoder.video":
        return ([_t("frames", f, ["B", VIDEO_CLIPS, 3, VIDEO_FRAMES, IMAGE_SIZE, IMAGE_SIZE])],
                [_t("embedding", f, ["B", EMBED_DIM])])
    if name.startswith("input_projection."):
        return [_t("embedding", f, ["B", EMBED_DIM])], [_t("llm_embeds", f, ["B", TOKENS_PER_ITEM, HIDDEN])]
    if name == "llm.embed":
        return [_t("input_ids", i, ["B", "T"])], [_t("embeds", f, ["B", "T", HIDDEN])]
    if name == "llm.forward":
        return ([_t("inputs_embeds", f, ["B", "T", HIDDEN]), _t("attention_mask", i, ["B", "P+T"]),
                 _t("position_ids", i, ["B", "T"]), _t("past", f, [LAYERS, 2, "B", HEADS, "P", HEAD_DIM])],
                [_t("logits", f, ["B", "T", VOCAB]), _t("hidden", f, ["B", "T", HIDDEN]),
                 _t("present", f, [LAYERS, 2, "B", HEADS, "P+T", HEAD_DIM])])
    if name.startswith("output_projection."):
        d = DECODERS[name.split(".")[1]]
        return ([_t("signal_hidden", f, ["B", "N", HIDDEN]), _t("signal_embeds", f, ["B", "N", HIDDEN])],
                [_t("conditioning", f, ["B", d["query_count"], d["conditioning_dim"]])])
    _, m, part = name.split(".")
    d = DECODERS[m]
    cond = ["B", d["query_count"], d["conditioning_dim"]]
    lat = ["B"] + d["latent_shape"]
    if part == "text_encoder":
        return [_t("input_ids", i, ["B", "S"])], [_t("conditioning", f, cond)]
    if part == "denoiser":
        return ([_t("latent", f, lat), _t("timestep", f, ["B"]), _t("conditioning", f, cond)],
                [_t("noise_pred", f, lat)])
    if part == "vae_decoder":
        if m == "image":
            return [_t("latent", f, lat)], [_t("image", f, ["B", 3, IMAGE_SIZE, IMAGE_SIZE])]
        if m == "video":
            return [_t("latent", f, lat)], [_t("video", f, ["B", 3, 8, IMAGE_SIZE, IMAGE_SIZE])]
        return [_t("latent", f, lat)], [_t("log_mel", f, ["B", 1, AUDIO_TM, AUDIO_MEL_BINS])]
    if part == "vocoder":
        return [_t("log_mel", f, ["B", AUDIO_TM, AUDIO_MEL_BINS])], [_t("waveform", f, ["B", AUDIO_SAMPLES])]
    raise KeyError(name)


def resolve_shape(shape, dims):
    out = []
    for s in shape:
        if isinstance(s, int):
            out.append(s)
        else:
            out.append(sum(dims[p] for p in s.split("+")))
    return out
