"""Text of the synthetic world: captions in several phrasings, request / question / answer templates for the
instruction dialogues, and a parser that reads attributes back out of text (for evaluating answers).

Every template has a stable id ``"<family>.<n>"``; ``world.py`` holds some ids out of training (``HELDOUT``).
Templates are functions of ``(attrs, rng)`` where ``rng`` is a ``random.Random``; they only choose among surface
forms, never attribute values.
"""
import re

from .world_media import ATTRIBUTES, COLOURS, DIRECTIONS, PATTERNS, PITCHES, POSITIONS, SHAPES


def a(word):
    """'a' or 'an' + word."""
    return ("an " if word[0] in "aeiou" else "a ") + word


# ---------------------------------------------------------------- surface forms of attribute values

CORNERS = {"top left", "top right", "bottom left", "bottom right"}


def where(p, rng):
    """A prepositional phrase for a position: 'in the top left corner', 'on the left', 'in the centre'."""
    if p in CORNERS:
        forms = [f"in the {p} corner", f"at the {p}", f"in the {p}"]
    elif p == "centre":
        forms = ["in the centre", "at the centre", "in the middle"]
    else:
        forms = [f"on the {p}", f"at the {p}", f"on the {p} side"]
    return rng.choice(forms)


def canonical_where(p):
    return f"in the {p} corner" if p in CORNERS else ("in the centre" if p == "centre" else f"on the {p}")


def towards(d, rng):
    """'to the left' / 'left' / 'up'."""
    if d in ("left", "right"):
        return rng.choice([f"to the {d}", d])
    return d


PATTERN_SHORT = {"one beep": "one beep", "two beeps": "two beeps", "continuous": "continuous"}
PATTERN_NOUN = {"one beep": ["one beep", "a single beep"], "two beeps": ["two beeps", "a pair of beeps"],
                "continuous": ["a continuous tone", "a steady continuous tone"]}
PATTERN_VERB = {"one beep": ["beeps once"], "two beeps": ["beeps twice"], "continuous": ["plays continuously",
                                                                                       "sounds continuously"]}
PATTERN_THING = {"one beep": "single beep", "two beeps": "double beep", "continuous": "continuous tone"}
SHAPE_ADJ = {"circle": "round", "square": "boxy", "triangle": "pointy"}
SHAPE_CORNERS = {"circle": "no corners", "square": "four corners", "triangle": "three corners"}
DIRECTION_VERB = {"up": "rising", "down": "falling", "left": "drifting to the left", "right": "drifting to the right"}
SIZE_WORDS = ["small", "little", "tiny", "neat"]
PITCH_HZ_WORDS = {"low": "220", "mid": "440", "high": "880"}

# ---------------------------------------------------------------- captions (noun phrases first)
# (id, is_noun_phrase, fn(attrs, rng))

