"""The synthetic world of the nano model and a seeded text corpus about it.

The world: coloured shapes at positions (images), beeps with a tone and a pattern (audio) and shapes moving in a
direction (video). The same vocabulary is used to train the tokenizer here and, later, the nano model itself, so
everything is a plain function of a ``random.Random``.
"""
import random

SHAPES = ["circle", "square", "triangle"]
COLOURS = ["red", "green", "blue", "yellow", "purple", "orange"]
POSITIONS = ["left", "right", "top", "bottom", "centre", "top left", "top right", "bottom left", "bottom right"]
SIZES = ["tiny", "small", "medium", "big", "large", "huge"]
TONES = ["low", "mid", "high"]
PATTERNS = ["one beep", "two beeps", "continuous"]
MOTIONS = ["left", "right", "up", "down"]
SPEEDS = ["slowly", "quickly", "steadily", "smoothly"]
BACKGROUNDS = ["black", "white", "grey", "dark", "light", "plain", "empty"]
MODALITIES = {"image": ["picture", "image", "photo", "drawing"],
              "audio": ["sound", "audio", "clip", "recording", "noise"],
              "video": ["video", "clip", "animation", "movie"]}
MEDIA_TAGS = {"image": ("<Img>", "</Img>"), "audio": ("<Aud>", "</Aud>"), "video": ("<Vid>", "</Vid>")}
HUMAN = "### Human: "
ASSISTANT = "\n### Assistant:"
TURN_END = "\n###"

_VERBS_MAKE = ["draw", "make", "create", "generate", "render", "paint", "produce", "show me", "give me", "play",
               "compose", "synthesize", "design", "sketch", "build", "animate", "record"]
_QUESTIONS = ["what colour is this?", "what shape is this?", "where is the shape?", "what is in this picture?",
              "describe this image.", "what do you hear?", "describe this sound.", "is the tone high or low?",
              "how many beeps are there?", "which way does it move?", "describe this video.",
              "what is happening in this clip?", "can you explain it?", "what is it?", "tell me about this.",
              "which colour do you see?", "is it moving?", "how loud is it?", "what pattern does it have?"]
_FILLERS = ["please", "now", "again", "then", "also", "instead", "thanks", "okay", "sure", "great", "nice",
            "maybe", "exactly", "certainly", "here", "there", "another", "similar", "different", "same", "just",
            "only", "really", "very", "quite", "rather", "slightly", "fairly", "perfectly", "beautiful", "simple",
            "bright", "pale", "vivid", "soft", "sharp", "clear", "noisy", "quiet", "gentle", "strong", "fast",
            "slow", "short", "long", "first", "second", "third", "last", "next", "previous", "single", "double",
            "triple", "several", "many", "few", "some", "every", "each", "both", "either", "neither", "around",
            "above", "below", "beside", "between", "inside", "outside", "towards", "across", "through", "along",
            "corner", "edge", "middle", "background", "foreground", "frame", "frames", "second", "seconds",
            "pixel", "pixels", "colour", "colours", "shape", "shapes", "tone", "tones", "pitch", "volume",
            "pattern", "patterns", "motion", "direction", "position", "size", "scene", "object", "objects",
            "hello", "hi", "thank", "you", "welcome", "sorry", "understand", "cannot", "could", "would", "should",
            "will", "can", "do", "does", "did", "have", "has", "had", "is", "are", "was", "were", "be", "been",
            "being", "not", "no", "yes", "and", "or", "but", "with", "without", "of", "on", "in", "at", "to",
            "from", "by", "for", "about", "into", "onto", "over", "under", "after", "before", "while", "when",
            "where", "which", "who", "why", "how", "what", "this", "that", "these", "those", "it", "its", "they",
            "them", "their", "we", "our", "me", "my", "your", "he", "she", "his", "her", "a", "an", "the",
            "moving", "moves", "moved", "drawing", "drawn", "playing", "played", "showing", "shown", "looks",
            "sounds", "beeping", "repeating", "rising", "falling", "spinning", "bouncing", "sliding", "jumping",
            "fading", "glowing", "shining", "resting", "standing", "sitting", "floating", "flying", "turning"]
_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "thousand"]
_PUNCT = [".", ",", "!", "?", ";", ":", "-", "(", ")", "'", '"', "/", "%", "+", "=", "&"]


def random_scene(rng):
    """A random scene of the world: what a picture, a sound or a video shows."""
    return {"shape": rng.choice(SHAPES), "colour": rng.choice(COLOURS), "position": rng.choice(POSITIONS),
            "size": rng.choice(SIZES), "tone": rng.choice(TONES), "pattern": rng.choice(PATTERNS),
            "motion": rng.choice(MOTIONS), "speed": rng.choice(SPEEDS), "background": rng.choice(BACKGROUNDS)}


