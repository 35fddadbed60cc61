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

This module runs the rules over a text and puts the tags in. The rules are in `numbers.py`
(written details, spoken numbers, dates of birth, emails, postcodes), `addresses.py` and
`people.py` (names), over the scanner's state and shared helpers in `scan.py`; the word lists
are in `lexicon.py`, the name lists in `names.py`, the version stamp in `stamp.py`. Part of the
functional core: no I/O apart from reading the name lists, no UI or speech imports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.redact.addresses import AddressRules
from kiosk.core.redact.numbers import NumberRules
from kiosk.core.redact.people import NameRules
from kiosk.core.redact.stamp import scrubber_version


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




class _Scanner(NumberRules, AddressRules, NameRules):
    """Finds personal details in one text: every rule, over one Scan."""


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
