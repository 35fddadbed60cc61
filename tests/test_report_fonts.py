"""The PDF report draws every script the kiosk speaks, and never drops a character silently
(issue 13): a report with Korean, Gaelic and Polish answers and an emoji, made by the real
`kiosk export` in its own process, read back with pdffonts and pdftotext (poppler-utils)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kiosk.core.answers import Answer, ParticipantSession
from kiosk.ids import new_id
from kiosk.outputs.page import undrawable
from kiosk.store.db import Store, store_in
from tests.support.exports import PACK

FLAMINGO = "\U0001F9A9"  # an emoji, with the emoji presentation selector after it below
SAID = [("버스가 정말 좋아요 " + FLAMINGO + "\ufe0f", "ko"), ("버스가 너무 늦어요", "ko"),
        ("Tha am bus math, tapadh leibh", "gd"), ("autobus jest świetny, dziękuję", "pl"),
        ("autobus się spóźnia", "pl"),
        ("the bus is late", "en")]


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing; run script/setup --test")
    return found


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The report's folder and what the command wrote on stderr."""
    base = tmp_path_factory.mktemp("report-fonts")
    store = Store(store_in(base / "kiosk"))
    store.record_pack("forum", 2, "Winter forum", PACK)
    for text, language in SAID:
        pid = new_id()
        store.begin_participant(ParticipantSession(pid, "forum", 2, language,
                                                   date.today().isoformat()))
        store.save_answer(Answer(new_id(), pid, "meaning", "open", 0, text, text, "typed",
                                 language))
    store.close()
    out = base / "report"
    done = subprocess.run([sys.executable, "-m", "kiosk", "export", "--from", str(base / "kiosk"),
                           "--format", "report", "--out", str(out), "--no-audio"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out, done.stderr


def pdf_text(pdf: Path) -> str:
    return subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True, timeout=60).stdout


def test_korean_gaelic_and_polish_are_drawn_with_embedded_fonts(made: tuple[Path, str]) -> None:
    out, _ = made
    fonts = subprocess.run([tool("pdffonts"), str(out / "report.pdf")], capture_output=True,
                           text=True, check=True, timeout=60).stdout
    # Every font is embedded ("emb" yes), and one of them draws Hangul.
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts
    assert "NanumGothic" in fonts, fonts
    text = pdf_text(out / "report.pdf")
    for said in ("버스가 너무 늦어요", "Tha am bus math, tapadh leibh",
                 "autobus jest świetny, dziękuję"):
        assert said in text


def test_an_emoji_no_font_has_is_marked_and_listed_never_dropped(made: tuple[Path, str]
                                                                 ) -> None:
    out, stderr = made
    text = pdf_text(out / "report.pdf")
    page = (out / "report.html").read_text(encoding="utf-8")
    if not undrawable(FLAMINGO):
        # This machine has an emoji font: then the PDF draws it, and says nothing is missing.
        assert FLAMINGO in text and "could not draw" not in page and not stderr.strip()
        return
    # In the quote, a visible marker where the emoji was; the Korean around it is kept.
    assert "버스가 정말 좋아요 [U+1F9A9]" in text
    assert "Characters the PDF could not draw" in text
    # The HTML lists it by name (a browser may have a font for it: the quote keeps it).
    assert "Characters the PDF could not draw" in page and "FLAMINGO" in page
    assert "버스가 정말 좋아요 " + FLAMINGO in page
    # And staff are told on stderr, on one line, which character and what to do.
    lines = [line for line in stderr.splitlines() if "U+1F9A9 FLAMINGO" in line]
    assert len(lines) == 1 and "install a font" in lines[0]
    assert "HANGUL" not in stderr  # Korean is drawn, not reported


def test_invisible_characters_are_not_reported() -> None:
    """Spaces, line ends, joiners and presentation selectors need no font."""
    assert undrawable("a b\n\t\u200d\ufe0f\u00a0") == []
