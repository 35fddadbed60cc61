"""The report as a blind or partially sighted participant gets it: a tagged PDF (PDF/UA) made
from the web report's HTML, and the report read aloud in chapters, in each language people
answered in, with a playlist and a page for staff on handing it over."""

from __future__ import annotations

import array
import math
import re
import subprocess
import wave
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from kiosk.core.pack import load_pack
from kiosk.devtools.simulate import read_pack_source, simulate
from kiosk.store.db import Store, store_in
from kiosk.store.sync import sync_to_file
from tests.support.exports import PACK, export

# Korean question texts, so that the Korean chapters can be told from the English ones.
KOREAN_PACK = PACK.replace('text = "Would you come again?"',
                           'text = { en = "Would you come again?", ko = "다시 오시겠어요?" }')


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("report-access")
    pack_file = base / "forum.toml"
    pack_file.write_text(KOREAN_PACK, encoding="utf-8")
    pack, problems = load_pack(pack_file)
    assert pack is not None, problems
    target = base / "shared.sqlite"
    for name, seed in (("a", 1), ("b", 2)):
        store = Store(store_in(base / name))
        simulate(store, pack, 40, seed, read_pack_source(pack_file))
        sync_to_file(store, target)
        store.close()
    out = base / "report"
    export(target, "report", out)
    return out


def test_the_pdf_is_tagged_with_a_title_and_a_language(report: Path) -> None:
    info = subprocess.run(["pdfinfo", str(report / "report.pdf")], capture_output=True,
                          text=True, check=True).stdout
    fields = dict(re.findall(r"^([^:]+):\s*(.*)$", info, re.M))
    assert fields["Tagged"] == "yes"
    assert fields["Title"] == "Winter forum"
    assert "A4" in fields["Page size"]
    root = PdfReader(report / "report.pdf").trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean object)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    # Declares itself PDF/UA-1 in its XMP metadata.
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


def structure(node: object, found: list[str]) -> list[str]:
    """The structure elements' types, in reading order."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, DictionaryObject):
        if "/S" in node:
            found.append(str(node["/S"]).lstrip("/"))
        kids = node.get("/K")
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        if isinstance(kids, ArrayObject):
            for kid in kids:
                structure(kid, found)
        elif kids is not None:
            structure(kids, found)
    return found


def test_the_pdf_structure_follows_the_web_report(report: Path) -> None:
    page = (report / "report.html").read_text(encoding="utf-8")
    headings = re.findall(r"<(h[1-3])>", page)
    tags = structure(PdfReader(report / "report.pdf").trailer["/Root"]["/StructTreeRoot"], [])
    assert tags[0] == "Document"
    # The same headings, in the same order and at the same levels, as the web page.
    assert [t for t in tags if re.fullmatch(r"H[1-6]", t)] == [h.upper() for h in headings]
    assert [t for t in tags if t in ("H1", "H2")][:2] == ["H1", "H2"]
    assert "P" in tags and "BlockQuote" in tags


def level(wav: Path) -> tuple[float, int]:
    """A recording's length in seconds and its loudness (RMS of 16-bit samples)."""
    with wave.open(str(wav), "rb") as handle:
        assert handle.getsampwidth() == 2
        samples = array.array("h", handle.readframes(handle.getnframes()))
        rms = math.sqrt(sum(x * x for x in samples) / max(len(samples), 1))
        return handle.getnframes() / handle.getframerate(), int(rms)


def test_the_audio_is_in_chapters_in_each_language_with_a_playlist(report: Path) -> None:
    audio = report / "report-audio"
    assert sorted(p.name for p in audio.iterdir()) == ["README.txt", "en", "ko"]
    page = (report / "report.html").read_text(encoding="utf-8")
    questions = re.findall(r"<h2>(Question \d+: .*?)</h2>", page)
    for language in ("en", "ko"):
        folder = audio / language
        wavs = sorted(folder.glob("*.wav"))
        assert [w.name for w in wavs] == [
            "01-introduction.wav",
            *[f"{n + 2:02d}-question-{n + 1}.wav" for n in range(len(questions))],
            f"{len(questions) + 2:02d}-about-this-summary.wav"]
        for wav in wavs:
            seconds, loudness = level(wav)
            assert seconds > 2 and loudness > 300, (wav, seconds, loudness)
        playlist = (folder / "report.m3u").read_text(encoding="utf-8").splitlines()
        assert playlist[0] == "#EXTM3U"
        entries = [line for line in playlist if not line.startswith("#")]
        assert entries == [w.name for w in wavs]
        titles = [line.split(",", 1)[1] for line in playlist if line.startswith("#EXTINF:")]
        if language == "en":
            assert titles[0] == "Introduction" and titles[-1] == "About this summary"
            assert titles[1:-1] == questions
        else:  # shown in the recording's language, as the chapters are said in it
            assert titles[0] == "소개" and titles[-1] == "이 요약에 대하여"
            assert "질문 3: 다시 오시겠어요?" in titles
        # Each title's length is the recording's, in whole seconds.
        lengths = [int(line.split(":", 1)[1].split(",")[0]) for line in playlist
                   if line.startswith("#EXTINF:")]
        assert lengths == [round(level(w)[0]) for w in wavs]


def test_staff_get_plain_words_on_handing_the_recordings_over(report: Path) -> None:
    text = (report / "report-audio" / "README.txt").read_text(encoding="utf-8")
    for words in ("USB stick", "phone", "CD", "report.m3u", "en/", "ko/"):
        assert words in text
    assert max(len(line) for line in text.splitlines()) <= 92


def test_a_report_written_again_leaves_no_old_chapter(report: Path, tmp_path: Path) -> None:
    """As on a USB stick that gets the report after every sync: a chapter of an older report
    with more questions would be handed over with the new one."""
    out = tmp_path / "report"
    old = out / "report-audio" / "en"
    old.mkdir(parents=True)
    (old / "report.m3u").write_text("#EXTM3U\n09-question-8.wav\n", encoding="utf-8")
    (old / "09-question-8.wav").write_bytes(b"RIFF")
    (old / "notes.txt").write_text("staff notes", encoding="utf-8")
    gone = out / "report-audio" / "pl"
    gone.mkdir()
    (gone / "report.m3u").write_text("#EXTM3U\n", encoding="utf-8")
    store = report.parent / "shared.sqlite"
    export(store, "report", out)
    assert not (old / "09-question-8.wav").exists() and (old / "notes.txt").exists()
    assert not gone.exists()
    assert (old / "report.m3u").read_text(encoding="utf-8") == \
        (report / "report-audio" / "en" / "report.m3u").read_text(encoding="utf-8")