IMAGE_CAPTIONS = [
    ("image.0", True, lambda s, r: f"{a(s['colour'])} {s['shape']} {where(s['position'], r)}"),
    ("image.1", True, lambda s, r: f"{a(r.choice(SIZE_WORDS))} {s['colour']} {s['shape']} {where(s['position'], r)}"),
    ("image.2", True, lambda s, r: f"{a(s['colour'])} {s['shape']} {where(s['position'], r)} of the picture"),
    ("image.3", False, lambda s, r: f"a picture of {a(s['colour'])} {s['shape']} {where(s['position'], r)}"),
    ("image.4", False, lambda s, r: f"{where(s['position'], r)} there is {a(s['colour'])} {s['shape']}"),
    ("image.5", False, lambda s, r: f"the {s['shape']} is {s['colour']} and sits {where(s['position'], r)}"),
    ("image.6", True, lambda s, r: f"{a(r.choice(SIZE_WORDS))} {s['colour']} {s['shape']}, {s['position']} side"
     if s["position"] != "centre" else f"{a(r.choice(SIZE_WORDS))} {s['colour']} {s['shape']}, dead centre"),
    ("image.7", True, lambda s, r: f"an image showing {a(s['colour'])} {s['shape']} {where(s['position'], r)}"),
]
AUDIO_CAPTIONS = [
    ("audio.0", True, lambda s, r: f"{a(s['pitch'])} tone, {PATTERN_SHORT[s['pattern']]}"),
    ("audio.1", True, lambda s, r: f"{r.choice(PATTERN_NOUN[s['pattern']])} at {a(s['pitch'])} pitch"),
    ("audio.2", True, lambda s, r: f"{a(s['pitch'])}-pitched sound that {r.choice(PATTERN_VERB[s['pattern']])}"),
    ("audio.3", False, lambda s, r: f"the sound is {s['pitch']} and "
     + ("is continuous" if s["pattern"] == "continuous" else f"has {s['pattern']}")),
    ("audio.4", True, lambda s, r: f"{a(s['pitch'])} {PATTERN_THING[s['pattern']]}"),
    ("audio.5", False, lambda s, r: f"a recording of {r.choice(PATTERN_NOUN[s['pattern']])} at {s['pitch']} pitch"),
    ("audio.6", True, lambda s, r: f"{s['pitch']} pitch, {PATTERN_SHORT[s['pattern']]}"),
]
VIDEO_CAPTIONS = [
    ("video.0", True, lambda s, r: f"{a(s['colour'])} {s['shape']} moving {towards(s['direction'], r)}"),
    ("video.1", True, lambda s, r: f"{a(r.choice(SIZE_WORDS))} {s['colour']} {s['shape']} that moves "
     f"{towards(s['direction'], r)}"),
    ("video.2", False, lambda s, r: f"a video of {a(s['colour'])} {s['shape']} going {s['direction']}"),
    ("video.3", False, lambda s, r: f"the {s['shape']} is {s['colour']} and moves {towards(s['direction'], r)}"),
    ("video.4", True, lambda s, r: f"{a(s['colour'])} {s['shape']} heading {s['direction']}"),
    ("video.5", False, lambda s, r: f"a clip of {a(s['colour'])} {s['shape']} sliding {towards(s['direction'], r)}"),
    ("video.6", False, lambda s, r: f"an animation where {a(s['colour'])} {s['shape']} travels "
     f"{towards(s['direction'], r)}"),
]
CAPTIONS = {"image": IMAGE_CAPTIONS, "audio": AUDIO_CAPTIONS, "video": VIDEO_CAPTIONS}


def canonical_caption(modality, s):
    """The one fixed phrasing of a sample (what the decoders' text encoders are conditioned on for targets)."""
    if modality == "image":
        return f"{a(s['colour'])} {s['shape']} {canonical_where(s['position'])}"
    if modality == "audio":
        return f"{a(s['pitch'])} tone, {PATTERN_SHORT[s['pattern']]}"
    d = s["direction"]
    return f"{a(s['colour'])} {s['shape']} moving {'to the ' + d if d in ('left', 'right') else d}"


def attribute_caption(modality, name, value):
    """A caption that names one attribute alone ("a high tone", "one beep", "a red shape", "something moving up"):
    the partial descriptions a joint embedding space is also taught, so that it places each attribute on its own
    direction and a combination never seen in training lands where its attributes point."""
    if name == "position":
        return f"something {canonical_where(value)}"
    if name == "pitch":
        return f"{a(value)} tone"
    if name == "pattern":
        return PATTERN_SHORT[value]
    if name == "direction":
        return "something moving " + ("to the " + value if value in ("left", "right") else value)
    moving = " moving" if modality == "video" else ""
    return (f"{a(value)} shape" if name == "colour" else a(value)) + moving


# ---------------------------------------------------------------- explicit requests: (id, fn(desc) -> text)

