"""First names and surnames, read from the Faker package's person providers once per process."""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Faker locales whose person names are written in Latin script and reflect people living in
# Scotland: British, Irish and Gaelic names, and the largest communities from elsewhere.
FAKER_LOCALES = (
    "en_GB", "en_IE", "ga_IE", "en_US", "en_IN", "en_PK", "en_NG", "en_KE", "en_NZ", "pl_PL",
    "lt_LT", "lv_LV", "ro_RO", "it_IT", "es_ES", "pt_PT", "fr_FR", "de_DE", "nl_NL", "tr_TR",
    "sw", "yo_NG", "ig_NG", "ha_NG", "tw_GH", "zu_ZA", "vi_VN", "id_ID", "sv_SE", "cs_CZ",
    "sk_SK", "hu_HU", "hr_HR", "sl_SI", "et_EE", "fi_FI", "da_DK", "no_NO",
)

# An assignment such as `first_names_female = (...)` inside a provider class, up to the next
# statement at the same indentation.
_NAME_ASSIGNMENT = re.compile(
    r"^(?P<indent>[ \t]+)(?P<attr>\w*(?:first|last)_names\w*)\s*(?::[^=\n]*)?=(?P<value>.*?)"
    r"(?=^(?P=indent)\S|\Z)",
    re.M | re.S,
)
_STRING_LITERAL = re.compile(r"\"([^\"\\\n]+)\"|'([^'\\\n]+)'")


@dataclass(frozen=True)
class NameLists:
    """Folded (lower-case, accents removed) first names and surnames."""

    first: frozenset[str]
    last: frozenset[str]


def fold(word: str) -> str:
    """Lower-case a word and strip accents, so "Siobhán" and "siobhan" compare equal."""
    if word.isascii():
        return word.lower()  # nothing to decompose: the same result, without the Unicode work
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("ł", "l").replace("ß", "ss"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _faker_person_dir() -> Path | None:
    spec = importlib.util.find_spec("faker")  # finds the package without importing it
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "providers" / "person"


def _add_names(target: set[str], raw: str) -> None:
    # Most names are plain ASCII: skip the (slower) accent folding for them.
    folded = raw.lower() if raw.isascii() else fold(raw)
    for part in folded.replace("-", " ").split():
        part = part.strip("'.")
        if len(part) >= 2 and part.isascii() and part.replace("'", "").isalpha():
            target.add(part)


@functools.lru_cache(maxsize=1)
def name_lists() -> NameLists:
    """Load first names and surnames from Faker's person providers, once per process.

    The provider modules hold the names as plain string literals, so they are read as text
    (about 20 ms) rather than imported (importing Faker builds its whole locale registry).
    tests/test_redact.py checks that this reading matches what an import gives.
    """
    first: set[str] = set()
    last: set[str] = set()
    person_dir = _faker_person_dir()
    if person_dir is not None:
        for locale in FAKER_LOCALES:
            path = person_dir / locale / "__init__.py"
            if not path.is_file():
                continue
            source = path.read_text(encoding="utf-8")
            for match in _NAME_ASSIGNMENT.finditer(source):
                target = first if "first_names" in match["attr"] else last
                for literal in _STRING_LITERAL.finditer(match["value"]):
                    _add_names(target, literal.group(1) or literal.group(2))
    return NameLists(first=frozenset(first), last=frozenset(last))

