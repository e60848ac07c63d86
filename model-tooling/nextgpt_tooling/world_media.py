"""Signals of the synthetic world, drawn with numpy from attribute labels and a seed.

- image: uint8 [32, 32, 3] (H, W, RGB): one shape (circle / square / triangle) of one colour in one of the nine
  cells of a 3×3 grid, anti-aliased (4×4 supersampling) on a dark, slightly varied grey background.
- audio: float32 [16000] in [-1, 1] (1 s at 16 kHz): a sine tone of a pitch (low 220 / mid 440 / high 880 Hz, ±2 %)
  in a pattern (one beep / two beeps / continuous), with raised-cosine ramps, amplitude jitter and a little noise.
- video: uint8 [8, 32, 32, 3] (T, H, W, RGB): a coloured shape moving left / right / up / down, ~2 px a frame.

Every render is a pure function of ``(attrs, seed)`` (numpy's PCG64 ``default_rng``). Nuisances (exact size,
sub-cell offset, background, colour jitter, onset times, amplitude, speed) are drawn from the seed and never part
of the labels. The vocabulary matches ``corpus.py`` (the tokenizer's world): the nine positions are exactly
``corpus.POSITIONS``.
"""
import numpy as np

from . import corpus

SIZE = 32
FRAMES = 8
SAMPLE_RATE = 16000
SAMPLES = 16000
SUPERSAMPLE = 4

SHAPES = list(corpus.SHAPES)                      # circle, square, triangle
COLOURS = list(corpus.COLOURS)                    # red, green, blue, yellow, purple, orange
# 3×3 grid, row-major; names are corpus.POSITIONS
GRID = [["top left", "top", "top right"], ["left", "centre", "right"], ["bottom left", "bottom", "bottom right"]]
POSITIONS = [p for row in GRID for p in row]
PITCHES = list(corpus.TONES)                      # low, mid, high
PATTERNS = list(corpus.PATTERNS)                  # one beep, two beeps, continuous
DIRECTIONS = list(corpus.MOTIONS)                 # left, right, up, down

PALETTE = {"red": (220, 35, 35), "green": (40, 190, 60), "blue": (40, 80, 230),
           "yellow": (235, 220, 40), "purple": (150, 60, 200), "orange": (245, 140, 30)}
PITCH_HZ = {"low": 220.0, "mid": 440.0, "high": 880.0}
DIRECTION_VECTORS = {"left": (-1.0, 0.0), "right": (1.0, 0.0), "up": (0.0, -1.0), "down": (0.0, 1.0)}

# the attributes that label each modality, in a fixed order
ATTRIBUTES = {"image": {"colour": COLOURS, "shape": SHAPES, "position": POSITIONS},
              "audio": {"pitch": PITCHES, "pattern": PATTERNS},
              "video": {"colour": COLOURS, "shape": SHAPES, "direction": DIRECTIONS}}
MODALITIES = list(ATTRIBUTES)

assert sorted(POSITIONS) == sorted(corpus.POSITIONS)
assert set(PALETTE) == set(COLOURS)


def position_cell(position):
    """(row, col) of a position name in the 3×3 grid."""
    for r, row in enumerate(GRID):
        if position in row:
            return r, row.index(position)
    raise ValueError(position)


def cell_centre(row, col):
    """(x, y) pixel coordinates of a grid cell's centre."""
    step = SIZE / 3.0
    return (col + 0.5) * step, (row + 0.5) * step


def check_attrs(modality, attrs):
    for k, values in ATTRIBUTES[modality].items():
        if attrs.get(k) not in values:
            raise ValueError(f"{modality}: bad {k} {attrs.get(k)!r}")


# ---------------------------------------------------------------- shapes

_SUB = (np.arange(SIZE * SUPERSAMPLE, dtype=np.float64) + 0.5) / SUPERSAMPLE


def coverage(shape, cx, cy, r):
    """Anti-aliased coverage in [0, 1], float64 [32, 32], of a shape of "radius" r centred at (cx, cy)."""
    x = _SUB[None, :]
    y = _SUB[:, None]
    if shape == "circle":
        m = (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    elif shape == "square":
        h = 0.85 * r
        m = (np.abs(x - cx) <= h) & (np.abs(y - cy) <= h)
    elif shape == "triangle":
        # apex up; vertices chosen so the area is close to the square's and circle's
        pts = [(cx, cy - 1.15 * r), (cx + 1.1 * r, cy + 0.85 * r), (cx - 1.1 * r, cy + 0.85 * r)]
        m = np.ones((SIZE * SUPERSAMPLE, SIZE * SUPERSAMPLE), dtype=bool)
        for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]):
            # inside = same side of every edge (vertices listed clockwise in image coordinates)
            m &= (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0) >= 0
    else:
        raise ValueError(shape)
    s = SUPERSAMPLE
    return m.reshape(SIZE, s, SIZE, s).mean(axis=(1, 3))


def _background(rng):
    grey = rng.uniform(12, 60)
    tint = rng.uniform(-6, 6, size=3)
    return np.clip(grey + tint, 0, 255)


def _colour(rng, colour):
    return np.clip(np.array(PALETTE[colour], dtype=np.float64) + rng.uniform(-8, 8, size=3), 0, 255)


