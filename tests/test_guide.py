"""The peer-group guide as a large-print tagged PDF, made by `kiosk packs guide` (a real process)
with the report's own page and PDF code, and read back with poppler's tools and pypdf as a
person's reader would."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.outputs.guide import guide_path, markdown_parts
from kiosk.outputs.page import BODY_PT, HEADING_PT, SUBHEADING_PT
from tests.support.paths import ROOT


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed; run script/setup --test")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("guide") / "guide.pdf"
    result = kiosk("packs", "guide", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{out}: written, with {out.with_suffix('.html')} beside it"
    return out


def headings() -> list[str]:
    return re.findall(r"^#+\s+(.*)$", guide_path().read_text(encoding="utf-8"), re.M)


def test_the_guide_pdf_is_tagged_and_says_every_heading(guide: Path) -> None:
    fields = dict(re.findall(r"^([^:]+):\s*(.*)$", poppler("pdfinfo", str(guide)), re.M))
    assert fields["Tagged"] == "yes"
    assert fields["Title"] == "Your group's own questions on the kiosk"
    assert PdfReader(guide).trailer["/Root"]["/Lang"] == "en"
    text = " ".join(poppler("pdftotext", str(guide), "-").split())
    assert len(headings()) >= 6
    for heading in headings():
        assert heading.replace("**", "") in text
    # A command line is kept whole, apart from where the page wraps it.
    assert "kiosk packs import our-questions.xlsx --out our-questions.toml" in text


def test_the_guide_is_in_the_reports_large_print(guide: Path) -> None:
    sizes: Counter[float] = Counter()

    def seen(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes[round(size * tm[3] * cm[3], 1)] += len(text.strip())

    for page in PdfReader(guide).pages:
        page.extract_text(visitor_text=seen)
    assert sizes.most_common(1)[0][0] == BODY_PT == 18
    assert set(sizes) == {BODY_PT, SUBHEADING_PT, HEADING_PT}  # nothing smaller than the body
    fonts = poppler("pdffonts", str(guide))
    assert "DejaVu-Sans-Bold" in fonts and "Oblique" not in fonts


def test_the_web_page_beside_it_has_the_same_headings_and_lists(guide: Path) -> None:
    page = guide.with_suffix(".html").read_text(encoding="utf-8")
    found = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[1-6]>(.*?)</h[1-6]>", page)]
    assert [h.replace("&#x27;", "'") for h in found] == [h.replace("**", "") for h in headings()]
    assert "font-size: 18pt" in page
    # The nested list of question kinds stays nested.
    assert re.search(r"Decide the kind of each question:\s*<ul><li>\s*<strong>open</strong>", page)


def test_markdown_parts_keep_lists_code_and_paragraphs_apart() -> None:
    title, parts = markdown_parts("# T\n\nSome *words*\nand more.\n\n- a\n  - b <x>\n- c\n\n"
                                  "Then:\n\n"
                                  "    kiosk run\n\nAfter `code` and **bold**.\n")
    assert title == "T"
    assert "\n".join(parts) == (
        "<h1>T</h1>\n<p>Some *words* and more.</p>\n<ul><li>\na\n<ul><li>\nb &lt;x&gt;\n"
        "</li></ul>\n</li><li>\nc\n</li></ul>\n<p>Then:</p>\n<pre>kiosk run</pre>\n"
        "<p>After <code>code</code> and <strong>bold</strong>.</p>")


def test_guide_mistakes_are_one_line(tmp_path: Path) -> None:
    result = kiosk("packs", "guide", "--out", str(tmp_path / "guide.pdf"), "--from",
                   str(tmp_path / "missing.md"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"{tmp_path / 'missing.md'}: cannot be read (No such "
                                          "file or directory); give the guide's Markdown file "
                                          "with --from"]
    result = kiosk("packs", "guide", "--out", str(tmp_path / "guide.docx"))
    assert result.returncode == 2 and "ending in .pdf" in result.stderr
    assert list(tmp_path.iterdir()) == []
