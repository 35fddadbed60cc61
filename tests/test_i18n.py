"""Interface catalogs: every marked message translated, placeholders intact, command words sayable.

A missing translation would leave one English sentence in a Gaelic, Polish or Korean session, and a
lost or misspelt {placeholder} would make `.format()` raise in the middle of someone's answers.
"""

from __future__ import annotations

import ast
import re
import string
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import kiosk.core.session
from kiosk.core.redact import KINDS, describe_removed
from kiosk.i18n import DOMAIN, LOCALES_DIR, Catalogs, extract_messages

LANGUAGES = ("gd", "pl", "ko")

# The words a person says to press a control (voice_words in kiosk/core/session/). Checked
# against the code below, so a new command word cannot be added without this test noticing.
COMMAND_WORDS = {
    "back", "repeat", "help", "skip", "start", "yes", "no", "finish", "close", "type", "keep",
    "again", "more", "speak", "done",
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
}

# A sentence that names a button, and that button's label: the translated sentence must name the
# translated label, or a listener is told to choose a button that is not on the screen.
BUTTON_MENTIONS = [
    ("Type your answer, then choose Done.", ["Done"]),
    ("Speak your answer now. When you stop, I will read back what I heard. Or choose Done when "
     "you have finished.", ["Done"]),
    ("Choose all that apply, then choose Done.", ["Done"]),
    ("Choose Speak to say your answer, or Type to write it.", ["Speak", "Type"]),
    ("Choose Type to write your answer.", ["Type"]),
    ("I did not hear anything. Please speak your answer again, or choose Type instead.",
     ["Type instead"]),
    ("I did not catch that clearly. Please say it again, or choose Type instead.",
     ["Type instead"]),
    ("Check your answers. Choose a question to change its answer, or choose Finish.", ["Finish"]),
    ("To begin, choose Start the questions.", ["Start the questions"]),
    ("Nothing is ticked. Tick one or more choices, or choose Skip.", ["Skip"]),
    ("Your answer is empty. Type your answer, or choose Cancel.", ["Cancel"]),
    ("Choose Yes or No.", ["Yes", "No"]),
    ("Back goes to the previous step. Repeat says the screen again. Skip moves on without "
     "answering. Settings changes the text size, the colours, the speech speed and the volume. "
     "With keys: arrows or Tab move, Enter chooses, Escape goes back, F1 or the question mark is "
     "help, plus and minus change the volume.", ["Back", "Repeat", "Skip", "Settings"]),
]


def placeholders(text: str) -> Counter[str]:
    """The {names} in a str.format template, with how often each occurs."""
    return Counter(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture(scope="module")
def messages() -> list[str]:
    return extract_messages()


def spoken_command_messages() -> set[str]:
    """Messages the session turns into voice words: in voice_words=... and in _number_words."""
    package = Path(kiosk.core.session.__file__).parent
    found: set[str] = set()

    def collect(node: ast.AST) -> None:
        for sub in ast.walk(node):
            if not (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute)
                    and sub.func.attr == "_" and sub.args):
                continue
            arg = sub.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)

    for path in sorted(package.glob("*.py")):  # the machine and its views
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "voice_words":
                collect(node.value)
            elif isinstance(node, ast.FunctionDef) and node.name == "_number_words":
                collect(node)
    return found


def test_messages_are_found(messages: list[str]) -> None:
    assert len(messages) > 100
    assert "Back" in messages and "back" in messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_parses_with_header(language: str) -> None:
    lines = po_path(language).read_text(encoding="utf-8").splitlines()
    entries = [line for line in lines if line and not line.startswith("#")]
    assert entries[0] == 'msgid ""', "the header entry comes first"
    with po_path(language).open("rb") as f:
        catalog = read_po(f)
    headers = dict(catalog.mime_headers)
    assert headers["Content-Type"].lower() == "text/plain; charset=utf-8"
    assert headers["Language"] == language
    assert str(catalog.locale) == language
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_message_is_translated(language: str, catalogs: Catalogs,
                                            messages: list[str]) -> None:
    assert catalogs.missing(language, messages) == []
    empty = [m for m in messages if not catalogs.translate(language, m).strip()]
    assert empty == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match(language: str, catalogs: Catalogs, messages: list[str]) -> None:
    with po_path(language).open("rb") as f:
        every_id = [m.id for m in read_po(f) if m.id and isinstance(m.id, str)]
    for message in dict.fromkeys([*messages, *every_id]):
        translated = catalogs.translate(language, message)
        assert placeholders(translated) == placeholders(message), (message, translated)
        translated.format(**{name: "X" for name in placeholders(message)})


def test_command_word_list_matches_the_code() -> None:
    assert spoken_command_messages() == COMMAND_WORDS


# Letters (any script) and digits, single spaces between words, and hyphens inside a word
# (Gaelic writes "a-rithist", "a h-aon"). No other punctuation, no line breaks.
SAYABLE = re.compile(r"[^\W_]+(?:-[^\W_]+)*(?: [^\W_]+(?:-[^\W_]+)*)*")


@pytest.mark.parametrize("language", LANGUAGES)
def test_command_words_are_sayable(language: str, catalogs: Catalogs) -> None:
    said: dict[str, str] = {}
    for word in sorted(COMMAND_WORDS):
        translated = catalogs.translate(language, word)
        assert SAYABLE.fullmatch(translated), (word, translated)
        assert translated == translated.lower(), (word, translated)
        assert translated not in said, f"{word!r} and {said.get(translated)!r} both {translated!r}"
        said[translated] = word


@pytest.mark.parametrize("language", LANGUAGES)
def test_sentences_name_the_buttons_on_screen(language: str, catalogs: Catalogs) -> None:
    for sentence, buttons in BUTTON_MENTIONS:
        translated = catalogs.translate(language, sentence)
        for button in buttons:
            label = catalogs.translate(language, button)
            assert label in translated, (language, button, label, translated)


def test_korean_uses_only_hangul_and_ascii(catalogs: Catalogs, messages: list[str]) -> None:
    """The Korean font (Nanum Gothic) has the Hangul syllables; keep to those and plain ASCII."""
    for message in messages:
        translated = catalogs.translate("ko", message)
        odd = [c for c in translated if not ("\uac00" <= c <= "\ud7a3" or " " <= c <= "~")]
        assert odd == [], (message, translated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_read_back_note_is_in_one_language(language: str, catalogs: Catalogs) -> None:
    def translate(message: str) -> str:
        return catalogs.translate(language, message)

    for removed in [("NAME",), ("NAME", "PHONE"), KINDS]:
        note = describe_removed(removed, translate)
        assert note and "took out" not in note and " and " not in note, note


def test_gaelic_back_button(catalogs: Catalogs) -> None:
    assert catalogs.translate("gd", "Back") == "Air ais"