EXPLICIT = {
    "image": [("explicit.image.0", "draw {}"), ("explicit.image.1", "please draw {}."),
              ("explicit.image.2", "can you make a picture of {}?"), ("explicit.image.3", "paint {}"),
              ("explicit.image.4", "I'd like an image of {}"), ("explicit.image.5", "show me a picture of {}"),
              ("explicit.image.6", "generate an image: {}"), ("explicit.image.7", "sketch {} for me"),
              ("explicit.image.8", "could you render {} as a picture?"), ("explicit.image.9", "make me an image of {}"),
              ("explicit.image.10", "I want a drawing of {}"), ("explicit.image.11", "illustrate {}, please")],
    "audio": [("explicit.audio.0", "play {}"), ("explicit.audio.1", "make a sound: {}"),
              ("explicit.audio.2", "can you play {}?"), ("explicit.audio.3", "I want to hear {}"),
              ("explicit.audio.4", "generate audio of {}"), ("explicit.audio.5", "please play {}."),
              ("explicit.audio.6", "let me hear {}"), ("explicit.audio.7", "compose a sound: {}"),
              ("explicit.audio.8", "I'd like to listen to {}"), ("explicit.audio.9", "give me a tone: {}"),
              ("explicit.audio.10", "produce {} for me")],
    "video": [("explicit.video.0", "show a clip of {}"), ("explicit.video.1", "make a video of {}"),
              ("explicit.video.2", "animate {}"), ("explicit.video.3", "can you show me a video of {}?"),
              ("explicit.video.4", "generate a clip: {}"), ("explicit.video.5", "please show a clip of {}."),
              ("explicit.video.6", "I'd like to watch a clip of {}"), ("explicit.video.7", "film {}"),
              ("explicit.video.8", "create an animation of {}"), ("explicit.video.9", "I want a video showing {}"),
              ("explicit.video.10", "record a short clip of {}")],
}
# two outputs in one request: "{first} and {second}" with these short verbs
EXPLICIT_SHORT = {"image": "draw {}", "audio": "play {}", "video": "show a clip of {}"}
JOINERS = [("joint.0", "{} and {}"), ("joint.1", "{}, then {}"), ("joint.2", "{} and also {}")]

GEN_ANSWERS = {
    "image": ["here is {}.", "sure, here is a picture of {}.", "okay, I drew {}."],
    "audio": ["here is {}.", "sure, here is a sound: {}.", "okay, playing {}."],
    "video": ["here is {}.", "sure, here is a clip of {}.", "okay, here is a video of {}."],
}

# ---------------------------------------------------------------- implicit requests
# (id, modality, required attribute names, fn(attrs, rng) -> text)

