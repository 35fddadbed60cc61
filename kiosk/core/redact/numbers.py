"""The rules for written details (emails, phone and ID digits, postcodes, dates) and the spoken
ones made of numbers and letters: phone numbers, dates of birth, emails, postcodes."""

from __future__ import annotations

import re

from kiosk.core.redact.lexicon import (
    CALENDAR,
    DIGIT_WORDS,
    EMAIL_JOINERS,
    EMAIL_TLDS,
    FUNCTION_WORDS,
    MULTIPLIERS,
    NUMBER_WORDS,
    ORDINALS,
    PHONE_CUES,
    POSTCODE_AREAS,
    POSTCODE_CUES,
    SPOKEN_LETTERS,
    TEENS,
    TENS,
)
from kiosk.core.redact.names import fold
from kiosk.core.redact.scan import (
    _DAY_NUMBER,
    _DIGIT,
    _DOB_CUES,
    _DOB_ENDS,
    Scan,
)

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


class NumberRules(Scan):
    """Written forms, spoken numbers, dates of birth, emails and postcodes."""

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

