"""The peer-group guide (docs/peer-group-guide.md) as a large-print web page and tagged PDF, made
by the report's own page and PDF code (`kiosk.outputs.page`) so it keeps the same clear-print
rules.

No Markdown library is installed, and the guide needs little: headings, paragraphs, lists (nested
by indenting), indented command lines, `code` and **bold**. That much is converted here; any
other Markdown is shown as the text it is.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.outputs.page import (
    ReportError,
    large_print_page,
    marked_undrawable,
    undrawable,
    write_tagged_pdf,
)

MAX_GUIDE_BYTES = 1_000_000
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_ITEM = re.compile(r"^([-*+]|\d{1,9}[.)])\s+(.*)$")
_INLINE = re.compile(r"`([^`]+)`|\*\*(.+?)\*\*")


def guide_path() -> Path:
    """Where the guide is kept: docs/ beside the kiosk package."""
    return Path(__file__).resolve().parent.parent.parent / "docs" / "peer-group-guide.md"


def inline_html(text: str) -> str:
    """One line of Markdown text as HTML: `code` and **bold**; everything else escaped."""
    parts, pos = [], 0
    for match in _INLINE.finditer(text):
        parts.append(html.escape(text[pos:match.start()]))
        if match.group(1) is not None:
            parts.append(f"<code>{html.escape(match.group(1))}</code>")
        else:
            parts.append(f"<strong>{inline_html(match.group(2))}</strong>")
        pos = match.end()
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def markdown_parts(text: str) -> tuple[str, list[str]]:
    """The guide's title (its first heading) and its body as HTML parts."""
    parts: list[str] = []
    words: list[str] = []  # the paragraph, or list item, being read
    code: list[str] = []
    lists: list[tuple[int, str]] = []  # (indent, "ul" or "ol") of each open list, outermost first
    title = ""
    blank_before = True

    def end_words() -> None:
        if words:
            inner = inline_html(" ".join(words))
            parts.append(inner if lists else f"<p>{inner}</p>")
            words.clear()

    def end_code() -> None:
        while code and not code[-1].strip():
            code.pop()
        if code:
            parts.append(f"<pre>{html.escape(chr(10).join(code))}</pre>")
            code.clear()

    def end_lists(deeper_than: int = -1) -> None:
        while lists and lists[-1][0] > deeper_than:
            parts.append(f"</li></{lists.pop()[1]}>")

    for raw in text.splitlines():
        line = raw.rstrip().replace("\t", "    ")
        if not line.strip():
            end_words()
            if code:
                code.append("")
            blank_before = True
            continue
        indent = len(line) - len(line.lstrip(" "))
        stripped = line.strip()
        if indent >= 4 and (code or (blank_before and not lists)):
            end_words()
            code.append(line[4:])
            blank_before = False
            continue
        end_code()
        heading = _HEADING.match(stripped) if indent < 4 else None
        item = _ITEM.match(stripped)
        if heading:
            end_words()
            end_lists()
            level = len(heading.group(1))
            title = title or heading.group(2)
            parts.append(f"<h{level}>{inline_html(heading.group(2))}</h{level}>")
        elif item:
            end_words()
            tag = "ol" if item.group(1)[0].isdigit() else "ul"
            if lists and indent > lists[-1][0]:
                parts.append(f"<{tag}><li>")
                lists.append((indent, tag))
            else:
                end_lists(indent)
                if lists and lists[-1][0] == indent:
                    parts.append("</li><li>")
                else:
                    parts.append(f"<{tag}><li>")
                    lists.append((indent, tag))
            words.append(item.group(2))
        else:
            if lists and blank_before and indent <= lists[0][0]:
                end_lists()  # a paragraph after a list, not a continuation of its item
            words.append(stripped)
        blank_before = False
    end_words()
    end_code()
    end_lists()
    return title or "Guide", parts


def guide_page(text: str) -> str:
    """The guide's Markdown as one large-print HTML page."""
    title, parts = markdown_parts(text)
    return large_print_page(title, parts)


def write_guide(out: Path, source: Path | None = None) -> tuple[Path, Path]:
    """Write the guide as a tagged large-print PDF at `out` and its web page beside it (same
    name, .html); both replace older ones only once written. Returns (pdf, html). Raises
    ReportError, one line with the fix."""
    source = source or guide_path()
    try:
        with source.open("rb") as handle:
            raw = handle.read(MAX_GUIDE_BYTES + 1)
    except OSError as exc:
        raise ReportError(f"{source}: cannot be read ({exc.strerror}); give the guide's "
                          "Markdown file with --from") from None
    if len(raw) > MAX_GUIDE_BYTES:
        raise ReportError(f"{source}: is over {MAX_GUIDE_BYTES:,} bytes; a guide is a page or two")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise ReportError(f"{source}: is not UTF-8 text; save it as UTF-8 in your editor") \
            from None
    page = guide_page(text)
    pdf, web = out, out.with_suffix(".html")
    # Characters no font has are marked in the PDF, never dropped; the web page keeps them.
    undrawn = undrawable(page)
    _replace(pdf, lambda part: write_tagged_pdf(marked_undrawable(page, undrawn), part))
    _replace(web, lambda part: part.write_text(page, encoding="utf-8"))
    return pdf, web


def _replace(target: Path, write: Callable[[Path], object]) -> None:
    """Write `target` through a temporary file beside it, so a failure leaves the old one."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    part = Path(name)
    try:
        write(part)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)

