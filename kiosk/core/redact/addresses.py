"""The rules for addresses, written or spoken: after a cue ("i live at"), a street with its house
number, and street names."""

from __future__ import annotations

from kiosk.core.redact.lexicon import (
    ADDRESS_CUES,
    ADDRESS_STOP_WORDS,
    FUNCTION_WORDS,
    HOUSE_NUMBER_CUES,
    NOT_HOUSE_NUMBER_BEFORE,
    NOT_STREET_WORDS,
    NUMBER_WORDS,
    STREET_NAME_CUES,
    STREET_TYPES,
)
from kiosk.core.redact.scan import (
    _ADDRESS_ENDS,
    _DIRECTIONS,
    _HOUSE_NUMBER,
    _STREET_OR_HOUSE_ENDS,
    Scan,
    _wordlike,
)


class AddressRules(Scan):
    """Addresses after a cue, streets with house numbers, and the rest."""

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