def image_caption(s, rng):
    forms = [f"a {s['colour']} {s['shape']}",
             f"a {s['size']} {s['colour']} {s['shape']} at the {s['position']}",
             f"a {s['colour']} {s['shape']} on a {s['background']} background",
             f"the {s['shape']} is {s['colour']} and sits at the {s['position']}",
             f"a picture of a {s['size']} {s['colour']} {s['shape']}"]
    return rng.choice(forms)


def audio_caption(s, rng):
    forms = [f"a {s['tone']} tone, {s['pattern']}",
             f"{s['pattern']} at a {s['tone']} pitch",
             f"a {s['tone']} {'beep' if s['pattern'] == 'one beep' else 'sound'} that is {s['pattern']}",
             f"the sound has a {s['tone']} tone and {s['pattern']}"]
    return rng.choice(forms)


def video_caption(s, rng):
    forms = [f"a {s['colour']} {s['shape']} moving {s['motion']}",
             f"a {s['size']} {s['colour']} {s['shape']} moves {s['motion']} {s['speed']}",
             f"the {s['shape']} is {s['colour']} and moves {s['motion']}",
             f"a video of a {s['colour']} {s['shape']} going {s['motion']}"]
    return rng.choice(forms)


CAPTIONS = {"image": image_caption, "audio": audio_caption, "video": video_caption}


def instruction(modality, s, rng):
    verb = rng.choice(_VERBS_MAKE)
    noun = rng.choice(MODALITIES[modality])
    cap = CAPTIONS[modality](s, rng)
    forms = [f"{verb} {cap}", f"{verb} a {noun} of {cap}", f"please {verb} {cap}.", f"now {verb} {cap}",
             f"can you {verb} a {noun} with {cap}?", f"{verb} it as a {noun}"]
    return rng.choice(forms)


def _number(rng):
    r = rng.random()
    if r < 0.4:
        return str(rng.randint(0, 9))
    if r < 0.7:
        return str(rng.randint(10, 99))
    if r < 0.9:
        return str(rng.randint(100, 999))
    return str(rng.randint(1000, 99999))


def _free_sentence(rng):
    words = []
    for _ in range(rng.randint(3, 14)):
        r = rng.random()
        if r < 0.55:
            words.append(rng.choice(_FILLERS))
        elif r < 0.65:
            words.append(rng.choice(SHAPES + COLOURS + TONES + MOTIONS + SIZES))
        elif r < 0.75:
            words.append(_number(rng))
        elif r < 0.82:
            words.append(rng.choice(_NUMBER_WORDS))
        elif r < 0.9:
            words.append(rng.choice(_VERBS_MAKE))
        else:
            words.append(rng.choice(sum(MODALITIES.values(), [])))
    text = " ".join(words)
    if rng.random() < 0.3:
        text = text[0].upper() + text[1:]
    if rng.random() < 0.25:
        i = rng.randrange(len(words))
        words[i] = words[i] + rng.choice(_PUNCT)
        text = " ".join(words)
    return text + rng.choice([".", "!", "?", "", ".", "..."])


def conversation(rng):
    """One or more turns in the prompt template, media shown as their tags."""
    parts = []
    for turn in range(rng.randint(1, 3)):
        s = random_scene(rng)
        modality = rng.choice(list(MEDIA_TAGS))
        r = rng.random()
        if r < 0.45:
            o, c = MEDIA_TAGS[modality]
            q = f"{o}{c} {rng.choice(_QUESTIONS)}"
            a = CAPTIONS[modality](s, rng) + "."
        elif r < 0.85:
            q = instruction(modality, s, rng)
            a = rng.choice(["here it is.", "sure, here you go.", "okay.", "here is the " +
                            rng.choice(MODALITIES[modality]) + "."])
        else:
            q = _free_sentence(rng)
            a = _free_sentence(rng)
        parts.append(HUMAN + q + ASSISTANT + " " + a + TURN_END)
    return "".join(parts)


def generate_corpus(seed=1234, n=40000):
    """A deterministic list of sentences: captions, instructions, conversations and free text."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        r = rng.random()
        s = random_scene(rng)
        m = rng.choice(list(MEDIA_TAGS))
        if r < 0.2:
            out.append(CAPTIONS[m](s, rng))
        elif r < 0.4:
            out.append(instruction(m, s, rng))
        elif r < 0.7:
            out.append(conversation(rng))
        else:
            out.append(_free_sentence(rng))
    return out