IMPLICIT = [
    ("implicit.image.0", "image", ("shape",), lambda s, r: f"I need something to show my kid about {s['shape']}s"),
    ("implicit.image.1", "image", ("colour", "shape", "position"),
     lambda s, r: f"I'm making a poster and want {a(s['colour'])} {s['shape']} {where(s['position'], r)} on it"),
    ("implicit.image.2", "image", ("colour", "shape"),
     lambda s, r: f"what would {a(s['colour'])} {s['shape']} look like?"),
    ("implicit.image.3", "image", ("colour", "shape"),
     lambda s, r: f"I'm teaching colours today and need something {s['colour']} and "
                  f"{SHAPE_ADJ[s['shape']]} to show the class"),
    ("implicit.image.4", "image", ("colour", "shape"),
     lambda s, r: f"my daughter loves {s['colour']} {s['shape']}s, could she see one?"),
    ("implicit.image.5", "image", ("colour", "shape", "position"),
     lambda s, r: f"I want a wallpaper with {a(s['colour'])} {s['shape']} {where(s['position'], r)}"),
    ("implicit.audio.0", "audio", ("pitch", "pattern"),
     lambda s, r: f"what does {a(s['pitch'])} {PATTERN_THING[s['pattern']]} sound like?"),
    ("implicit.audio.1", "audio", ("pitch", "pattern"),
     lambda s, r: f"I need a ringtone: {s['pitch']} pitch, {PATTERN_SHORT[s['pattern']]}"),
    ("implicit.audio.2", "audio", ("pitch", "pattern"),
     lambda s, r: f"my game needs {a(s['pitch'])} notification noise that {r.choice(PATTERN_VERB[s['pattern']])}"),
    ("implicit.audio.3", "audio", ("pitch",),
     lambda s, r: f"I can't remember how {a(s['pitch'])} tone sounds"),
    ("implicit.audio.4", "audio", ("pitch", "pattern"),
     lambda s, r: f"for my doorbell I want something {s['pitch']} that {r.choice(PATTERN_VERB[s['pattern']])}"),
    ("implicit.audio.5", "audio", ("pitch", "pattern"),
     lambda s, r: f"help me hear what {a(s['pitch'])} {PATTERN_THING[s['pattern']]} is like"),
    ("implicit.image.6", "image", ("colour", "shape", "position"),
     lambda s, r: f"for my notebook cover I'd like {a(s['colour'])} {s['shape']} {where(s['position'], r)}"),
    ("implicit.image.7", "image", ("colour", "shape"),
     lambda s, r: f"I wonder how {a(s['colour'])} {s['shape']} would look on paper"),
    ("implicit.image.8", "image", ("colour", "shape"),
     lambda s, r: f"my students should get to see {a(s['colour'])} {s['shape']} today"),
    ("implicit.audio.6", "audio", ("pitch", "pattern"),
     lambda s, r: f"my alarm clock should make {a(s['pitch'])} {PATTERN_THING[s['pattern']]}"),
    ("implicit.audio.7", "audio", ("pitch",),
     lambda s, r: f"I'm tuning my guitar and need to hear something {s['pitch']}"),
    ("implicit.video.0", "video", ("colour", "shape", "direction"),
     lambda s, r: f"I want to see how {a(s['colour'])} {s['shape']} moves {towards(s['direction'], r)}"),
    ("implicit.video.1", "video", ("colour", "shape", "direction"),
     lambda s, r: f"my slides need an animation of something {s['colour']} and {SHAPE_ADJ[s['shape']]} "
                  f"going {s['direction']}"),
    ("implicit.video.2", "video", ("colour", "shape", "direction"),
     lambda s, r: f"what would {a(s['colour'])} {s['shape']} moving {towards(s['direction'], r)} look like?"),
    ("implicit.video.3", "video", ("colour", "shape", "direction"),
     lambda s, r: f"my kid wants to watch {a(s['colour'])} {s['shape']} {DIRECTION_VERB[s['direction']]}"),
    ("implicit.video.4", "video", ("colour", "shape", "direction"),
     lambda s, r: f"how would {a(s['colour'])} {s['shape']} look {DIRECTION_VERB[s['direction']]}?"),
    ("implicit.video.5", "video", ("shape", "direction"),
     lambda s, r: f"for a lesson on motion I need a {s['shape']} {DIRECTION_VERB[s['direction']]}"),
    ("implicit.video.6", "video", ("colour", "shape", "direction"),
     lambda s, r: f"I'd love to see {a(s['colour'])} {s['shape']} {DIRECTION_VERB[s['direction']]}"),
    ("implicit.video.7", "video", ("colour", "shape", "direction"),
     lambda s, r: f"for my physics class, {a(s['colour'])} {s['shape']} {DIRECTION_VERB[s['direction']]} would help"),
    ("implicit.video.8", "video", ("shape", "direction"),
     lambda s, r: f"my game's intro needs a {s['shape']} {DIRECTION_VERB[s['direction']]} on screen"),
]

# ---------------------------------------------------------------- understanding questions
# (id, modality, asked attribute names (all of them for "describe"), text)

QUESTIONS = [
    ("question.image.0", "image", ("colour",), "what colour is this?"),
    ("question.image.1", "image", ("colour",), "which colour is the shape?"),
    ("question.image.2", "image", ("shape",), "what shape is this?"),
    ("question.image.3", "image", ("shape",), "which shape is in the picture?"),
    ("question.image.4", "image", ("position",), "where is the shape?"),
    ("question.image.5", "image", ("position",), "where is it in the picture?"),
    ("question.image.6", "image", ("colour", "shape", "position"), "describe this image."),
    ("question.image.7", "image", ("colour", "shape", "position"), "what is in this picture?"),
    ("question.image.8", "image", ("colour",), "what colour is the thing in this image?"),
    ("question.image.9", "image", ("colour", "shape", "position"), "tell me what you see."),
    ("question.image.10", "image", ("shape",), "what shape do you see in this image?"),
    ("question.image.11", "image", ("colour",), "tell me the colour of the shape in the picture."),
    ("question.image.12", "image", ("colour", "shape", "position"), "can you describe what this image shows?"),
    ("question.audio.0", "audio", ("pitch",), "is the tone high or low?"),
    ("question.audio.1", "audio", ("pitch",), "what pitch is this?"),
    ("question.audio.2", "audio", ("pattern",), "how many beeps are there?"),
    ("question.audio.3", "audio", ("pattern",), "what pattern does it have?"),
    ("question.audio.4", "audio", ("pitch", "pattern"), "describe this sound."),
    ("question.audio.5", "audio", ("pitch", "pattern"), "what do you hear?"),
    ("question.audio.6", "audio", ("pattern",), "is it beeping or continuous?"),
    ("question.audio.7", "audio", ("pitch", "pattern"), "what kind of sound is this?"),
    ("question.audio.8", "audio", ("pitch",), "how high is this sound?"),
    ("question.audio.9", "audio", ("pitch", "pattern"), "can you describe the sound you hear?"),
    ("question.audio.10", "audio", ("pattern",), "does this sound beep or keep going?"),
    ("question.video.0", "video", ("colour",), "what colour is the moving shape?"),
    ("question.video.1", "video", ("shape",), "what shape is moving?"),
    ("question.video.2", "video", ("direction",), "which way does it move?"),
    ("question.video.3", "video", ("direction",), "where is it going?"),
    ("question.video.4", "video", ("colour", "shape", "direction"), "describe this video."),
    ("question.video.5", "video", ("colour", "shape", "direction"), "what is happening in this clip?"),
    ("question.video.6", "video", ("direction",), "in which direction is the shape heading?"),
    ("question.video.7", "video", ("colour", "shape", "direction"), "what does this clip show?"),
    ("question.video.8", "video", ("shape",), "which shape is in this video?"),
    ("question.video.9", "video", ("colour", "shape", "direction"), "can you describe what this video shows?"),
    ("question.video.10", "video", ("colour",), "what colour does the shape in this clip have?"),
]


