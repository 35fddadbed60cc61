"""The scanner's state over one text (its tokens, what each was marked as) and the helpers every
rule uses; the word sets the rules share, made once from the lexicon. See rules.py."""

from __future__ import annotations

import bisect
import functools
import itertools
import re

from kiosk.core.redact.lexicon import (
    ADDRESS_CUES,
    CALENDAR,
    COMMON_WORD_NAMES,
    FUNCTION_WORDS,
    HOUSE_NUMBER_CUES,
    INTRO_CUES,
    MULTIPLIERS,
    NAMES_AFTER_ROLES,
    NOT_MAC_NAMES,
    NUMBER_WORDS,
    OTHER_ORDINARY,
    PLACES,
    ROLES,
    STREET_NAME_CUES,
    STRONG_CUES,
    TITLES,
)
from kiosk.core.redact.names import NameLists, fold
from kiosk.core.redact.ordinary_names import ORDINARY_GIVEN_NAMES

# Names that are also ordinary words: taken out only when the context shows a name.
_COMMON_NAMES = COMMON_WORD_NAMES | ORDINARY_GIVEN_NAMES
# Surnames known by their form: Gaelic "mac"/"mc"/"o'" ones and Polish "-ski"/"-ska"/"-wicz".
_SURNAME_FORM = re.compile(r"(?:mac|mc|o')[a-z]{3,}|[a-z]{3,}(?:ska|ski|cka|cki|wicz|czyk|czak)")


def _surname_form(word: str) -> bool:
    return bool(_SURNAME_FORM.fullmatch(word)) and word not in NOT_MAC_NAMES


# Gaelic surnames as written: Mac/Nic (and the lenited Mhic) joined to a capital, as in
# MacDhòmhnaill, NicLeòid, NicAoidh. The capital is what tells them from "nicely".
_GAELIC_SURNAME = re.compile(r"(?:Mac|Mhic|Nic|Nìc|Nig)[A-ZÀÈÌÒÙ][\w'’]+")


_STRONG_OR_INTRO_CUES = STRONG_CUES + INTRO_CUES  # one list, made once (see _cues_ending)
_DIRECTIONS = frozenset("west east north south".split())
_OBJECT_WORDS = frozenset("it me us them him her out up the a an".split())
_POSSESSIVES = frozenset("my our his her their your".split())
_MODALS = frozenset("may will can must might shall should would could did does do".split())
# Words of AFTER_NAME that join or lead on rather than say what a person did: after a word
# that is ordinary after other cues ("is my pal lucky or what") they show no name.
_JOINING_WORDS = frozenset("and or but with for too as at from".split())


