"""Write kiosk/core/redact/ordinary_names.py: the given names added from gender-guesser (and the
romanised Chinese names from Faker) that are also ordinary lower-case English words.

The names that were already in the Faker lists keep the choices made for them in
`lexicon.COMMON_WORD_NAMES`. Run again when a name source changes, with a British English word
list (one word a line; proper nouns capitalised, such as Debian's wbritish):

    python -m tests.support.derive_ordinary_names WORD_LIST > kiosk/core/redact/ordinary_names.py
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from kiosk.core.redact import names
from kiosk.core.redact.lexicon import COMMON_WORD_NAMES


def main(word_list: str) -> None:
    words = {w.strip() for w in Path(word_list).read_text(encoding="utf-8").splitlines()
             if w[:1].islower()}
    everything = names.name_lists()
    faker_only = _faker_lists()
    added = (everything.first | everything.last) - faker_only
    ordinary = sorted(w for w in added if w in words and w not in COMMON_WORD_NAMES)
    body = textwrap.fill(" ".join(ordinary), width=95, initial_indent="    ",
                         subsequent_indent="    ")
    print(f'''"""Given names from the newer name sources that are also ordinary English words.

Derived by tests/support/derive_ordinary_names.py from a British English word list: the names
that `names.py` reads from gender-guesser (and Faker's romanised Chinese names) found there in
lower case. Like lexicon.COMMON_WORD_NAMES, the rules take these out only when the words around
them show a name ("my pal sunny", not "a sunny day").
"""

from __future__ import annotations

ORDINARY_GIVEN_NAMES = frozenset(
    """
{body}
    """.split()
)''')


def _faker_lists() -> set[str]:
    """The names of the Faker locales that were read before the newer sources came in."""
    saved = names.NAM_DICT_COUNTRIES
    locales = names.FAKER_LOCALES
    try:
        names.NAM_DICT_COUNTRIES = ()
        names.FAKER_LOCALES = tuple(loc for loc in locales if not loc.startswith("zh_"))
        names.name_lists.cache_clear()
        lists = names.name_lists()
    finally:
        names.NAM_DICT_COUNTRIES = saved
        names.FAKER_LOCALES = locales
        names.name_lists.cache_clear()
    return set(lists.first | lists.last)


if __name__ == "__main__":
    main(sys.argv[1])
