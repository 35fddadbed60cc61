"""Withdrawal codes: a few plain words a participant can give staff later to remove their answers.

The code is shown and said on the thanks screen and never kept: the stores keep only its hash
(`code_hash`), so the code itself is the participant's alone. The words are common, short,
distinct when spoken, and from one fixed list, so that staff can type them from what a
participant says. The random choice is passed in (kiosk.ids.random_below), as ids are.

Three words from this list make about 110 million codes: among the thousands of participants of
one shared store a repeat is very unlikely, and a repeated code would withdraw both people (it
never shows who).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable

CODE_WORDS = 3
# Fixed for all kiosks, so a code withdraws on any store its participant travelled to. Not a
# secret: a code is short enough to guess from its hash whatever the pepper; the hash keeps the
# code out of the files, so that a store or an export never shows it.
_PEPPER = b"kiosk withdrawal code, version 1\n"

WORDS: tuple[str, ...] = (
    "able", "acid", "acre", "actor", "adult", "aim", "air", "alarm", "album", "alley", "amber",
    "anchor", "angle", "ankle", "apple", "apron", "arch", "arena", "arm", "army", "arrow",
    "art", "ash", "atom", "aunt", "autumn", "award", "axe", "baby", "badge", "bag", "baker",
    "ball", "bamboo", "banana", "band", "bank", "barn", "basket", "bath", "beach", "bean",
    "bear", "beard", "bed", "bee", "beetle", "bell", "belt", "bench", "berry", "bike", "bird",
    "biscuit", "blanket", "blossom", "boat", "body", "bone", "book", "boot", "bottle", "bowl",
    "box", "brain", "branch", "bread", "brick", "bridge", "broom", "brother", "brush", "bucket",
    "bugle", "bulb", "bull", "bus", "butter", "button", "cabin", "cake", "camel", "camera",
    "camp", "candle", "canoe", "canyon", "cap", "captain", "car", "card", "carpet", "carrot",
    "castle", "cat", "cattle", "cave", "celery", "chain", "chair", "chalk", "cheese", "cherry",
    "chess", "chicken", "chin", "circle", "city", "clay", "cliff", "clock", "cloud", "clown",
    "coat", "cocoa", "coconut", "coffee", "coin", "collar", "comb", "comet", "copper", "coral",
    "corn", "cotton", "cousin", "cow", "crab", "crane", "crayon", "cream", "cricket", "crown",
    "cup", "curtain", "cushion", "daisy", "dancer", "desk", "diamond", "dinner", "doctor",
    "dog", "doll", "dolphin", "donkey", "door", "dragon", "drawer", "dream", "dress", "drum",
    "duck", "dust", "eagle", "ear", "earth", "echo", "egg", "elbow", "elephant", "elm",
    "engine", "envelope", "fabric", "face", "falcon", "farm", "feather", "fence", "fern",
    "ferry", "field", "finger", "fire", "fish", "flag", "flame", "flower", "flute", "fog",
    "forest", "fork", "fountain", "fox", "frog", "fruit", "garden", "garlic", "gate", "ghost",
    "giant", "ginger", "giraffe", "glass", "glove", "goat", "gold", "grape", "grass", "guitar",
    "hammer", "hand", "harbour", "harp", "hat", "hawk", "heart", "hedge", "helmet", "hill",
    "hippo", "hive", "honey", "hook", "horse", "hotel", "house", "ice", "igloo", "ink",
    "insect", "iron", "island", "ivy", "jacket", "jam", "jar", "jelly", "jewel", "judge",
    "juice", "jungle", "kettle", "key", "kitchen", "kite", "kitten", "knee", "knife", "knot",
    "ladder", "lake", "lamb", "lamp", "lantern", "lava", "lawn", "leaf", "lemon", "letter",
    "lily", "lime", "lion", "lizard", "lobster", "lock", "log", "lunch", "magnet", "mango",
    "map", "maple", "marble", "market", "meadow", "melon", "mirror", "mitten", "monkey", "moon",
    "moose", "mountain", "mouse", "mug", "music", "nail", "needle", "nest", "net", "nose",
    "notebook", "nut", "oak", "oar", "ocean", "olive", "onion", "orange", "orchard", "otter",
    "owl", "paint", "palm", "pancake", "panda", "paper", "parrot", "pasta", "peach", "peanut",
    "pear", "pebble", "pencil", "penguin", "pepper", "piano", "picnic", "pig", "pillow",
    "pilot", "pine", "planet", "plate", "plum", "pocket", "pond", "pony", "potato", "pumpkin",
    "puppet", "puzzle", "quilt", "rabbit", "radio", "raft", "rain", "rainbow", "raven",
    "ribbon", "rice", "ring", "river", "road", "robin", "rock", "rocket", "roof", "rope",
    "rose", "ruby", "ruler", "saddle", "sailor", "salad", "salmon", "sand", "sandal", "scarf",
    "school", "seal", "shadow", "shark", "sheep", "shell", "ship", "shirt", "shoe", "silver",
    "singer", "sister", "skirt", "sky", "sled", "snail", "snake", "snow", "soap", "sock",
    "sofa", "soup", "spider", "spoon", "squirrel", "stable", "star", "station", "stone",
    "storm", "straw", "street", "sugar", "summer", "sun", "swan", "sweater", "table", "tail",
    "teacher", "teapot", "tent", "thumb", "tiger", "toast", "tomato", "tooth", "torch", "tower",
    "town", "toy", "tractor", "train", "tree", "truck", "trumpet", "tulip", "tunnel", "turtle",
    "umbrella", "uncle", "valley", "van", "vase", "velvet", "violin", "volcano", "wagon",
    "wall", "walnut", "wand", "watch", "water", "wave", "whale", "wheat", "wheel", "whistle",
    "willow", "window", "winter", "wizard", "wolf", "wool", "worm", "yacht", "yard", "yogurt",
    "zebra", "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "twenty", "forty", "fifty", "hundred", "red", "blue", "green",
    "yellow", "purple", "pink", "brown", "black", "white", "happy", "sunny", "quiet", "gentle",
    "brave", "calm", "clever", "kind", "lucky", "merry", "proud", "quick", "silly", "tidy",
    "warm", "wise",
)


def new_code(random_below: Callable[[int], int], words: int = CODE_WORDS) -> str:
    """A fresh code: `words` words from WORDS, chosen by `random_below(n)` (0 <= result < n)."""
    return " ".join(WORDS[random_below(len(WORDS))] for _ in range(words))


def normalise_code(code: str) -> str:
    """The code as it is hashed: letters and digits only, lower case, so "Apple  River-SEVEN",
    "apple river seven" and "appleriverseven" are the same code."""
    text = unicodedata.normalize("NFKC", code).casefold()
    return "".join(c for c in text if c.isalnum())


def code_hash(code: str) -> str:
    """The hash kept in place of a code (64 hex digits)."""
    return hashlib.sha256(_PEPPER + normalise_code(code).encode("utf-8")).hexdigest()