def _last_words(*cue_lists: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    """The words that end a cue of the lists: a word after none of them can follow no cue, which
    one set lookup tells (the scanner's passes ask it of nearly every word)."""
    return frozenset(cue[-1] for cues in cue_lists for cue in cues)


_ROLES = frozenset(ROLES)  # a set: looked up for every candidate name
_STRONG_ENDS = _last_words(STRONG_CUES)
_INTRO_ENDS = _last_words(INTRO_CUES)
# A name can only be taken out after one of these (a cue, a title or a role), or where it is
# listed or has a surname's form; other words are passed over without the name rules.
_NAME_CUE_ENDS = _STRONG_ENDS | _INTRO_ENDS | TITLES | _ROLES
# Words never taken out as a name where they stand: function words, numbers, and words that
# are ordinary in every sense. One set, so that most words cost one lookup.
# NAMES_AFTER_ROLES are left out: names() takes them after a role ("my pal sunny said").
_NEVER_NAMES = (FUNCTION_WORDS | NUMBER_WORDS | OTHER_ORDINARY) - NAMES_AFTER_ROLES
_ADDRESS_ENDS = _last_words(ADDRESS_CUES)
_STREET_OR_HOUSE_ENDS = _last_words(HOUSE_NUMBER_CUES, STREET_NAME_CUES)
_DOB_CUES = (
    ("born",), ("date", "of", "birth"), ("dob",), ("d", "o", "b"), ("birthday",),
    ("birth", "date"), ("birthdate",), ("born", "on"), ("born", "in"), ("birthday's",),
    ("b'day",),
)
_DOB_ENDS = _last_words(_DOB_CUES)
# The words ending a cue of the passes that look for one (see _Scanner.after).
_PASS_CUE_ENDS = _ADDRESS_ENDS | _STREET_OR_HOUSE_ENDS | _DOB_ENDS
# Words that can be (part of) a number said aloud. A text with none of them and no digit holds
# no spoken phone number, postcode or house number, so those passes are skipped.
_NUMBERISH = NUMBER_WORDS | frozenset(MULTIPLIERS)
_DIGIT = re.compile(r"\d")  # what the written patterns need: none of them matches without one
_ASCII_DIGIT = re.compile(r"[0-9]")
# The starts of what _SURNAME_FORM and _GAELIC_SURNAME match: a cheap test before the pattern.
_SURNAME_FORM_STARTS = ("mac", "mc", "o'")
_SURNAME_FORM_ENDS = ("ska", "ski", "cka", "cki", "wicz", "czyk", "czak")
_GAELIC_STARTS = ("Mac", "Mhic", "Nic", "Nìc", "Nig")


@functools.lru_cache(maxsize=2)
def _listed_names(lists: NameLists) -> frozenset[str]:
    """First names and surnames in one set (one lookup for "is it listed at all?")."""
    return lists.first | lists.last


def _any_digit(text: str) -> bool:
    """Whether a character of `text` is a digit in str.isdigit's sense (as the spoken passes
    test a word), which is wider than the written patterns' \\d ("²")."""
    if text.isascii():
        return _ASCII_DIGIT.search(text) is not None
    return any(ch.isdigit() for ch in text)


_CONTRACTION_END = re.compile(r"'(s|t|m|re|ve|ll|d)$")
_DAY_NUMBER = re.compile(r"\d{1,4}(st|nd|rd|th)?")
_HOUSE_NUMBER = re.compile(r"\d{1,4}[a-z]?")
_NOT_NAME_END = re.compile(r"(ed|ing|ly|ness|ful|less|ies|[^aiou]s)$")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# _TOKEN as a group to split on (the text falls into gap, token, gap, ..., gap), and its form
# for ASCII text (the same tokens: the letters and digits of ASCII, and no curly apostrophe),
# which the regular expression engine matches faster.
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")
_ASCII_TOKEN_SPLIT = re.compile(r"([A-Za-z0-9]+(?:'[A-Za-z0-9]+)*)")
_HARD_BREAK = re.compile(r"[.!?;:]")


def _wordlike(word: str) -> bool:
    """Letters only, allowing an inner apostrophe ("o'connor") but not a contraction ending."""
    return word.replace("'", "").isalpha() and not _CONTRACTION_END.search(word)


def _tokenise(text: str) -> tuple[list[int], list[int], list[str], list[str]]:
    """The tokens of `text` as parallel lists: starts, ends, raw text, and words (folded,
    apostrophes normalised). Lists rather than an object per token: building and reading the
    objects was a large share of the scrubber's time."""
    plain = text.isascii()
    parts = (_ASCII_TOKEN_SPLIT if plain else _TOKEN_SPLIT).split(text)
    ends_of_parts = list(itertools.accumulate(map(len, parts)))
    starts = ends_of_parts[0::2]  # a token starts where the gap before it ends
    starts.pop()  # the end of the last gap: the end of the text
    raws = parts[1::2]
    # ASCII text folds to its lower case (see fold), with no curly apostrophe to normalise.
    words = [r.lower() for r in raws] if plain else [fold(r).replace("’", "'") for r in raws]
    return starts, ends_of_parts[1::2], raws, words


def _breaks(text: str, starts: list[int]) -> list[bool]:
    """For each token index i (and one past the last), whether sentence punctuation stands
    between token i-1 and token i. Found from the few punctuation marks of the text, not by
    searching the gap before every token: a mark is never inside a token, so the token starting
    after it is the one it breaks from the one before."""
    n = len(starts)
    broken = [False] * (n + 1)
    if n > 1:
        for m in _HARD_BREAK.finditer(text):
            k = bisect.bisect_right(starts, m.start())
            if 0 < k < n:
                broken[k] = True
    return broken


# The groupings made so far, by the cue list's identity: the lists are module constants, and
# looking them up by value (as an lru_cache does) hashed every phrase of a list on every word.
_ENDINGS: dict[int, tuple[tuple[tuple[str, ...], ...], dict[str, tuple[tuple[str, ...], ...]]]] \
    = {}


def _cues_ending(cues: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Cue phrases grouped by their last word, so a word that ends none costs one lookup."""
    known = _ENDINGS.get(id(cues))
    if known is not None and known[0] is cues:  # the same list, not one that reused its id
        return known[1]
    if any(not cue for cue in cues):
        raise ValueError("an empty cue phrase would match everywhere")
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for cue in cues:
        grouped.setdefault(cue[-1], []).append(cue)
    found = {word: tuple(group) for word, group in grouped.items()}
    if len(_ENDINGS) < 64:  # kept with the list itself, so its id stays its own
        _ENDINGS[id(cues)] = (cues, found)
    return found



class Scan:
    """One text being scanned: its tokens, which kind each was marked as, and the helpers
    the rules (numbers.py, addresses.py, people.py) share."""

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        base = language.lower().split("-")[0].split("_")[0]
        self.english = base == "en"
        self.gaelic = base == "gd"
        self.polish = base == "pl"
        self.starts, self.ends, self.raws, self.words = _tokenise(text)
        self.n = len(self.words)
        self.kinds: list[str | None] = [None] * self.n  # the kind each token was marked as
        self.broken = _breaks(text, self.starts)  # see broken_before
        # Whether a number could be said or written in the text (see _NUMBERISH).
        self.numberish = _any_digit(text) or not _NUMBERISH.isdisjoint(self.words)
        self.extra_spans: list[tuple[int, int, str]] = []  # character spans from written rules
        self._cue_positions: list[int] | None = None  # see after()
        # Set by names(): the tokens that are a possessive ("o'neil's"), read as their owner's
        # word, and the Gaelic or Polish small words that no name takes in (see
        # GAELIC_SMALL_WORDS, POLISH_SMALL_WORDS).
        self.owners: frozenset[int] = frozenset()
        self.stops: frozenset[int] = frozenset()

    # -- helpers ------------------------------------------------------------------------------
    def gap(self, i: int) -> str:
        """The characters between token i-1 and token i."""
        if i <= 0 or i >= self.n:
            return ""
        return self.text[self.ends[i - 1] : self.starts[i]]

    def broken_before(self, i: int) -> bool:
        """True if sentence punctuation separates token i from the one before."""
        return 0 < i < self.n and self.broken[i]

    def free(self, i: int) -> bool:
        return 0 <= i < self.n and self.kinds[i] is None

    def mark(self, first: int, last: int, kind: str) -> None:
        """Mark tokens first..last (inclusive) as kind, leaving tokens already marked alone."""
        kinds = self.kinds
        for i in range(max(first, 0), min(last, self.n - 1) + 1):
            if kinds[i] is None:
                kinds[i] = kind

    def ends_any(self, i: int, cues: tuple[tuple[str, ...], ...]) -> bool:
        """any(self.ends_phrase(i, c) for c in cues), looking only at the cues whose last word
        is the word before position i (the scrubber's hot path: most words end no cue)."""
        if i <= 0:
            return False
        known = _ENDINGS.get(id(cues))  # _cues_ending's own lookup, without the call
        grouped = known[1] if known is not None and known[0] is cues else _cues_ending(cues)
        words = self.words
        ending = grouped.get(words[i - 1])
        if ending is None:
            return False
        for cue in ending:  # self.ends_phrase(i, cue), inlined: most cues fail on a word
            start = i - len(cue)
            if start < 0 or (start < i - 1 and words[i - 2] != cue[-2]) \
                    or tuple(words[start:i]) != cue:
                continue
            if not any(self.broken[start + 1 : i + 1]):  # no sentence break inside the cue
                return True
        return False

    def after(self, ends: frozenset[str]) -> list[int]:
        """The positions i (0 < i < n) whose word before is one of `ends` (a subset of
        _PASS_CUE_ENDS): where a pass looking for a cue ending there has anything to check.
        The words are looked at once for all the passes, which then look only at the few."""
        if self._cue_positions is None:
            self._cue_positions = [
                i for i, w in enumerate(self.words[:-1], 1) if w in _PASS_CUE_ENDS
            ]
        words = self.words
        return [i for i in self._cue_positions if words[i - 1] in ends]

    def ends_phrase(self, i: int, phrase: tuple[str, ...]) -> bool:
        """True if the words just before position i are `phrase`, with no sentence break."""
        start = i - len(phrase)
        if start < 0:
            return False
        if tuple(self.words[start:i]) != phrase:
            return False
        return not any(self.broken_before(k) for k in range(start + 1, i + 1))

    def mark_chars(self, start: int, end: int, kind: str) -> None:
        overlapping = [k for k in range(self.n) if self.starts[k] < end and self.ends[k] > start]
        if overlapping and any(self.kinds[k] not in (None, kind) for k in overlapping):
            return  # an earlier, more specific rule already claimed part of it
        self.extra_spans.append((start, end, kind))
        for k in overlapping:
            self.kinds[k] = kind


    def _ordinary(self, w: str) -> bool:
        """Whether `w` is an ordinary word (a name that is also a word, a day or month, a
        place): a name only when the words around it say so."""
        return w in _COMMON_NAMES or w in CALENDAR or w in OTHER_ORDINARY or w in PLACES

    # -- output -------------------------------------------------------------------------------
    def spans(self) -> list[tuple[int, int, str]]:
        """Character spans to replace, merged, in order."""
        if not self.extra_spans and not any(self.kinds):
            return []  # nothing found, the usual case
        raw: list[tuple[int, int, str]] = []
        owners = self.owners
        for k, kind in enumerate(self.kinds):
            if kind is not None:
                # a name's possessive keeps its "'s" ("[NAME]'s carer"), which says nothing
                end = self.ends[k] - 2 if kind == "NAME" and k in owners else self.ends[k]
                raw.append((self.starts[k], end, kind))
        raw.extend(self.extra_spans)
        raw.sort()
        merged: list[tuple[int, int, str]] = []
        for start, end, kind in raw:
            if merged:
                p_start, p_end, p_kind = merged[-1]
                between = self.text[p_end:start] if start > p_end else ""
                if start <= p_end or (p_kind == kind and re.fullmatch(r"[\s,/.\-()+@_']*", between)
                                      and not (kind == "NAME" and "," in between)):
                    merged[-1] = (p_start, max(p_end, end), p_kind)
                    continue
            merged.append((start, end, kind))
        return merged