def answer(modality, asked, s, rng):
    """The assistant's answer to a question about attributes ``asked`` of a sample ``s``."""
    if len(asked) > 1:
        return rng.choice(["it is {}.", "I see {}.", "this is {}."]).format(canonical_caption(modality, s)) \
            if modality != "audio" else rng.choice(["it is {}.", "I hear {}."]).format(canonical_caption(modality, s))
    k = asked[0]
    v = s[k]
    if k == "colour":
        return rng.choice([f"it is {v}.", f"the shape is {v}."])
    if k == "shape":
        return rng.choice([f"it is {a(v)}.", f"it is {a(v)}."])
    if k == "position":
        return f"it is {canonical_where(v)}."
    if k == "pitch":
        return rng.choice([f"the tone is {v}.", f"it is {a(v)} tone."])
    if k == "pattern":
        return "it is continuous." if v == "continuous" else f"it has {v}."
    if k == "direction":
        return f"it moves {'to the ' + v if v in ('left', 'right') else v}."
    raise ValueError(k)


# ---------------------------------------------------------------- text-only turns (no signal wanted)
# (id, fn(attrs-of-an-image-or-audio, rng) -> (question, answer))

CHAT = [
    ("chat.0", lambda s, r: (f"how many corners does a {s['shape']} have?",
                             f"a {s['shape']} has {SHAPE_CORNERS[s['shape']]}.")),
    ("chat.1", lambda s, r: (r.choice(["hello!", "hi there", "hello, who are you?"]),
                             "hello! I can draw pictures, play sounds and show clips of coloured shapes.")),
    ("chat.2", lambda s, r: ("what can you do?", "I can draw shapes, play tones and show moving shapes, "
                                                 "and I can describe pictures, sounds and clips.")),
    ("chat.3", lambda s, r: ("which colours do you know?", "I know " + ", ".join(COLOURS[:-1]) + " and "
                             + COLOURS[-1] + ".")),
    ("chat.4", lambda s, r: (f"describe {a(s['colour'])} {s['shape']} in words, no picture please.",
                             f"it is {a(SHAPE_ADJ[s['shape']])} shape with {SHAPE_CORNERS[s['shape']]}, "
                             f"filled with {s['colour']}.")),
    ("chat.5", lambda s, r: (f"without playing anything: is a {PITCH_HZ_WORDS[s['pitch']]} hertz tone low, mid or "
                             f"high?", f"it is {a(s['pitch'])} tone.")),
    ("chat.6", lambda s, r: (r.choice(["thanks!", "thank you", "great, thanks"]), "you're welcome.")),
    ("chat.7", lambda s, r: (f"don't draw it, just tell me: how many corners has a {s['shape']}?",
                             f"a {s['shape']} has {SHAPE_CORNERS[s['shape']]}.")),
    ("chat.8", lambda s, r: ("good morning, what are you?", "good morning! I am a small assistant that can draw "
                                                             "shapes, play tones and show moving shapes.")),
    ("chat.9", lambda s, r: (f"just in words: how many corners does a {s['shape']} have?",
                             f"a {s['shape']} has {SHAPE_CORNERS[s['shape']]}.")),
    ("chat.10", lambda s, r: (f"no need to draw anything, is a {s['shape']} round?",
                              f"{'yes' if s['shape'] == 'circle' else 'no'}, a {s['shape']} has "
                              f"{SHAPE_CORNERS[s['shape']]}.")),
    ("chat.11", lambda s, r: (f"no need to play it: is a {PITCH_HZ_WORDS[s['pitch']]} hertz tone low, mid or high?",
                              f"it is {a(s['pitch'])} tone.")),
]

