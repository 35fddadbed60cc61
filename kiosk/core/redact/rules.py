"""Remove personal details from a contribution before it is stored or read back.

People answer aloud (Vosk writes lower-case words, numbers as words, no punctuation) or by typing
(digits, capitals, punctuation). Both forms are handled. Each detail found is replaced by a tag:
[NAME], [PHONE], [EMAIL], [ADDRESS], [POSTCODE], [ID_NUMBER] or [DATE_OF_BIRTH].

The rules lean towards keeping what people said: a word that is both an ordinary English word and
a name ("grace", "will", "bill") is only taken out when the words around it show it is a name
("my carer grace", "thanks to will and the team"). Names with no ordinary meaning ("siobhan",
"wojciech") are taken out wherever they stand.

First names and surnames come from the person providers of the Faker package (a maintained,
multi-country list). They are read from Faker's data files lazily, once per process, without
importing Faker itself, which would cost far more time on a Raspberry Pi.

The word lists are in `lexicon.py`, the name lists in `names.py`, the version stamp in
`stamp.py`; this module holds the rules. Part of the functional core: no I/O apart from
reading the name lists, no UI or speech imports.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.redact.lexicon import (
    ADDRESS_CUES,
    ADDRESS_STOP_WORDS,
    AFTER_NAME,
    CALENDAR,
    CLAUSE_STARTS,
    COMMON_WORD_NAMES,
    DIGIT_WORDS,
    EMAIL_JOINERS,
    EMAIL_TLDS,
    FUNCTION_WORDS,
    GAELIC_SMALL_WORDS,
    HOUSE_NUMBER_CUES,
    INSTITUTION_PREFIXES,
    INSTITUTIONS,
    INTRO_CLOSERS,
    INTRO_CUES,
    MULTIPLIERS,
    NAMES_AFTER_ROLES,
    NOT_HOUSE_NUMBER_BEFORE,
    NOT_MAC_NAMES,
    NOT_ROLE_BEFORE,
    NOT_STREET_WORDS,
    NUMBER_WORDS,
    ORDINALS,
    OTHER_ORDINARY,
    PHONE_CUES,
    PLACES,
    POSTCODE_AREAS,
    POSTCODE_CUES,
    ROLES,
    SHORT_VERBS,
    SPEECH_VERBS,
    SPOKEN_LETTERS,
    STREET_NAME_CUES,
    STREET_TYPES,
    STRONG_CUES,
    TEENS,
    TENS,
    TITLES,
    WEAK_INTRO_WORDS,
)
from kiosk.core.redact.names import NameLists, fold, name_lists
from kiosk.core.redact.ordinary_names import ORDINARY_GIVEN_NAMES
from kiosk.core.redact.stamp import scrubber_version

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


def _(s: str) -> str:
    """Mark a string for translation (gettext finds it; the read-back UI translates it later)."""
    return s


@dataclass(frozen=True)
class Redaction:
    """The scrubbed text and which kinds of personal detail were taken out of it."""

    text: str  # the scrubbed text
    removed: tuple[str, ...]  # kinds removed, in order of first appearance, no repeats
    scrubber: str | None = None  # scrubber_version() of the scrubber that made `text`
    counts: tuple[tuple[str, int], ...] = ()  # (kind, how many tags of it), as in `removed`


KINDS = ("NAME", "PHONE", "EMAIL", "ADDRESS", "POSTCODE", "ID_NUMBER", "DATE_OF_BIRTH")

# One English phrase per kind, for the read-back sentence.
_KIND_PHRASES = {
    "NAME": _("a name"),
    "PHONE": _("a phone number"),
    "EMAIL": _("an email address"),
    "ADDRESS": _("an address"),
    "POSTCODE": _("a postcode"),
    "ID_NUMBER": _("an NHS or CHI number"),
    "DATE_OF_BIRTH": _("a date of birth"),
}


def describe_removed(removed: tuple[str, ...],
                     translate: Callable[[str], str] = _) -> str:
    """Say in one sentence what was taken out, for the read-back; "" if nothing was.

    `translate` puts each piece into the participant's language before the pieces are joined
    (a finished English sentence could not be looked up in a catalog).

    >>> describe_removed(("NAME", "PHONE"))
    'I took out a name and a phone number to keep you anonymous.'
    """
    phrases = [translate(_KIND_PHRASES[kind]) for kind in removed if kind in _KIND_PHRASES]
    if not phrases:
        return ""
    if len(phrases) == 1:
        items = phrases[0]
    else:
        items = translate(_("{items} and {last}")).format(items=", ".join(phrases[:-1]),
                                                      last=phrases[-1])
    return translate(_("I took out {items} to keep you anonymous.")).format(items=items)


# ---------------------------------------------------------------------------------------------
# Written forms (regular expressions on the raw text)
# ---------------------------------------------------------------------------------------------

# Starts only where a run of address characters starts: tried from inside the run too, a long
# answer without "@" took seconds (each start rescans the run).
_WRITTEN_EMAIL = re.compile(r"(?<![\w.+\-'])[\w.+\-']+\s*@\s*[\w\-]+(?:\s*\.\s*[\w\-]+)+")
_WRITTEN_POSTCODE = re.compile(
    r"\b([A-Za-z]{1,2})(\d[A-Za-z\d]?)\s*(\d)([ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2})\b"
)
_WRITTEN_DIGITS = re.compile(r"(?:\+\s?\d{1,3}[\s\-]?)?(?:\(0?\d{1,5}\)[\s\-]?)?\d[\d\s\-]{4,}\d")
_WRITTEN_DATE = re.compile(r"\b\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:\d{4}|\d{2})\b")
_WRITTEN_DOB_CUE = re.compile(
    r"\b(?:born|birth|d\.?\s?o\.?\s?b\.?|birthday|b'day|dob)\b", re.IGNORECASE
)

# The six shapes of a UK postcode, written without the space: A letter, N digit.
_POSTCODE_SHAPES = ("ANNAA", "ANNNAA", "ANANAA", "AANNAA", "AANNNAA", "AANANAA")
_INWARD_LETTERS = frozenset("abdefghjlnpqrstuwxyz")  # never C I K M O V in the last two


_POSTCODE_STARTS = frozenset(SPOKEN_LETTERS) | frozenset(MULTIPLIERS) | {"o", "oh"}


def _could_start_postcode(w: str) -> bool:
    """Whether a postcode could start at this word. It starts with a letter: from a word of
    three or more letters and no digit (and not a spoken letter, nor "double") _symbols reads
    no letter, so none starts there."""
    return w in _POSTCODE_STARTS or (
        len(w) <= 7 and w[:1].isalpha() and w.isalnum() and w.isascii()
        and (len(w) <= 2 or not w.isalpha()))


def _shape(chars: str) -> str:
    return "".join("N" if c.isdigit() else "A" for c in chars)


def _postcode_prefix(chars: str) -> bool:
    """Whether `chars` can begin a postcode of one of the six shapes."""
    shape = _shape(chars)
    return any(s.startswith(shape) for s in _POSTCODE_SHAPES)


def _postcode_complete(chars: str) -> bool:
    return _shape(chars) in _POSTCODE_SHAPES and all(c in _INWARD_LETTERS for c in chars[-2:])


# Patterns of the scanner's hot paths, compiled once (re's own cache costs a lookup a call).
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


class _Scanner:
    """Finds personal details in one text; holds the tokens and which kind each belongs to."""

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        base = language.lower().split("-")[0].split("_")[0]
        self.english = base == "en"
        self.gaelic = base == "gd"
        self.starts, self.ends, self.raws, self.words = _tokenise(text)
        self.n = len(self.words)
        self.kinds: list[str | None] = [None] * self.n  # the kind each token was marked as
        self.broken = _breaks(text, self.starts)  # see broken_before
        # Whether a number could be said or written in the text (see _NUMBERISH).
        self.numberish = _any_digit(text) or not _NUMBERISH.isdisjoint(self.words)
        self.extra_spans: list[tuple[int, int, str]] = []  # character spans from written rules
        self._cue_positions: list[int] | None = None  # see after()
        # Set by names(): the tokens that are a possessive ("o'neil's"), read as their owner's
        # word, and the Gaelic small words that no name takes in (see GAELIC_SMALL_WORDS).
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

    # -- written forms ------------------------------------------------------------------------
    def written(self) -> None:
        text = self.text
        for m in _WRITTEN_EMAIL.finditer(text) if "@" in text else ():
            self.mark_chars(m.start(), m.end(), "EMAIL")
        if not _DIGIT.search(text):
            return  # the patterns below all need a digit
        for m in _WRITTEN_DATE.finditer(text):
            before = text[max(0, m.start() - 40) : m.start()]
            if _WRITTEN_DOB_CUE.search(before):
                self.mark_chars(m.start(), m.end(), "DATE_OF_BIRTH")
        for m in _WRITTEN_POSTCODE.finditer(text):
            if m.group(1).lower() in POSTCODE_AREAS and any(c.isdigit() for c in m.group(2)):
                self.mark_chars(m.start(), m.end(), "POSTCODE")
        for m in _WRITTEN_DIGITS.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if len(digits) < 6:
                continue
            before = fold(text[max(0, m.start() - 40) : m.start()])
            kind = self._number_kind(digits, m.group().lstrip().startswith("+"), before)
            if kind is not None:
                self.mark_chars(m.start(), m.end(), kind)

    def _number_kind(self, digits: str, international: bool, before: str) -> str | None:
        """Decide whether a run of digits is a phone number, an NHS/CHI number or neither."""
        before_words = re.findall(r"[a-z']+", before)[-6:]
        joined = " ".join(before_words)
        id_cue = bool(re.search(r"\b(nhs|chi|n h s|c h i|health|hospital|patient)\b", joined))
        phone_cue = any(w in PHONE_CUES for w in before_words)
        if id_cue and len(digits) == 10:
            return "ID_NUMBER"
        if international or digits.startswith("0") or len(digits) == 11:
            return "PHONE" if len(digits) >= 9 or phone_cue else None
        if len(digits) == 10:
            return "ID_NUMBER"
        if len(digits) >= 9 or (phone_cue and len(digits) >= 6):
            return "PHONE"
        return None

    # -- spoken numbers -----------------------------------------------------------------------
    def number_run(self, i: int) -> tuple[int, str] | None:
        """Read spoken digits from token i; return (end index exclusive, digit string)."""
        digits: list[str] = []
        j = i
        n = self.n
        while j < n and self.free(j):
            if j > i and self.broken_before(j):
                break
            w = self.words[j]
            if w in MULTIPLIERS and j + 1 < n and self.words[j + 1] in DIGIT_WORDS:
                digits.append(str(DIGIT_WORDS[self.words[j + 1]]) * MULTIPLIERS[w])
                j += 2
            elif w in DIGIT_WORDS and not (w in ("o", "oh") and not digits and j + 1 < n
                                            and self.words[j + 1] not in NUMBER_WORDS
                                            and self.words[j + 1] not in MULTIPLIERS):
                digits.append(str(DIGIT_WORDS[w]))
                j += 1
            elif w in TEENS:
                digits.append(str(TEENS[w]))
                j += 1
            elif w in TENS:
                if j + 1 < n and self.words[j + 1] in DIGIT_WORDS and DIGIT_WORDS[
                    self.words[j + 1]
                ] > 0 and self.words[j + 1] not in ("o", "oh"):
                    digits.append(str(TENS[w] + DIGIT_WORDS[self.words[j + 1]]))
                    j += 2
                else:
                    digits.append(str(TENS[w]))
                    j += 1
            elif w == "hundred" and digits:
                digits.append("00")
                j += 1
            elif w.isdigit():
                digits.append(w)
                j += 1
            else:
                break
        if j == i:
            return None
        return j, "".join(digits)

    def spoken_numbers(self) -> None:
        """Phone numbers and NHS/CHI numbers said digit by digit."""
        if not self.numberish:
            return
        i = 0
        n = self.n
        while i < n:
            if not self.free(i):
                i += 1
                continue
            start = i
            international = False
            if self.words[i] == "plus" and i + 1 < n:
                international = True
                start = i
                i += 1
            run = self.number_run(i)
            if run is None:
                i = start + 1
                continue
            end, digits = run
            before = " ".join(self.words[max(0, start - 6) : start])
            kind = self._number_kind(digits, international, before) if len(digits) >= 6 else None
            if kind is not None:
                self.mark(start, end - 1, kind)
            i = end

    # -- dates of birth -----------------------------------------------------------------------
    _DATE_FILLERS = frozenset("is was on in the of it's its as".split())

    def _date_word(self, j: int) -> bool:
        w = self.words[j]
        return (
            w in NUMBER_WORDS or w in ORDINALS or w in CALENDAR or w in MULTIPLIERS
            or w in ("of", "the", "and", "st", "nd", "rd", "th")
            or bool(_DAY_NUMBER.fullmatch(w))
        ) and w not in ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
                        "saturday", "christmas", "easter")

    def dates_of_birth(self) -> None:
        n = self.n
        for i in self.after(_DOB_ENDS):
            if not self.ends_any(i, _DOB_CUES):
                continue
            j = i
            while j < n and self.words[j] in self._DATE_FILLERS and j - i < 3:
                j += 1
            k = j
            while k < n and self.free(k) and self._date_word(k):
                date_separator = re.fullmatch(r"\s*[/.\-]\s*", self.gap(k))
                if k > j and self.broken_before(k) and not date_separator:
                    break
                k += 1
            while k > j and self.words[k - 1] in ("of", "the", "and"):
                k -= 1
            if k > j and any(
                self.words[m] not in ("of", "the", "and") for m in range(j, k)
            ):
                if j > i and self.words[j - 1] == "the":
                    j -= 1  # "born on the fourth of july ...": the whole date
                self.mark(j, k - 1, "DATE_OF_BIRTH")

    # -- emails -------------------------------------------------------------------------------
    def spoken_emails(self) -> None:
        n = self.n
        if "at" not in self.words:
            return  # one look, not one per word
        for a in range(1, n - 3):
            if self.words[a] != "at" or not self.free(a):
                continue
            # domain: word (dot word)+ ending in a known top-level domain
            j = a + 1
            if self.words[j] in ("the", "a", "an", "my", "your", "home", "work", "least", "all"):
                continue
            end = None
            k = j + 1
            while k + 1 < n and self.words[k] == "dot":
                if self.words[k + 1] in EMAIL_TLDS:
                    end = k + 1
                k += 2
            if end is None:
                continue
            # local part: back from "at" over words joined by dot / underscore / dash
            s = a - 1
            while s - 1 >= 0 and self.words[s] in NUMBER_WORDS and self.words[s - 1] not in (
                FUNCTION_WORDS - NUMBER_WORDS
            ):
                s -= 1
            while s - 2 >= 0 and self.words[s - 1] in EMAIL_JOINERS:
                s -= 2
            if self.words[s] in FUNCTION_WORDS and self.words[s] not in NUMBER_WORDS:
                continue
            s = self._email_start(s)
            if s - 1 >= 0 and len(self.words[s - 1]) == 1 and (
                self.words[s - 1] not in ("a", "i")
                or s - 2 < 0
                or self.words[s - 2] in ("at", "is", "to", "email", "address", "was", "on")
            ):
                s -= 1  # an initial: "j smith at ..."
            self.mark(s, end, "EMAIL")

    _EMAIL_CUE_WORDS = frozenset("is at to on email address was".split())

    def _email_start(self, s: int) -> int:
        """Spoken local parts run words together ("big tam seventy two at hotmail dot com"):
        take up to three more words back to a cue word such as "is" or "to"."""
        for back in range(1, 4):
            b = s - back
            if b < 1 or not self.free(b) or self.broken_before(b + 1):
                break
            w = self.words[b]
            if w in FUNCTION_WORDS and w not in NUMBER_WORDS:
                break
            if self.words[b - 1] in self._EMAIL_CUE_WORDS and not self.broken_before(b):
                return b
        return s

    # -- postcodes ----------------------------------------------------------------------------
    def _letter(self, j: int) -> str | None:
        if j >= self.n:
            return None
        w = self.words[j]
        if len(w) == 1 and w.isalpha():
            return w
        return SPOKEN_LETTERS.get(w)

    def spoken_postcodes(self) -> None:
        """Postcodes said or typed in pieces: "y o seven six y f", "e c one a one b b",
        "g forty one two p e", "EH12 9DN", "a b one oh one double a"."""
        if not self.numberish:
            return  # every postcode has a digit
        n = self.n
        i = 0
        words = self.words
        while i < n:
            # Most words cannot start one (see _could_start_postcode): passed without a call.
            found = self._postcode_at(i) if _could_start_postcode(words[i]) and self.free(i) \
                else None
            if found is None:
                i += 1
                continue
            self.mark(i, found - 1, "POSTCODE")
            i = found

    def _symbols(self, j: int) -> list[tuple[int, str]]:
        """The ways token j (and maybe the next) can be read as postcode characters:
        (tokens used, characters)."""
        n = self.n
        w = self.words[j]
        out: list[tuple[int, str]] = []
        if w in MULTIPLIERS and j + 1 < n and not self.broken_before(j + 1):
            if w == "double" and self.words[j + 1] in ("u", "you"):
                out.append((2, "w"))
            for used, chars in self._symbols(j + 1):
                if used == 1 and len(chars) == 1:
                    out.append((2, chars * MULTIPLIERS[w]))
            return out
        if w in ("o", "oh"):
            return [(1, "0"), (1, "o")]
        if w in DIGIT_WORDS:
            return [(1, str(DIGIT_WORDS[w]))]
        if w in TEENS:
            return [(1, str(TEENS[w]))]
        if w in TENS:
            unit = DIGIT_WORDS.get(self.words[j + 1], 0) if j + 1 < n else 0
            if unit > 0:
                out.append((2, str(TENS[w] + unit)))
            out.append((1, str(TENS[w])))
            return out
        if len(w) == 1 and w.isalpha():
            return [(1, w)]
        if w in SPOKEN_LETTERS:
            return [(1, SPOKEN_LETTERS[w])]
        if len(w) <= 7 and w.isascii() and w.isalnum() and (any(c.isdigit() for c in w)
                                                             or len(w) == 2):
            return [(1, w)]
        return out

    def _postcode_at(self, i: int) -> int | None:
        """If a postcode (any of the six shapes) starts at token i, the index after it."""
        if not _could_start_postcode(self.words[i]):
            return None
        n = self.n
        best: int | None = None
        stack: list[tuple[int, str]] = [(i, "")]
        while stack:
            j, chars = stack.pop()
            if _postcode_complete(chars) and (best is None or j > best) and self._postcode_ok(
                i, chars
            ):
                best = j
            if j >= n or len(chars) >= 7 or (j > i and self.broken_before(j)) or not self.free(j):
                continue
            for used, more in self._symbols(j):
                if _postcode_prefix(chars + more):
                    stack.append((j + used, chars + more))
        return best

    def _postcode_ok(self, i: int, chars: str) -> bool:
        """A complete postcode shape: taken when its area is a real one or a cue precedes it."""
        area = re.match(r"[a-z]+", chars)
        return area is not None and (
            area.group() in POSTCODE_AREAS or self.ends_any(i, POSTCODE_CUES)
        )

    # -- addresses ----------------------------------------------------------------------------
    def _cardinal(self, i: int) -> int | None:
        """Index after a house number said or written at token i, or None."""
        n = self.n
        w = self.words[i]
        if _HOUSE_NUMBER.fullmatch(w):
            return i + 1
        if w not in NUMBER_WORDS or w in ("oh", "o", "nought", "nil", "zero", "hundred",
                                           "thousand"):
            return None
        j = i
        while j < n and (
            self.words[j] in NUMBER_WORDS
            or (self.words[j] == "and" and j > i and self.words[j - 1] == "hundred"
                and j + 1 < n and self.words[j + 1] in NUMBER_WORDS)
        ):
            j += 1
        return j

    def addresses_after_cues(self) -> None:
        """After an address cue ("i live at", "send it to"), a house or flat number and the
        street words after it are an address, whatever the street's type word."""
        n = self.n
        for i in self.after(_ADDRESS_ENDS):
            if not self.free(i) or not self.ends_any(i, ADDRESS_CUES):
                continue
            start = j = i
            if self.words[j] in ("number", "no") and j + 1 < n:
                j += 1
            if self.words[j] == "flat":
                j += 1
                while j < n and self.free(j) and (
                    self.words[j] in NUMBER_WORDS or self.words[j] in ("stroke", "slash", "and")
                    or _HOUSE_NUMBER.fullmatch(self.words[j])
                    or (len(self.words[j]) == 1 and self.words[j] in "abcdefgh")
                ):
                    j += 1
                after: int | None = j if j > start + 1 else None
            else:
                after = self._cardinal(j) if self.free(j) else None
            if after is None:
                continue
            k = after
            if k + 1 < n and self.words[k] in ("a", "b", "c", "d") and \
                    self.words[k + 1] not in FUNCTION_WORDS:
                k += 1  # "fourteen b mill road"
            end = None
            taken = 0
            m = k
            while m < n and taken < 4 and self.free(m) and not self.broken_before(m):
                w = self.words[m]
                if w not in STREET_TYPES and (
                    w in FUNCTION_WORDS or w in NUMBER_WORDS or w in ADDRESS_STOP_WORDS
                    or w in NOT_STREET_WORDS or not _wordlike(w)
                ):
                    break
                taken += 1
                end = m
                m += 1
                if w in STREET_TYPES and not (
                    m < n and not self.broken_before(m) and self.free(m)
                    and (self.words[m] in STREET_TYPES or self.words[m] in _DIRECTIONS)
                ):
                    break  # the type word ends the street ("park terrace", "road west")
            if end is None:
                continue
            if taken == 1 and self.words[end] not in STREET_TYPES and (
                self.words[i - 1] != "at" or self.words[end].endswith("s")
                or self._ordinary(self.words[end])
            ):
                continue
            self.mark(start, end, "ADDRESS")

    def street_and_house_number(self) -> None:
        """"the street is rowan brae", "the house number is nine": one part of an address."""
        n = self.n
        for i in self.after(_STREET_OR_HOUSE_ENDS):
            if not self.free(i):
                continue
            if self.ends_any(i, HOUSE_NUMBER_CUES):
                after = self._cardinal(i)
                if after is not None:
                    self.mark(i, after - 1, "ADDRESS")
            elif self.ends_any(i, STREET_NAME_CUES):
                for k in range(i, min(i + 3, n)):
                    if not self.free(k) or (k > i and self.broken_before(k)) or \
                            not _wordlike(self.words[k]) or self.words[k] in FUNCTION_WORDS \
                            and self.words[k] not in STREET_TYPES:
                        break
                    if self.words[k] in STREET_TYPES and k > i:
                        self.mark(i, k, "ADDRESS")
                        break

    def addresses(self) -> None:
        if not self.numberish:
            return  # no house number
        n = self.n
        i = 0
        while i < n:
            if not self.free(i) or (i > 0 and self._cardinal(i - 1) is not None
                                    and self.words[i - 1] not in ("and",)):
                i += 1
                continue
            after_number = self._cardinal(i)
            if after_number is None:
                i += 1
                continue
            j = after_number
            if j < n and self.words[j] in ("a", "b", "c", "d") and j + 1 < n and \
                    self.words[j + 1] not in FUNCTION_WORDS:
                j += 1  # "fourteen b mill road"
            found = None
            if i > 0 and self.words[i - 1] in NOT_HOUSE_NUMBER_BEFORE:
                i += 1
                continue
            for width in (1, 2, 3):
                k = j + width
                if k >= n:
                    break
                middle = self.words[j:k]
                if any(w in NOT_STREET_WORDS or w in NUMBER_WORDS or not w.isalpha()
                       for w in middle):
                    break
                if any(self.broken_before(m) for m in range(j, k + 1) if m > i):
                    break
                if self.words[k] in STREET_TYPES:
                    found = k
                    break
            if found is None:
                i += 1
                continue
            start = i
            # "flat two stroke one, twelve high street"
            if start >= 2 and self.words[start - 1] in NUMBER_WORDS | {"stroke", "slash"}:
                b = start - 1
                while b > 0 and (self.words[b] in NUMBER_WORDS
                                 or self.words[b] in ("stroke", "slash")
                                 or self.words[b].isdigit()):
                    b -= 1
                if self.words[b] == "flat":
                    start = b
            elif start >= 1 and self.words[start - 1] in ("flat", "number", "no"):
                start = start - 1 if self.words[start - 1] == "flat" else start
            if found + 1 < n and self.words[found + 1] in ("west", "east", "north", "south"):
                found += 1  # "paisley road west"
            self.mark(start, found, "ADDRESS")
            i = found + 1

    # -- names --------------------------------------------------------------------------------
    def _ordinary(self, w: str) -> bool:
        return w in _COMMON_NAMES or w in CALENDAR or w in OTHER_ORDINARY or w in PLACES

    def _listed(self, w: str) -> bool:
        lists = name_lists()
        return w in lists.first or w in lists.last

    def _capitalised_mid_sentence(self, i: int) -> bool:
        raw = self.raws[i]
        if not raw[:1].isupper() or raw.isupper() and len(raw) > 1:
            return False
        if i == 0 or self.broken_before(i):
            return False
        return True

    def _title_case_text(self) -> bool:
        # Asked once per possible name: counted once per text (the tokens never change), or a
        # long answer of many names took seconds (quadratic).
        cached: bool | None = getattr(self, "_title_case", None)
        if cached is None:
            pairs = [(r, w) for r, w in zip(self.raws, self.words, strict=True) if r.isalpha()]
            if self.english:
                capitals = sum(r[:1].isupper() for r, _w in pairs)
            else:
                # Without cue phrases capitals are the evidence, and a short sentence with two
                # names ("Dh'fhalbh Ailean MacRath le Ceit") would count as title case if the
                # names' own capitals counted: only the other words' capitals do.
                listed = _listed_names(name_lists())
                capitals = sum(r[:1].isupper() and w not in listed
                               and not _GAELIC_SURNAME.fullmatch(r) for r, w in pairs)
            cached = bool(pairs) and capitals > 0.6 * len(pairs)
            self._title_case = cached
        return cached

    def _gaelic_written(self, k: int) -> bool:
        """Whether token k is a Mac/Nic surname as written in Gaelic ("NicLeòid"), not a word
        that merely begins like one ("MacBook")."""
        raw = self.raws[k]
        return raw[:1] in "MN" and bool(_GAELIC_SURNAME.fullmatch(raw)) \
            and self.words[k] not in NOT_MAC_NAMES

    def _possessor(self, k: int) -> bool:
        """Whether token k says whose the next word is: "my", "our", or a possessive such as
        "o'neil's" (so "o'neil's carer grace" is one person's carer, as "my carer grace" is)."""
        return k >= 0 and (self.words[k] in _POSSESSIVES or k in self.owners)

    def _read_possessives_and_small_words(self) -> None:
        """Before the name rules: read a possessive as its owner's word ("o'neil's" as
        "o'neil"), remembering which tokens were possessives, and find the Gaelic small words
        that look like names (see GAELIC_SMALL_WORDS). The passes before names() have used
        the words as said; names() is the last to read them."""
        words = self.words
        if "'" in self.text or "’" in self.text:  # else no token is a possessive
            owners = [k for k, w in enumerate(words)
                      if w.endswith("'s") and len(w) > 3 and w[:-2] not in FUNCTION_WORDS]
            if owners:
                words = self.words = list(words)
                for k in owners:
                    words[k] = words[k][:-2]
                self.owners = frozenset(owners)
        if self.gaelic:
            raws = self.raws
            self.stops = frozenset(
                k for k, w in enumerate(words) if w in GAELIC_SMALL_WORDS
                and (not raws[k][:1].isupper() or self._sentence_start(k)))

    def _name_follows(self, j: int) -> bool:
        """Whether token j (after a possible name) fits a name before it."""
        n = self.n
        if j >= n or self.broken_before(j) or not self.free(j):
            return True
        w = self.words[j]
        return w in AFTER_NAME or (
            len(w) > 3 and w.endswith("s") and w not in FUNCTION_WORDS and not w.endswith("ss")
        )

    def _plausible_unknown(self, j: int) -> bool:
        """Whether a word missing from the name lists could still be a name ("mei", "jurgis")."""
        w = self.words[j]
        return (
            _wordlike(w) and len(w) >= 2 and w not in FUNCTION_WORDS and not self._ordinary(w)
            and w not in _ROLES and w not in TITLES and w not in INSTITUTIONS
            and w not in STREET_TYPES and w not in NOT_MAC_NAMES
            # English verb and plural endings; Baltic names ending in -as, -is, -us may stay
            and not _NOT_NAME_END.search(w)
        )

    def _clause_ends(self, j: int) -> bool:
        """Whether token j starts something new after a full name ("... kofi nowak call me").

        Stricter than _name_follows: "is" or "has" after an unlisted word suggests that word
        begins a new clause ("my name is oliver money is tight").
        """
        n = self.n
        if j >= n or self.broken_before(j) or not self.free(j):
            return True
        return self.words[j] in CLAUSE_STARTS

    def _extend_name(self, i: int) -> int:
        """From a name at token i, take following surnames; return the last name token index."""
        n = self.n
        lists = name_lists()
        title_case = self._title_case_text()
        owners, stops = self.owners, self.stops
        if i in owners:
            return i  # "o'neil's carer": a possessive ends the name
        j = i + 1
        while j < n and j - i <= 3 and self.free(j) and not self.broken_before(j):
            w = self.words[j]
            if j in stops:
                break  # "bha Ceit ann": a Gaelic small word, not a surname
            if (w in FUNCTION_WORDS or w in NUMBER_WORDS or w in PLACES or w in CALENDAR
                    or w in OTHER_ORDINARY or w in INSTITUTIONS or not _wordlike(w)):
                break
            if w in ORDINARY_GIVEN_NAMES and w not in lists.last:
                break  # a given name that is also a word ("sat") is no surname
            if w in lists.last or w in lists.first or _surname_form(w) \
                    or _GAELIC_SURNAME.fullmatch(self.raws[j]):
                if w in _COMMON_NAMES and (
                    not (self._name_follows(j + 1) or self._clause_ends(j + 1))
                    or (j + 1 < n and self.words[j + 1] in _OBJECT_WORDS)
                ):
                    break  # "the volunteer jamal read it out": a verb, not a surname
                j += 1
                if j - 1 in owners:
                    break
                continue
            if self._plausible_unknown(j) and len(w) >= 4 and (
                self._clause_ends(j + 1)
                or (self._name_follows(j + 1) and self.words[j + 1] not in SHORT_VERBS)
                or (self.raws[j][:1].isupper() and not title_case)
            ):
                j += 1
                if j - 1 in owners:
                    break
                continue
            break
        return j - 1

    def _sentence_start(self, i: int) -> bool:
        return i == 0 or self.broken_before(i)

    def names(self) -> None:
        """Mark people's names: after cues, and names that are no ordinary word anywhere."""
        n = self.n
        lists = name_lists()
        self._read_possessives_and_small_words()
        words, kinds = self.words, self.kinds
        owners, stops = self.owners, self.stops
        english = self.english
        resume = 0  # the first token not yet passed (a name taken out passes its tokens)
        hyphens = "-" in self.text  # else no word is part of a hyphenated one
        for i in self._name_candidates(lists):
            w = words[i]
            if i < resume or kinds[i] is not None or not _wordlike(w) or i in stops:
                continue
            if hyphens and (
                (i + 1 < n and self.gap(i + 1) == "-" and not self._listed(self.words[i + 1]))
                or (i > 0 and self.gap(i) == "-" and not self._listed(self.words[i - 1]))
            ):
                continue  # part of a hyphenated word ("co-production"), not a name
            listed = w in lists.first or w in lists.last \
                or (self.raws[i][0] in "MN" and bool(_GAELIC_SURNAME.fullmatch(self.raws[i])))
            first = w in lists.first
            ordinary = self._ordinary(w)
            # ordinary in every sense: never a name whatever the cue
            plain_word = w in OTHER_ORDINARY
            previous = self.words[i - 1] if i > 0 and not self.broken_before(i) else ""
            before = words[i - 1] if i > 0 else ""
            strong = english and before in _STRONG_ENDS and self.ends_any(i, STRONG_CUES)
            # a role's possessive owns what follows ("my pal's birthday"): no cue for a name
            role = english and i - 1 not in owners and (
                previous in TITLES
                or (previous in _ROLES and (i < 2 or self.words[i - 2] not in NOT_ROLE_BEFORE))
            )
            intro = english and before in _INTRO_ENDS and self.ends_any(i, INTRO_CUES)
            if not (listed or strong or role or intro or _surname_form(w)):
                continue  # the word before was no whole cue ("to" of "go to")
            weak_intro = previous in WEAK_INTRO_WORDS
            # a possessive is a noun's end, as a name's verb is: "mrs o'neil's carer"
            follows = self._name_follows(i + 1) or i in owners
            next_is_number = i + 1 < n and self.words[i + 1] in NUMBER_WORDS
            written_cap = self._capitalised_mid_sentence(i) and not self._title_case_text()

            is_name = False
            if plain_word:
                # "my pal sunny said", never "is my pal lucky or what" nor "i'm lucky"
                is_name = role and w in NAMES_AFTER_ROLES and not next_is_number and (
                    previous in TITLES or self._possessor(i - 2)) and (
                    i in owners or written_cap or (
                        i + 1 < n and not self.broken_before(i + 1)
                        and self.words[i + 1] in AFTER_NAME
                        and self.words[i + 1] not in _JOINING_WORDS))
            elif strong:
                is_name = listed or not ordinary or w in CALENDAR
            elif role:
                if listed and not ordinary:
                    is_name = True
                elif listed or w in CALENDAR or w in PLACES or self._plausible_unknown(i):
                    is_name = (follows and not next_is_number) or (
                        # "my granddaughter rose set up the tablet"
                        i >= 2 and self._possessor(i - 2) and w not in _MODALS
                        and i + 1 < n and not self.broken_before(i + 1)
                        and self.words[i + 1] not in FUNCTION_WORDS and not next_is_number
                    ) or (
                        written_cap and self._plausible_unknown(i)
                    ) or (
                        # an unlisted first name and surname: "my worker kasia nowicka helps"
                        not ordinary and i + 1 < n and self._plausible_unknown(i + 1)
                        and self._name_follows(i + 2)
                    )
            elif intro and w in CALENDAR and i >= 1 and self.words[i - 1] in ("is", "it's") \
                    and not (
                i + 1 < n and (self.words[i + 1] in INTRO_CLOSERS
                               or self.words[i + 1] in SPEECH_VERBS)
            ):
                is_name = False  # "it is march and still nothing has changed"
            elif intro:
                if first and not ordinary:
                    is_name = True
                elif (listed or w in CALENDAR) and w not in PLACES and not weak_intro:
                    is_name = follows and not next_is_number
                elif self._plausible_unknown(i) and (
                    (written_cap and follows)
                    or (i + 1 < n and self.words[i + 1] in INTRO_CLOSERS)
                ):
                    is_name = True
            elif first and not ordinary:
                is_name = self.english or written_cap or (
                    # "Seumas MacLeòid" at the start of a sentence
                    i + 1 < n and (self.words[i + 1] in lists.last or self._gaelic_written(i + 1))
                )
            elif not english and self._gaelic_written(i):
                is_name = True  # "Bha NicAoidh ann": the inner capital shows the surname
            elif written_cap and first and w not in CALENDAR and w not in PLACES:
                is_name = True
            elif (self._sentence_start(i) or previous == "and") and listed and \
                    w in _COMMON_NAMES and i + 1 < n and (
                        self.words[i + 1] in SPEECH_VERBS
                        or (self.words[i + 1] == "from" and i + 2 < n
                            and self.words[i + 2] in ("the", "my", "our"))
                    ):
                is_name = True  # "grace said ...", "mark from the council never came"

            surname_form = not is_name and not ordinary and _surname_form(w) and self.english and (
                w in lists.last or (previous in lists.first and not self._ordinary(previous))
                or follows
            )
            if surname_form:
                is_name = True  # "macdonald said", "shug macdonald", "priya lewandowska"
            if is_name:
                last = self._extend_name(i)
                if (last + 1 < n and self.words[last + 1] in INSTITUTIONS) or (
                    previous in INSTITUTION_PREFIXES
                ):
                    resume = last + 1  # "queen margaret hospital", "st andrew"
                    continue
                start = i
                joins = i > 0 and i - 1 not in owners and i - 1 not in stops  # see _extend_name
                if joins and surname_form and self.free(i - 1) and not self.broken_before(i) \
                        and self.words[i - 1] in lists.first and not self._ordinary(
                            self.words[i - 1]):
                    start = i - 1
                elif joins and self.free(i - 1) and not self.broken_before(i) and (
                    # an unknown word before a given name is no first name without a cue
                    # ("Dh'fhalbh Ailean MacRath": a Gaelic verb)
                    (english or w not in lists.first) and self._plausible_unknown(i - 1)
                    and (self._sentence_start(i - 1) or surname_form
                         or self.ends_any(i - 1, _STRONG_OR_INTRO_CUES))
                ):
                    start = i - 1  # an unlisted first name before a listed surname
                self.mark(start, last, "NAME")
                resume = last + 1
                continue
            # a surname that is no ordinary word, right after a first name ("mark thompson")
            if listed and not ordinary and w in lists.last and i > 0 and self.free(i - 1) \
                    and i - 1 not in owners and i - 1 not in stops \
                    and previous in lists.first and previous not in FUNCTION_WORDS \
                    and previous not in CALENDAR and previous not in PLACES \
                    and previous not in OTHER_ORDINARY:
                last = self._extend_name(i)
                self.mark(i - 1, last, "NAME")
                resume = last + 1
                continue

    def _name_candidates(self, lists: NameLists) -> list[int]:
        """The tokens names() looks at, in order. Only a listed word, one of a surname's form,
        or a word after a cue, a title or a role can be taken out as a name, and never a word
        of _NEVER_NAMES; most words of a text are none of these, and are passed over here in
        one comprehension rather than one turn of names()'s loop each."""
        listed = _listed_names(lists)
        cue_ends = _NAME_CUE_ENDS if self.english else frozenset()
        english = self.english
        words = self.words
        befores = ["", *words]  # the word before each (one more at the end, never reached)
        return [
            i for i, (w, before, raw) in enumerate(zip(words, befores, self.raws, strict=False))
            if w not in _NEVER_NAMES and (
                w in listed or before in cue_ends
                or (english and (w[0] in "mo" and w.startswith(_SURNAME_FORM_STARTS)
                                 or w[-1] in "aikz" and w.endswith(_SURNAME_FORM_ENDS)))
                or (raw[0] in "MN" and raw.startswith(_GAELIC_STARTS)))
        ]

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


