"""The large-print page and the tagged PDF made from it, shared by the report and the
peer-group guide (`kiosk.outputs.guide`), so everything the kiosk prints for people keeps the same
clear-print rules.

Large print after RNIB's clear print guidance: a sans-serif font, bold, at least 16 point (body
18 pt), left aligned, 1.5 line spacing, no italics, no underlining, no blocks of capitals.
The PDF (PDF/UA-1) is made by WeasyPrint; characters no installed font has are never dropped
silently (`undrawable`, `marked_undrawable`).
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

BODY_PT = 18
HEADING_PT = 26
SUBHEADING_PT = 21


class ReportError(Exception):
    """A report that cannot be made, with a one-line reason and what to do."""


# HTML -----------------------------------------------------------------------------------------

_CSS = """
body { font-family: Verdana, Arial, "DejaVu Sans", sans-serif; font-size: 18pt; font-weight: bold;
       line-height: 1.5; text-align: left; max-width: 40em; margin: 1em; color: #000;
       background: #fff; font-style: normal; }
h1 { font-size: 26pt; } h2 { font-size: 21pt; margin-top: 1.5em; } h3 { font-size: 19pt; }
h1, h2, h3 { font-weight: bold; }
a { text-decoration: none; } blockquote { margin: 0 0 0.5em 1em; }
.bar { background: #000; height: 1em; display: inline-block; vertical-align: middle; }
.choice { margin: 0.5em 0; }
pre, code { font-family: inherit; font-size: inherit; white-space: pre-wrap; }
li { margin: 0.25em 0; }
@page { size: A4; margin: 20mm; }
@media print {
  body { font-family: "DejaVu Sans", "NanumGothic", sans-serif; max-width: none; margin: 0; }
  h2, h3 { break-after: avoid; }
  .choice, blockquote { break-inside: avoid; }
}
"""


def large_print_page(title: str, body: Iterable[str], language: str = "en") -> str:
    """A whole large-print HTML page: the report's head and styles around `body` (HTML parts,
    joined by new lines). Everything the kiosk prints for people is made through this, so it all
    keeps the same clear-print rules."""
    e = html.escape
    return "\n".join(["<!DOCTYPE html>", f'<html lang="{e(language)}"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width, initial-scale=1">',
                      f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
                      *body, "</body></html>"])


# Fonts ----------------------------------------------------------------------------------------

# The PDF's own fonts, named in the print CSS, as (fontconfig pattern, the Debian package's
# file, package): DejaVu Sans draws English, Gaelic and Polish, NanumGothic Korean (Hangul).
PDF_FONTS = (
    ("DejaVu Sans:bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
     "fonts-dejavu-core"),
    ("NanumGothic:bold", "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf", "fonts-nanum"),
)
# Characters that take no room of their own: nothing to draw, so no font needs them.
_NOTHING_TO_DRAW = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})
# Emoji presentation selectors and the joiner of emoji sequences: invisible, and dropped with
# the character they modify when that one is replaced by a marker.
_EMOJI_JOINERS = "\ufe0e\ufe0f\u200d"


@cache
def _cmap(path: str) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap() or {})


@lru_cache(maxsize=4096)
def _some_font_has(char: str) -> bool:
    """Whether any installed font has `char`: fontconfig's answer, the one Pango (and so
    WeasyPrint) falls back on when the PDF's own fonts lack a character."""
    if not shutil.which("fc-list"):
        return False
    try:
        found = subprocess.run(["fc-list", f":charset={ord(char):x}", "file"],
                               capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.strip())


def undrawable(text: str) -> list[str]:
    """The characters of `text` that no installed font has (so the PDF would silently leave
    them out), each once, in the order they first appear."""
    covered: set[int] = set()
    for pattern, fallback, _package in PDF_FONTS:
        path = _font_file(pattern, fallback)
        if path is not None:
            covered |= _cmap(path)
    missing: dict[str, None] = {}
    for char in dict.fromkeys(text):
        if (ord(char) in covered or unicodedata.category(char) in _NOTHING_TO_DRAW
                or char in _EMOJI_JOINERS or 0xFE00 <= ord(char) <= 0xFE0F
                or 0xE0100 <= ord(char) <= 0xE01EF):
            continue
        if not _some_font_has(char):
            missing[char] = None
    return list(missing)


def undrawn_marker(char: str) -> str:
    """What the PDF shows in place of a character no font has: visible, and findable in the
    list at the report's end."""
    return f"[U+{ord(char):04X}]"


def marked_undrawable(page: str, undrawn: Iterable[str]) -> str:
    """`page` with each undrawable character (and the invisible selectors and joiners after
    it) replaced by its marker."""
    chars = "".join(undrawn)
    if not chars:
        return page
    found = re.compile(f"([{re.escape(chars)}])[{_EMOJI_JOINERS}]*")
    return found.sub(lambda m: undrawn_marker(m.group(1)), page)


def write_tagged_pdf(page: str, out: Path) -> None:
    """A tagged, large-print A4 PDF (PDF/UA-1) of a page made by `large_print_page`, written by
    WeasyPrint with the document's structure, title and language. The caller replaces
    characters no font has (`undrawable`, `marked_undrawable`) first. Raises ReportError, one
    line, when WeasyPrint, Pango or the font is missing."""
    pdf_maker()(string=page).write_pdf(str(out), pdf_variant="pdf/ua-1", pdf_tags=True)


def pdf_maker() -> Any:
    """WeasyPrint's HTML class, once WeasyPrint, Pango and the PDF's font are known to be
    there; ReportError, one line with the fix, when one is missing."""
    # WeasyPrint and fontTools report CSS they skip and tables they leave out of font subsets;
    # nothing for staff to act on.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise ReportError(f"the PDF needs WeasyPrint and Pango ({exc}); install the "
                          "libpango-1.0-0 and libpangoft2-1.0-0 packages and run script/setup") \
            from None
    if _font_file("DejaVu Sans:bold",
                  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf") is None:
        raise ReportError("the DejaVu Sans Bold font is missing; install the fonts-dejavu-core "
                          "package")
    return HTML


def _font_file(pattern: str, fallback: str) -> str | None:
    """A font file by fontconfig pattern, else the Debian package's usual place."""
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True,
                                   text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found and Path(found).name == Path(fallback).name and Path(found).is_file():
            return found
    return fallback if Path(fallback).is_file() else None
