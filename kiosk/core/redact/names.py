"""First names and surnames, read once per process from two maintained sources.

- the person providers of the Faker package (given names and surnames per locale, the Chinese
  ones in their romanised form);
- the name dictionary shipped with the gender-guesser package (Jörg Michael's list of about
  45,000 given names with their use per country), of which the countries below are taken: it
  covers the Scottish Gaelic, Irish, South Asian, Arabic and Chinese given names that Faker's
  locales lack ("eilidh", "seonaid", "gurpreet", "khaled", "wei").

Given names from gender-guesser that are also ordinary English words ("sunny", "will") are
listed in `ordinary_names.py`; the rules only take them out when the context shows a name.
"""

from __future__ import annotations

import functools
import importlib.util
import operator
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
    "zh_CN", "zh_TW",  # only the romanised names are kept (the others are not in Latin script)
)

# Columns of gender-guesser's name dictionary, in the file's order (see its header).
_NAM_DICT_COUNTRIES = (
    "great_britain ireland usa italy malta portugal spain france belgium luxembourg "
    "the_netherlands east_frisia germany austria swiss iceland denmark norway sweden finland "
    "estonia latvia lithuania poland czech_republic slovakia hungary romania bulgaria bosnia "
    "croatia kosovo macedonia montenegro serbia slovenia albania greece russia belarus moldova "
    "ukraine armenia azerbaijan georgia the_stans turkey arabia israel china india japan korea "
    "vietnam other_countries"
).split()
# The countries whose given names are taken: Britain and Ireland (Gaelic names included), and
# the largest communities in Scotland from elsewhere.
NAM_DICT_COUNTRIES = (
    "great_britain", "ireland", "usa", "poland", "lithuania", "latvia", "romania", "turkey",
    "arabia", "china", "india", "vietnam", "other_countries",
)
_NAM_DICT_FIRST_COLUMN = 30  # the per-country columns start here

# An assignment such as `first_names_female = (...)` inside a provider class, up to the next
# statement at the same indentation.
_NAME_ASSIGNMENT = re.compile(
    r"^(?P<indent>[ \t]+)(?P<attr>\w*(?:first|last)_(?:romanized_)?names\w*)"
    r"\s*(?::[^=\n]*)?=(?P<value>.*?)"
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


def _nam_dict_path() -> Path | None:
    spec = importlib.util.find_spec("gender_guesser")  # found, not imported
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "data" / "nam_dict.txt"


def nam_dict_names(text: str) -> set[str]:
    """Given names of the chosen countries from the text of gender-guesser's name dictionary."""
    first = _NAM_DICT_FIRST_COLUMN
    columns = [_NAM_DICT_COUNTRIES.index(c) for c in NAM_DICT_COUNTRIES]
    # The chosen countries' cells of a line, read in one call (a line may stop short of the
    # last columns: padded with blanks, which count as no use there).
    cells = operator.itemgetter(*columns)
    width = first + max(columns) + 1
    unused = (" ",) * len(columns)
    names: set[str] = set()
    for line in text.splitlines():
        if line[:1] in ("#", "=", "") or len(line) <= first:
            continue
        if cells(line.ljust(width)[first:]) == unused:
            continue
        _add_names(names, line[3:first].strip().replace("+", " "))
    return names


def _add_names(target: set[str], raw: str) -> None:
    if raw.isascii() and raw.isalpha():  # most names: one plain word, taken as it is below
        if len(raw) >= 2:
            target.add(raw.lower())
        return
    # Most names are plain ASCII: skip the (slower) accent folding for them.
    folded = raw.lower() if raw.isascii() else fold(raw)
    for part in folded.replace("-", " ").split():
        part = part.strip("'.")
        if len(part) >= 2 and part.isascii() and part.replace("'", "").isalpha():
            target.add(part)


# Scottish Gaelic given names, which neither Faker nor gender-guesser holds (Faker has no Gaelic
# locale); their lenited forms ("a Mhòrag", "le Sheonag") are added by `lenited`.
GAELIC_GIVEN_NAMES = (
    "Ailig Ailean Alasdair Anna Aonghas Beathag Cairistìona Calum Catrìona Ceit Ciorstaidh "
    "Coinneach Dòmhnall Dùghall Eachann Ealasaid Eilidh Eòghann Fionnlagh Fionnghal Gormul "
    "Iain Iseabail Lachlann Magaidh Mairead Màiri Mòrag Murchadh Niall Oighrig Peigi Raghnall "
    "Raonaid Ruairidh Ruaraidh Seonag Seonaid Seònaid Seòras Seumas Sìne Somhairle Sorcha "
    "Teàrlach Tormod Uilleam").split()


def lenited(name: str) -> str | None:
    """The Gaelic lenited form of a name (Mòrag -> Mhòrag), or None where lenition adds nothing
    (a vowel, l, n, r, or sg/sm/sp/st)."""
    if len(name) < 2 or name[0].lower() not in "bcdfgmpst" or name[1].lower() == "h" \
            or name[:2].lower() in ("sg", "sm", "sp", "st"):
        return None
    return name[0] + "h" + name[1:]


@functools.lru_cache(maxsize=1)
def name_lists() -> NameLists:
    """Load first names and surnames from Faker and gender-guesser, once per process.

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
                target = first if "first_" in match["attr"] else last
                for literal in _STRING_LITERAL.finditer(match["value"]):
                    _add_names(target, literal.group(1) or literal.group(2))
    nam_dict = _nam_dict_path()
    if nam_dict is not None and nam_dict.is_file():
        first |= nam_dict_names(nam_dict.read_text(encoding="utf-8"))
    for name in GAELIC_GIVEN_NAMES:
        first.update(fold(form) for form in (name, lenited(name)) if form)
    return NameLists(first=frozenset(first), last=frozenset(last))