# ---------------------------------------------------------------- second turns (modality switching / edits)
# (id, from modality, to modality, kind, text template); kinds documented in world.py

SWITCH = [
    ("switch.edit.colour.0", "image", "image", "colour", "now make it {colour}"),
    ("switch.edit.colour.1", "video", "video", "colour", "now make it {colour}"),
    ("switch.edit.shape.0", "image", "image", "shape", "make it {a_shape} instead"),
    ("switch.edit.shape.1", "video", "video", "shape", "same clip but with {a_shape}"),
    ("switch.edit.position.0", "image", "image", "position", "move it {where}"),
    ("switch.edit.direction.0", "video", "video", "direction", "make it move {towards} instead"),
    ("switch.edit.pitch.0", "audio", "audio", "pitch", "now make it {pitch}"),
    ("switch.edit.pattern.0", "audio", "audio", "pattern", "now make it {pattern_short}"),
    ("switch.image_to_video.0", "image", "video", "direction", "now show it moving {towards}"),
    ("switch.image_to_video.1", "image", "video", "direction", "animate it going {direction}"),
    ("switch.video_to_image.0", "video", "image", "position", "draw it as a still picture {where}"),
    ("switch.to_audio.0", "image", "audio", "fits", "play a sound that fits it"),
    ("switch.to_audio.1", "video", "audio", "fits", "play a sound that fits it"),
    ("switch.to_audio.2", "image", "audio", "fits", "what would it sound like?"),
    ("switch.audio_to_image.0", "audio", "image", "fits", "draw a picture that fits this sound"),
    ("switch.edit.colour.2", "image", "image", "colour", "I'd prefer it {colour}"),
    ("switch.image_to_video.2", "image", "video", "direction", "can I see it {direction_verb}?"),
    ("switch.image_to_video.3", "image", "video", "direction", "now I want it {direction_verb}"),
    ("switch.edit.colour.3", "image", "image", "colour", "same thing, but {colour}"),
    ("switch.edit.shape.2", "image", "image", "shape", "turn it into {a_shape}"),
]

# ---------------------------------------------------------------- instruction-tuning phrasings (stage 4 only)
# MosIT's dialogues were written with far more variety than any pretraining template set. These phrasings widen the
# training side only: ``World.instruction_dialogues`` draws stage 4's extra dialogues from the families above plus
# these; the world's own dialogues (the tokenizer's and the LLM pretraining's text, and every valid / test item) do
# not use them. Family keys are those of ``World``'s dialogue drawers; ids never collide with the held-out ones.