def _compose(rng, bg, fg, cov):
    img = bg[None, None, :] * (1.0 - cov[..., None]) + fg[None, None, :] * cov[..., None]
    img = img + rng.normal(0.0, 2.5, size=img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def render_image(attrs, seed):
    """uint8 [32, 32, 3] for {"colour", "shape", "position"}."""
    check_attrs("image", attrs)
    rng = np.random.default_rng(seed)
    r = rng.uniform(3.4, 4.4)
    cx, cy = cell_centre(*position_cell(attrs["position"]))
    cx += rng.uniform(-0.8, 0.8)
    cy += rng.uniform(-0.8, 0.8)
    bg = _background(rng)
    fg = _colour(rng, attrs["colour"])
    return _compose(rng, bg, fg, coverage(attrs["shape"], cx, cy, r))


# ---------------------------------------------------------------- audio

def _segments(rng, pattern):
    """[(start_s, end_s)] of the tone."""
    if pattern == "one beep":
        start = rng.uniform(0.08, 0.35)
        return [(start, start + rng.uniform(0.25, 0.35))]
    if pattern == "two beeps":
        start = rng.uniform(0.05, 0.15)
        dur = rng.uniform(0.16, 0.22)
        gap = rng.uniform(0.15, 0.22)
        second = start + dur + gap
        return [(start, start + dur), (second, second + dur * rng.uniform(0.9, 1.1))]
    if pattern == "continuous":
        return [(rng.uniform(0.0, 0.04), rng.uniform(0.95, 1.0))]
    raise ValueError(pattern)


def render_audio(attrs, seed, segments=None):
    """float32 [16000] in [-1, 1] for {"pitch", "pattern"}; ``segments`` [(start_s, end_s)] replaces the pattern's
    drawn timing (the audio judge trains on beeps of other lengths than the world's too)."""
    check_attrs("audio", attrs)
    rng = np.random.default_rng(seed)
    freq = PITCH_HZ[attrs["pitch"]] * (1.0 + rng.uniform(-0.02, 0.02))
    amp = rng.uniform(0.45, 0.8)
    phase = rng.uniform(0, 2 * np.pi)
    t = np.arange(SAMPLES, dtype=np.float64) / SAMPLE_RATE
    env = np.zeros(SAMPLES)
    ramp = 0.01
    drawn = _segments(rng, attrs["pattern"])   # drawn either way, so that the noise below is the world's
    for start, end in drawn if segments is None else segments:
        rise = np.clip((t - start) / ramp, 0, 1)
        fall = np.clip((end - t) / ramp, 0, 1)
        env = np.maximum(env, np.minimum(0.5 - 0.5 * np.cos(np.pi * rise), 0.5 - 0.5 * np.cos(np.pi * fall)))
    # a faint second harmonic gives the tone some timbre; the fundamental stays the spectral peak
    wave = amp * env * (np.sin(2 * np.pi * freq * t + phase) + 0.15 * np.sin(4 * np.pi * freq * t + 2 * phase))
    wave = wave / 1.15 + rng.normal(0.0, rng.uniform(0.004, 0.012), size=SAMPLES)
    return np.clip(wave, -1.0, 1.0).astype(np.float32)


# ---------------------------------------------------------------- video

def render_video(attrs, seed):
    """uint8 [8, 32, 32, 3] for {"colour", "shape", "direction"}."""
    check_attrs("video", attrs)
    rng = np.random.default_rng(seed)
    r = rng.uniform(3.4, 4.2)
    step = rng.uniform(1.8, 2.4)
    travel = step * (FRAMES - 1)
    margin = r * 1.2 + 0.5
    dx, dy = DIRECTION_VECTORS[attrs["direction"]]
    # along the motion: start so the whole path stays inside; across it: anywhere inside
    along0 = rng.uniform(margin, SIZE - margin - travel)
    across = rng.uniform(margin + 1, SIZE - margin - 1)
    if dx != 0:
        x0 = along0 if dx > 0 else SIZE - along0
        y0 = across
    else:
        y0 = along0 if dy > 0 else SIZE - along0
        x0 = across
    bg = _background(rng)
    fg = _colour(rng, attrs["colour"])
    frames = [_compose(rng, bg, fg, coverage(attrs["shape"], x0 + dx * step * f, y0 + dy * step * f, r))
              for f in range(FRAMES)]
    return np.stack(frames)


RENDER = {"image": render_image, "audio": render_audio, "video": render_video}


def render(modality, attrs, seed):
    return RENDER[modality](attrs, seed)


# ---------------------------------------------------------------- conversions for the model contract

def image_to_unit(img):
    """uint8 [H, W, 3] → float32 [3, H, W] in [-1, 1] (the decoders' output space)."""
    return (img.astype(np.float32).transpose(2, 0, 1) / 127.5 - 1.0).astype(np.float32)


def video_to_unit(vid):
    """uint8 [T, H, W, 3] → float32 [3, T, H, W] in [-1, 1] (the video decoder's output space)."""
    return (vid.astype(np.float32).transpose(3, 0, 1, 2) / 127.5 - 1.0).astype(np.float32)
