"""Interface translations: gettext catalogs under locales/LANG/LC_MESSAGES/kiosk.po.

The .po files are read directly (with Babel) when the kiosk starts, so translators edit one text
file and no compiled .mo file has to be kept in step. Messages are marked in the code as
``_("...")`` (or ``N_("...")`` where translation happens later) and found by `extract_messages`.

Run ``python -m kiosk.i18n`` to rewrite locales/kiosk.pot and add new messages to every catalog.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "kiosk"
SOURCE_DIR = Path(__file__).resolve().parent


class Catalogs:
    """Every language's interface messages; a missing message stays in English."""

    def __init__(self, directory: Path = LOCALES_DIR):
        self.directory = directory
        self._messages: dict[str, dict[str, str]] = {}

    def languages(self) -> list[str]:
        """The languages with a catalog, plus English (the language of the code)."""
        catalogs = self.directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
        found = sorted(p.parent.parent.name for p in catalogs)
        return ["en", *[lang for lang in found if lang != "en"]]

    def _load(self, language: str) -> dict[str, str]:
        if language not in self._messages:
            path = self.directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"
            messages: dict[str, str] = {}
            if path.exists():
                with path.open("rb") as f:
                    catalog = read_po(f, locale=None)
                for message in catalog:
                    if message.id and isinstance(message.id, str) and message.string \
                            and not message.fuzzy:
                        messages[message.id] = str(message.string)
            self._messages[language] = messages
        return self._messages[language]

    def translate(self, language: str, message: str) -> str:
        """`message` in `language`, or as written when there is no translation."""
        if language == "en":
            return message
        return self._load(language).get(message, message)

    def missing(self, language: str, messages: Iterable[str]) -> list[str]:
        """Which of `messages` have no translation in `language`."""
        known = self._load(language)
        return [m for m in messages if m not in known]


def extract_messages(source: Path = SOURCE_DIR) -> list[str]:
    """Every message marked for translation in the kiosk's Python code, in order of first use."""
    found: dict[str, None] = {}
    for path in sorted(source.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or len(node.args) != 1:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else None
            arg = node.args[0]
            if name in ("_", "N_") and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, None)
    return list(found)


def update_catalogs(directory: Path = LOCALES_DIR) -> None:
    """Rewrite the template and add any new message (untranslated) to each language's catalog."""
    messages = extract_messages()
    template = Catalog(domain=DOMAIN, project="kiosk")
    for m in messages:
        template.add(m)
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / f"{DOMAIN}.pot").open("wb") as f:
        write_po(f, template, omit_header=True, width=100)
    for po in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        with po.open("rb") as f:
            catalog = read_po(f)
        for m in messages:
            if m not in catalog:
                catalog.add(m)
        with po.open("wb") as f:
            write_po(f, catalog, width=100, sort_output=False)


if __name__ == "__main__":
    update_catalogs()
    print(f"{len(extract_messages())} messages; catalogs in {LOCALES_DIR}", file=sys.stderr)