INSTRUCTION_EXTRA = {
    "explicit.image": [("instruct.explicit.image.0", "can you draw {}?"), ("instruct.explicit.image.1", "draw me {}"),
                       ("instruct.explicit.image.2", "please make an image with {}"),
                       ("instruct.explicit.image.3", "create a picture: {}"),
                       ("instruct.explicit.image.4", "would you paint {}?"),
                       ("instruct.explicit.image.5", "I'd love a picture of {}")],
    "explicit.audio": [("instruct.explicit.audio.0", "can I hear {}?"), ("instruct.explicit.audio.1", "play me {}"),
                       ("instruct.explicit.audio.2", "please generate {}"),
                       ("instruct.explicit.audio.3", "could you play {}?"),
                       ("instruct.explicit.audio.4", "create a sound of {}")],
    "explicit.video": [("instruct.explicit.video.0", "show me a clip of {}"),
                       ("instruct.explicit.video.1", "can you animate {}?"),
                       ("instruct.explicit.video.2", "make a short clip of {}"),
                       ("instruct.explicit.video.3", "I'd love a video of {}"),
                       ("instruct.explicit.video.4", "play a clip showing {}")],
    "joiners": [("instruct.joint.0", "{}; also {}"), ("instruct.joint.1", "first {}, and after that {}"),
                ("instruct.joint.2", "{} and then {}"), ("instruct.joint.3", "please {} and {}")],
    "implicit": [
        ("instruct.implicit.image.0", "image", ("colour", "shape"),
         lambda s, r: f"my son is learning about {s['shape']}s, could you show him {a(s['colour'])} one?"),
        ("instruct.implicit.image.1", "image", ("colour", "shape"),
         lambda s, r: f"my friend's favourite is {a(s['colour'])} {s['shape']}, can we see it?"),
        ("instruct.implicit.image.2", "image", ("colour", "shape", "position"),
         lambda s, r: f"for a birthday card I want {a(s['colour'])} {s['shape']} {where(s['position'], r)}"),
        ("instruct.implicit.image.3", "image", ("colour", "shape"),
         lambda s, r: f"the kids adore {s['colour']} {s['shape']}s, let them see one"),
        ("instruct.implicit.image.4", "image", ("colour", "shape"),
         lambda s, r: f"I'm curious what {a(s['colour'])} {s['shape']} looks like"),
        ("instruct.implicit.image.5", "image", ("colour", "shape", "position"),
         lambda s, r: f"our logo should be {a(s['colour'])} {s['shape']} {where(s['position'], r)}"),
        ("instruct.implicit.image.6", "image", ("shape",),
         lambda s, r: f"my class is studying {s['shape']}s and needs an example to look at"),
        ("instruct.implicit.image.7", "image", ("colour", "shape"),
         lambda s, r: f"grandma likes {s['colour']} {s['shape']}s, could you make one for her?"),
        ("instruct.implicit.audio.0", "audio", ("pitch", "pattern"),
         lambda s, r: f"my timer should go off with {a(s['pitch'])} {PATTERN_THING[s['pattern']]}"),
        ("instruct.implicit.audio.1", "audio", ("pitch", "pattern"),
         lambda s, r: f"I'm curious how {a(s['pitch'])} tone that {r.choice(PATTERN_VERB[s['pattern']])} sounds"),
        ("instruct.implicit.audio.2", "audio", ("pitch", "pattern"),
         lambda s, r: f"for my app's alert I need something {s['pitch']} with {r.choice(PATTERN_NOUN[s['pattern']])}"),
        ("instruct.implicit.audio.3", "audio", ("pitch",),
         lambda s, r: f"my choir needs to hear {a(s['pitch'])} note to start"),
        ("instruct.implicit.audio.4", "audio", ("pitch", "pattern"),
         lambda s, r: f"my son wants to hear {a(s['pitch'])} {PATTERN_THING[s['pattern']]}"),
        ("instruct.implicit.video.0", "video", ("colour", "shape", "direction"),
         lambda s, r: f"my son would love to watch {a(s['colour'])} {s['shape']} moving {towards(s['direction'], r)}"),
        ("instruct.implicit.video.1", "video", ("colour", "shape", "direction"),
         lambda s, r: f"I'm curious how {a(s['colour'])} {s['shape']} {DIRECTION_VERB[s['direction']]} would look"),
        ("instruct.implicit.video.2", "video", ("colour", "shape", "direction"),
         lambda s, r: f"our website banner needs {a(s['colour'])} {s['shape']} that keeps "
                      f"{DIRECTION_VERB[s['direction']]}"),
        ("instruct.implicit.video.3", "video", ("shape", "direction"),
         lambda s, r: f"the science lesson needs a {s['shape']} in motion, {DIRECTION_VERB[s['direction']]}"),
    ],
    "questions": [
        ("instruct.question.image.0", "image", ("colour",), "what is the colour of this shape?"),
        ("instruct.question.image.1", "image", ("shape",), "which shape can you see?"),
        ("instruct.question.image.2", "image", ("position",), "where in the picture is it?"),
        ("instruct.question.image.3", "image", ("colour", "shape", "position"), "what does this picture show?"),
        ("instruct.question.audio.0", "audio", ("pitch", "pattern"), "what sort of sound is that?"),
        ("instruct.question.audio.1", "audio", ("pitch", "pattern"), "tell me about this sound."),
        ("instruct.question.audio.2", "audio", ("pattern",), "does it beep, or is it one long tone?"),
        ("instruct.question.audio.3", "audio", ("pattern",), "is the sound steady or does it beep?"),
        ("instruct.question.audio.4", "audio", ("pitch",), "is this a high, mid or low sound?"),
        ("instruct.question.audio.5", "audio", ("pitch", "pattern"), "what is this noise?"),
        ("instruct.question.audio.6", "audio", ("pattern",), "how many times does it beep?"),
        ("instruct.question.video.0", "video", ("direction",), "which direction is it going?"),
        ("instruct.question.video.1", "video", ("colour", "shape", "direction"), "tell me what happens in this video."),
        ("instruct.question.video.2", "video", ("shape",), "what is the moving shape?"),
        ("instruct.question.video.3", "video", ("colour",), "which colour is moving?"),
    ],
    "chat": [
        ("instruct.chat.0", lambda s, r: (f"without drawing, what is {a(s['colour'])} {s['shape']}?",
                                          f"it is {a(SHAPE_ADJ[s['shape']])} shape with {SHAPE_CORNERS[s['shape']]}, "
                                          f"filled with {s['colour']}.")),
        ("instruct.chat.1", lambda s, r: ("how are you?", "I am fine, thank you. I can draw shapes, play tones and "
                                                          "show moving shapes.")),
        ("instruct.chat.2", lambda s, r: (f"is a {PITCH_HZ_WORDS[s['pitch']]} hertz tone high? just answer, no sound "
                                          "please.", f"it is {a(s['pitch'])} tone.")),
    ],
    "switch": [
        ("instruct.switch.edit.colour.0", "image", "image", "colour", "can you change it to {colour}?"),
        ("instruct.switch.edit.position.0", "image", "image", "position", "put it {where} instead"),
        ("instruct.switch.image_to_video.0", "image", "video", "direction", "let it move {towards}"),
        ("instruct.switch.edit.pitch.0", "audio", "audio", "pitch", "make it {pitch} instead"),
        ("instruct.switch.to_audio.0", "video", "audio", "fits", "what sound would go with it?"),
    ],
}


