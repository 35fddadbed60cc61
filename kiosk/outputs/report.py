"""The summary report for participants and staff: large-print HTML, a tagged PDF (PDF/UA-1) made
from that HTML by WeasyPrint, and the report read aloud in chapters (one recording per question,
with a playlist) in each language answers were given in.

What it says is the summary (`kiosk.outputs.summary`, with themes from `kiosk.outputs.themes`);
the page and PDF code is `kiosk.outputs.page`, shared with the peer-group guide; the recordings
are `kiosk.outputs.audio`. This module puts them together and decides the report's files.
"""

from __future__ import annotations

import html
import sqlite3
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from kiosk.outputs.audio import base_language, pack_words, write_audio
from kiosk.outputs.page import (
    PDF_FONTS,
    ReportError,
    large_print_page,
    marked_undrawable,
    pdf_maker,
    undrawable,
    undrawn_marker,
    write_tagged_pdf,
)
from kiosk.outputs.rows import Progress
from kiosk.outputs.summary import (
    Summary,
    closing_lines,
    intro_lines,
    percent_text,
    plural_words,
    question_lines,
    summarise,
)

# HTML -----------------------------------------------------------------------------------------

def html_page(summary: Summary, undrawn: Iterable[str] = ()) -> str:
    """The report as one large-print HTML page (charts as bars with their numbers): the web
    report, and the source the PDF is made from. `undrawn`: characters the PDF could not draw
    (see `undrawable`), listed at the end so nobody takes the PDF's markers for the words."""
    e = html.escape
    parts = [f"<h1>{e(summary.title)}</h1>", "<p>What people told us</p>"]
    parts += [f"<p>{e(line)}</p>" for line in intro_lines(summary)]
    for number, q in enumerate(summary.questions, 1):
        parts.append(f"<h2>Question {number}: {e(q.question)}</h2>")
        for kind, text in question_lines(summary, q):
            if kind == "bar":
                label, count, total, largest = text.split("\t")
                n, whole = int(count), max(int(total), 1)
                share = max(1, round(60 * n / max(int(largest), 1)))
                parts.append(f'<div class="choice">{e(label)}<br><span class="bar" '
                             f'style="width:{share}%" aria-hidden="true">'
                             f"</span> {n} ({percent_text(n, whole)})</div>")
            elif kind in ("heading", "theme"):
                parts.append(f"<h3>{e(text)}</h3>")
            elif kind == "quote":
                # Said in another language: marked, so a screen reader reads it in its voice.
                language = q.quote_languages.get(text, "en")
                lang = "" if language.startswith("en") else f' lang="{e(language)}"'
                parts.append(f"<blockquote{lang}>‘{e(text)}’</blockquote>")
            else:
                parts.append(f"<p>{e(text)}</p>")
    parts.append("<h2>About this summary</h2>")
    parts += [f"<p>{e(line)}</p>" for line in closing_lines(summary)]
    undrawn = list(undrawn)
    if undrawn:
        parts.append("<h2>Characters the PDF could not draw</h2>")
        parts.append("<p>No font on the computer that made this report has these characters, "
                     "so the PDF shows a marker in their place:</p><ul>")
        parts += [f"<li>{e(ch)} ({e(unicodedata.name(ch, 'no name'))}), shown in the PDF as "
                  f"{e(undrawn_marker(ch))}</li>" for ch in undrawn]
        parts.append("</ul>")
    return large_print_page(summary.title, parts)


def write_html(summary: Summary, out: Path, undrawn: Iterable[str] = ()) -> None:
    """The report as one large-print HTML page (listing the characters the PDF could not
    draw, which a browser with other fonts may well show)."""
    out.write_text(html_page(summary, undrawn), encoding="utf-8")


