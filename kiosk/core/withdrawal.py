"""Withdrawal codes: a few plain words a participant can give staff later to remove their answers.

The code is shown and said on the thanks screen and never kept: the stores keep only its hash,
so the code itself is the participant's alone. The words are common, short, distinct when
spoken, and from a fixed list in the participant's language (English here, Gaelic, Polish and
Korean in withdrawal_words.py, all of one length), so that staff can type them from what a
participant says. The random choice is passed in (kiosk.ids.random_below), as ids are.

A code is drawn as word *positions*, and the hash is made from the positions, so a code has one
hash whatever language it is shown in and staff may type it in any of them, with or without
accents (`matching_hashes`). Codes given out before the lists were translated were hashed from
their English text (`legacy_code_hash`); a typed code is tried under both schemes, so those
codes still withdraw, on every store and through every sync, with nothing to migrate.

Three words from a list make about 110 million codes: among the thousands of participants of
one shared store a repeat is very unlikely, and a repeated code would withdraw both people (it
never shows who).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable

from kiosk.core.withdrawal_words import GAELIC, KOREAN, POLISH

CODE_WORDS = 3
# Fixed for all kiosks, so a code withdraws on any store its participant travelled to. Not a
# secret: a code is short enough to guess from its hash whatever the pepper; the hash keeps the
# code out of the files, so that a store or an export never shows it.
_PEPPER = b"kiosk withdrawal code, version 1\n"
# The positions scheme has its own pepper, so no positions hash can equal a text hash.
_POSITIONS_PEPPER = b"kiosk withdrawal code positions, version 2\n"

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

# Every list has len(WORDS) words: a position means one word in each language.
WORD_LISTS: dict[str, tuple[str, ...]] = {"en": WORDS, "gd": GAELIC, "pl": POLISH, "ko": KOREAN}

# Letters that Unicode does not split into a base letter and an accent, folded by hand.
_UNACCENTED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def words_for(language: str) -> tuple[str, ...]:
    """The code words of a language ("pl", "pl-PL", "pl_PL"); English for a language without
    a list of its own."""
    base = language.replace("_", "-").split("-")[0].casefold()
    return WORD_LISTS.get(base, WORDS)


def new_positions(random_below: Callable[[int], int], words: int = CODE_WORDS) -> tuple[int, ...]:
    """A fresh code as word positions, chosen by `random_below(n)` (0 <= result < n)."""
    return tuple(random_below(len(WORDS)) for _ in range(words))


def code_words(positions: tuple[int, ...], language: str = "en") -> str:
    """The code at `positions`, as words of `language` separated by spaces."""
    listed = words_for(language)
    return " ".join(listed[i] for i in positions)


def new_code(random_below: Callable[[int], int], words: int = CODE_WORDS,
             language: str = "en") -> str:
    """A fresh code: `words` words of `language`'s list, chosen by `random_below`."""
    return code_words(new_positions(random_below, words), language)


def normalise_code(code: str) -> str:
    """The code as the first scheme hashed it: letters and digits only, lower case, so
    "Apple  River-SEVEN", "apple river seven" and "appleriverseven" are the same code."""
    text = unicodedata.normalize("NFKC", code).casefold()
    return "".join(c for c in text if c.isalnum())


def fold_code(code: str) -> str:
    """`normalise_code` with the accents dropped ("Żółw" -> "zolw", "Bàta" -> "bata"), so a code
    typed on a keyboard without them still reads. Hangul is decomposed and put back together,
    so Korean is unchanged."""
    text = unicodedata.normalize("NFD", normalise_code(code))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", text).translate(_UNACCENTED)


def _folded_index(listed: tuple[str, ...]) -> dict[str, int]:
    return {fold_code(word): i for i, word in enumerate(listed)}


# Built once: folded word -> position, per language (the tests check no two words fold alike).
_INDEX: dict[str, dict[str, int]] = {lang: _folded_index(listed)
                                     for lang, listed in WORD_LISTS.items()}
_LONGEST = max(len(word) for index in _INDEX.values() for word in index)


def _readings(folded: str, index: dict[str, int], left: int) -> list[tuple[int, ...]]:
    """Every way to read `folded` as exactly `left` words of one list (spaces are gone by now,
    so "appleriverseven" is read as well as "apple river seven")."""
    if left == 0:
        return [()] if not folded else []
    found = []
    # No prefix longer than the longest word can be one, so long typing costs no more.
    for end in range(1, min(len(folded), _LONGEST) + 1):
        position = index.get(folded[:end])
        if position is not None:
            found += [(position, *rest) for rest in _readings(folded[end:], index, left - 1)]
    return found


def positions_of(code: str, language: str | None = None) -> set[tuple[int, ...]]:
    """The word positions a typed code can mean: in `language`, or in any language if None.
    Several only when words run together ambiguously; none if it is not a code."""
    folded = fold_code(code)
    languages = [language.replace("_", "-").split("-")[0].casefold()] if language \
        else list(WORD_LISTS)
    found: set[tuple[int, ...]] = set()
    for lang in languages:
        index = _INDEX.get(lang, _INDEX["en"])
        # Words typed apart are read as typed first: cheap, and exactly the code shown.
        parts = [fold_code(part) for part in code.replace("-", " ").split()]
        if len(parts) == CODE_WORDS and all(part in index for part in parts):
            found.add(tuple(index[part] for part in parts))
        else:
            found.update(_readings(folded, index, CODE_WORDS))
    return found


def positions_hash(positions: tuple[int, ...]) -> str:
    """The hash kept in place of a code drawn as `positions` (64 hex digits)."""
    text = " ".join(str(i) for i in positions).encode("ascii")
    return hashlib.sha256(_POSITIONS_PEPPER + text).hexdigest()


def legacy_code_hash(code: str) -> str:
    """The hash the first scheme kept: of the code's English text (codes given out before the
    word lists were translated are kept under it)."""
    return hashlib.sha256(_PEPPER + normalise_code(code).encode("utf-8")).hexdigest()


def code_hash(code: str, language: str = "en") -> str:
    """The hash kept for a code shown in `language`: of its positions. Text that is not a code
    of that language is hashed as the first scheme did, so it still has a hash of its own."""
    readings = positions_of(code, language)
    if len(readings) == 1:
        return positions_hash(next(iter(readings)))
    return legacy_code_hash(code)


def matching_hashes(typed: str) -> list[str]:
    """Every hash a code typed by staff may be kept under: its positions read in any language,
    and its text under the first scheme. A store withdraws whoever has one of them."""
    hashes = {positions_hash(p) for p in positions_of(typed)}
    hashes.add(legacy_code_hash(typed))
    return sorted(hashes)