# ---------------------------------------------------------------- parsing attributes back out of text

_SYNONYMS = {
    "colour": {c: [c] for c in COLOURS},
    "shape": {s: [s, s + "s"] for s in SHAPES},
    "pitch": {"low": ["low", "low-pitched"], "mid": ["mid", "medium"], "high": ["high", "high-pitched"]},
    "pattern": {"one beep": ["one beep", "single beep", "beeps once"],
                "two beeps": ["two beeps", "pair of beeps", "double beep", "beeps twice"],
                "continuous": ["continuous", "continuously", "steady"]},
    "direction": {"left": ["left"], "right": ["right"], "up": ["up"], "down": ["down"]},
}


def _find(text, phrase):
    return re.search(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", text) is not None


def _parse_one(text, names):
    found = {v for v, forms in names.items() if any(_find(text, f) for f in forms)}
    return found.pop() if len(found) == 1 else None


def _parse_position(text):
    corners = [p for p in CORNERS if _find(text, p)]
    if len(corners) == 1:
        return corners[0]
    if corners:
        return None
    singles = {p for p in ("top", "bottom", "left", "right") if _find(text, p)}
    if _find(text, "centre") or _find(text, "center") or _find(text, "middle"):
        singles.add("centre")
    return singles.pop() if len(singles) == 1 else None


def parse_attributes(modality, text):
    """{attribute: value or None} read from ``text`` (None: absent or ambiguous)."""
    t = text.lower()
    out = {}
    for k in ATTRIBUTES[modality]:
        out[k] = _parse_position(t) if k == "position" else _parse_one(t, _SYNONYMS[k])
    return out


assert set(POSITIONS) >= CORNERS and set(DIRECTIONS) == set(_SYNONYMS["direction"])
assert set(PITCHES) == set(_SYNONYMS["pitch"]) and set(PATTERNS) == set(_SYNONYMS["pattern"])
