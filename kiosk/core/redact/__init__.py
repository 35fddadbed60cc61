"""Remove personal details from a contribution before it is stored or read back.

`rules.py` holds the scanner, `lexicon.py` the word lists it reads, `names.py` the first names
and surnames (from Faker), `stamp.py` the version stamp sync compares. Callers import from here.
"""

from kiosk.core.redact.names import FAKER_LOCALES, NameLists, fold, name_lists
from kiosk.core.redact.rules import KINDS, Redaction, describe_removed, redact
from kiosk.core.redact.stamp import scrubber_version

__all__ = [
    "FAKER_LOCALES",
    "KINDS",
    "NameLists",
    "Redaction",
    "describe_removed",
    "fold",
    "name_lists",
    "redact",
    "scrubber_version",
]