def redact(text: str, language: str = "en") -> Redaction:
    """Replace personal details in `text` with tags such as [NAME] and [PHONE].

    Works on spoken form (lower-case words from speech recognition) and written form. For
    languages other than English only the language-independent rules run (written emails,
    phone and ID digits, postcodes, dates after a cue) plus the name list; the English cue
    phrases and spoken numbers are not used.

    >>> redact("my name is susan holt call me on oh seven seven double nine").text
    'my name is [NAME] call me on [PHONE]'
    """
    if not text.strip():
        return Redaction(text=text, removed=(), scrubber=scrubber_version())
    scanner = _Scanner(text, language)
    scanner.written()
    if scanner.english:
        scanner.dates_of_birth()
        scanner.spoken_emails()
        scanner.spoken_postcodes()
        scanner.spoken_numbers()
        scanner.addresses_after_cues()
        scanner.street_and_house_number()
        scanner.addresses()
    scanner.names()
    pieces: list[str] = []
    counts: dict[str, int] = {}  # in order of first appearance
    position = 0
    for start, end, kind in scanner.spans():
        pieces.append(text[position:start])
        pieces.append(f"[{kind}]")
        position = end
        counts[kind] = counts.get(kind, 0) + 1
    pieces.append(text[position:])
    return Redaction(text="".join(pieces), removed=tuple(counts), scrubber=scrubber_version(),
                     counts=tuple(counts.items()))
