"""The report filtered by --session and --pack in every part, and questions in the pack's order.

A shared store as staff have it after an event with several kiosks: two kiosks at one session
(each records the session under its own id), a third at another session, and a fourth with
another pack. The report's header must count the people the filtered export holds, name each
session once, and list questions as the pack asks them, in the PDF, the HTML, the audio's
chapters and the spreadsheet alike.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest

from kiosk.core.answers import Answer, ParticipantSession
from kiosk.core.pack import load_pack
from kiosk.devtools.simulate import read_pack_source, simulate
from kiosk.ids import new_id
from kiosk.outputs.audio import spoken_chapters
from kiosk.outputs.rows import open_store
from kiosk.outputs.summary import summarise
from kiosk.store.db import Store, store_in
from kiosk.store.sync import sync_to_file
from tests.support.exports import PACK, export

ROUNDTABLE = "Co-production Week roundtable"
LIBRARY = "Library afternoon"
OTHER_PACK = PACK.replace('id = "forum"', 'id = "later"').replace("Winter forum",
                                                                  "Spring follow-up")


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("report-filters")
    target = base / "shared.sqlite"
    for name, seed, source, session in (("a", 1, PACK, None), ("b", 2, PACK, None),
                                        ("c", 3, PACK, LIBRARY), ("d", 4, OTHER_PACK, None)):
        pack_file = base / f"{name}.toml"
        pack_file.write_text(source, encoding="utf-8")
        pack, _ = load_pack(pack_file)
        store = Store(store_in(base / name))
        simulate(store, pack, 30, seed, read_pack_source(pack_file))
        if session:
            store.close()
            conn = sqlite3.connect(store_in(base / name))
            with conn:
                conn.execute("UPDATE events SET name = ?", (session,))
            conn.close()
            store = Store(store_in(base / name))
        sync_to_file(store, target)
        store.close()
    return target


def exported_people(store: Path, tmp_path: Path, *filters: str) -> int:
    out = tmp_path / "answers.csv"
    export(store, "csv", out, *filters)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        return len({row["participant"] for row in csv.DictReader(handle)})


def header(page: str) -> list[str]:
    """The report page's paragraphs before the first question."""
    top = page.split("<h2>", 1)[0]
    return [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p>(.*?)</p>", top)]


@pytest.mark.parametrize("filters", [
    ("--session", ROUNDTABLE),
    ("--session", LIBRARY),
    ("--pack", "later"),
    ("--session", ROUNDTABLE, "--pack", "forum"),
])
def test_every_part_of_the_report_is_filtered(shared_store: Path, tmp_path: Path,
                                              filters: tuple[str, ...]) -> None:
    out = tmp_path / "report"
    export(shared_store, "report", out, *filters, "--no-audio")
    people = exported_people(shared_store, tmp_path, *filters)
    lines = header((out / "report.html").read_text(encoding="utf-8"))
    assert people > 0
    assert lines[1] == f"{people} people took part and gave " + lines[1].split(" gave ")[1]
    sessions = [line for line in lines if line.startswith((ROUNDTABLE, LIBRARY))]
    # Each session named once, and only those of the people counted.
    assert len(sessions) == len(set(sessions)) == 1, lines
    wanted = filters[1] if filters[0] == "--session" else ROUNDTABLE
    assert sessions[0].startswith(wanted)
    # The title is the title of the packs the people counted answered (both, at the
    # roundtable: the fourth kiosk was there with the other pack).
    title = "Spring follow-up" if "later" in filters else "Contributions" \
        if filters == ("--session", ROUNDTABLE) else "Winter forum"
    text = subprocess.run(["pdftotext", str(out / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert title in text and f"{people} people took part" in " ".join(text.split())
    assert " ".join(text.split()).count(wanted) == 1


def test_the_whole_store_names_each_session_once(shared_store: Path) -> None:
    conn = open_store(shared_store)
    try:
        summary = summarise(conn)
        # Four kiosks recorded a session each, under their own ids: two sessions in all.
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 4
        names = sorted(name for name, _venue, _day in summary.sessions)
        assert names == sorted([LIBRARY, ROUNDTABLE])
        assert summary.participants == conn.execute(
            "SELECT COUNT(DISTINCT participant_id) FROM current_answers").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def answered_backwards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kiosk store whose answers were stored in the reverse of the pack's order (as when
    people go back and change earlier answers): the first answer seen is the last question."""
    base = tmp_path_factory.mktemp("backwards")
    store = Store(store_in(base / "k"))
    store.record_pack("forum", 2, "Winter forum", PACK)
    event = store.start_event(ROUNDTABLE, "Serenity Café", date(2024, 5, 1))
    for i in range(6):
        person = ParticipantSession.begin("forum", 2, "en", date(2024, 5, 1), new_id=new_id,
                                          event_id=event)
        store.begin_participant(person)
        for seq, (qid, qtype, value, text) in enumerate((
                ("taking-part-as", "choice", "1", "1"),
                ("again", "yesno", i % 2 == 0, "Yes" if i % 2 == 0 else "No"),
                ("helps", "multi", ["1", "3"], "Transport paid; A quiet room"),
                ("meaning", "open", "Being listened to", "Being listened to")), 1):
            store.save_answer(Answer(new_id(), person.id, qid, qtype, seq, value, text, "tap",
                                     "en"))
    store.close()
    return store_in(base / "k")


PACK_ORDER = ["meaning", "helps", "again", "taking-part-as"]
PACK_QUESTIONS = ["What does co-production mean to you?", "What helps you take part?",
                  "Would you come again?", "Are you taking part as:"]


def test_questions_come_in_the_pack_order_everywhere(answered_backwards: Path,
                                                     tmp_path: Path) -> None:
    from openpyxl import load_workbook

    conn = open_store(answered_backwards)
    try:
        summary = summarise(conn)
        assert [q.question_id for q in summary.questions] == PACK_ORDER
        chapters = spoken_chapters(summary)
        assert [title for title, _text in chapters[1:-1]] == \
            [f"Question {n}: {q}" for n, q in enumerate(PACK_QUESTIONS, 1)]
    finally:
        conn.close()
    out = tmp_path / "report"
    export(answered_backwards, "report", out, "--no-audio")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert re.findall(r"<h2>Question \d+: (.*?)</h2>", page) == PACK_QUESTIONS
    text = " ".join(subprocess.run(["pdftotext", str(out / "report.pdf"), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    places = [text.index(f"Question {n}: {q}") for n, q in enumerate(PACK_QUESTIONS, 1)]
    assert places == sorted(places)
    book_file = tmp_path / "answers.xlsx"
    export(answered_backwards, "xlsx", book_file)
    book = load_workbook(book_file, read_only=True)
    assert book.sheetnames == ["Overview", *PACK_ORDER]
    overview = list(book["Overview"].iter_rows(values_only=True))
    assert [line[1] for line in overview[3:]] == PACK_ORDER


def test_the_store_really_was_written_backwards(answered_backwards: Path) -> None:
    with sqlite3.connect(answered_backwards) as conn:
        first = conn.execute("SELECT question_id FROM answers ORDER BY rowid LIMIT 1").fetchone()
    conn.close()
    assert first == ("taking-part-as",)