def write_pdf(summary: Summary, out: Path, undrawn: Iterable[str] | None = None) -> None:
    """The report as a tagged, large-print A4 PDF (PDF/UA-1), made by WeasyPrint from the very
    HTML of the web report: headings, paragraphs and quotes are tagged as such, with the
    document's title and language, so a screen reader can move through it by heading.

    Characters no installed font has (`undrawable`, found here when `undrawn` is None) are
    never dropped silently: each is replaced by a visible marker and listed at the end."""
    pdf_maker()  # before the fonts are searched: a missing WeasyPrint is the one-line error
    if undrawn is None:
        undrawn = undrawable(html_page(summary))
    undrawn = list(undrawn)
    write_tagged_pdf(marked_undrawable(html_page(summary, undrawn), undrawn), out)


# Files ----------------------------------------------------------------------------------------

# What `--out` may name for a report: a folder, or one of the report's own files.
REPORT_SUFFIXES = (".pdf", ".html", ".htm")
# Names that are plainly some other kind of file, not a folder: refused rather than made a folder.
OTHER_FILE_SUFFIXES = frozenset({
    ".wav", ".mp3", ".ogg", ".txt", ".csv", ".json", ".jsonl", ".xlsx", ".xls", ".ods", ".odt",
    ".doc", ".docx", ".rtf", ".md", ".zip", ".sqlite", ".db", ".png", ".jpg", ".m3u",
})


def report_files(out: str | Path) -> tuple[Path, Path, Path]:
    """The PDF, the HTML page and the audio folder a report written to `out` consists of.

    `out` is a folder (they are report.pdf, report.html and report-audio/ in it), or a file
    name ending in .pdf or .html (the others are written beside it, with the same name: for
    summary.pdf, summary.html and summary-audio/).
    Raises ReportError with a one-line hint for anything else that names a file.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix in REPORT_SUFFIXES:
        if out.is_dir():
            raise ReportError(f"{out}: is a folder; give another name, such as "
                              f"{out.with_name(out.stem + '-report' + out.suffix)}")
        pdf = out if suffix == ".pdf" else out.with_suffix(".pdf")
        page = out if suffix != ".pdf" else out.with_suffix(".html")
        return pdf, page, out.with_name(f"{out.stem}-audio")
    if suffix in OTHER_FILE_SUFFIXES and not out.is_dir():
        raise ReportError(f"{out}: a report is a PDF, an HTML page and a folder of recordings; "
                          f"give a folder, or a name ending in .pdf or .html, such as "
                          f"{out.with_suffix('.pdf')}")
    return out / "report.pdf", out / "report.html", out / "report-audio"


def write_report(conn: sqlite3.Connection, out: Path, progress: Progress | None = None,
                 session: str | None = None, pack: str | None = None, min_group: int = 3,
                 audio: bool = True) -> int:
    """Write the report's PDF, HTML and audio (see `report_files`); returns answers.

    The audio is made in each language answers were given in (English when there are none).
    """
    pdf, page, sound = report_files(out)
    summary = summarise(conn, session=session, pack=pack, min_group=min_group,
                        progress=progress)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    undrawn = undrawable(html_page(summary))
    write_pdf(summary, pdf, undrawn)
    write_html(summary, page, undrawn)
    if undrawn:
        listed = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'no name')}"
                           for ch in undrawn)
        hangul = any(unicodedata.name(ch, "").startswith("HANGUL") for ch in undrawn)
        korean = f" (for Korean, the {PDF_FONTS[1][2]} package)" if hangul else ""
        some = plural_words(len(undrawn), "character", "characters")
        print(f"{pdf}: no installed font has {some}"
              f" of the report ({listed}); the PDF shows [U+...] markers in their place and "
              f"lists them at its end, as {page.name} does; install a font that has them to "
              f"draw them{korean}", file=sys.stderr)
    if audio:
        languages = sorted({base_language(lang) for lang in summary.languages}) or ["en"]
        write_audio(summary, sound, {lang: pack_words(conn, lang) for lang in languages})
    return summary.answers
