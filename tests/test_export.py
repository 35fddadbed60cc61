"""Exports read back by real readers: csv, openpyxl, JSON, pdftotext/pdftoppm, and the report."""

from __future__ import annotations

import csv
import gc
import io
import json
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from kiosk.commands.export import command as export_command
from kiosk.core.answers import Answer, ParticipantSession
from kiosk.core.pack import load_pack
from kiosk.devtools.simulate import read_pack_source, simulate
from kiosk.ids import new_id
from kiosk.outputs.export import csv_field
from kiosk.outputs.rows import open_store
from kiosk.outputs.summary import group_lines, summarise
from kiosk.store.db import Store, store_in
from kiosk.store.sync import sync_to_file
from tests.support.exports import PACK, assert_csv_module_bytes, export


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("export")
    pack_file = base / "forum.toml"
    pack_file.write_text(PACK, encoding="utf-8")
    pack, _ = load_pack(pack_file)
    target = base / "shared.sqlite"
    for name, seed in (("a", 1), ("b", 2)):
        store = Store(store_in(base / name))
        simulate(store, pack, 80, seed, read_pack_source(pack_file))
        sync_to_file(store, target)
        store.close()
    return target


def kept(source: Path) -> list[tuple[str, ...]]:
    """The kept answers in the order exports give them: by participant id (never the order
    people took part), each person's in the order asked."""
    conn = sqlite3.connect(source)
    return conn.execute("SELECT c.participant_id, c.question_id, c.value, c.text "
                        "FROM current_answers c ORDER BY c.participant_id, c.seq").fetchall()


def test_csv_has_a_bom_and_one_row_per_kept_answer(shared_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "answers.csv"
    export(shared_store, "csv", out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = kept(shared_store)
    assert len(rows) == len(expected) > 100
    assert list(rows[0]) == ["participant", "pack", "question_id", "question", "answer",
                             "method", "language", "session", "date"]
    for row, (pid, qid, value, text) in zip(rows, expected, strict=True):
        assert (row["participant"], row["question_id"]) == (pid, qid)
        assert row["method"] in ("voice", "tap", "typed")
        assert row["pack"] == "forum v2" and row["session"] and len(row["date"]) == 10
        if qid == "meaning":
            assert row["answer"] == text
        elif qid == "helps":
            labels = {"1": "Transport paid", "2": "Large print papers", "3": "A quiet room"}
            assert row["answer"] == "; ".join(labels[v] for v in json.loads(value))
        elif qid == "again":
            assert row["answer"] == ("Yes" if json.loads(value) else "No")
    assert {r["question"] for r in rows} >= {"Would you come again?", "What helps you take part?"}


def test_csv_export_is_the_same_as_csv_writer_row_by_row(shared_store: Path,
                                                          tmp_path: Path) -> None:
    """The fast CSV path writes exactly what the csv module makes of rows(), row by row."""
    assert_csv_module_bytes(shared_store, tmp_path)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(), st.sampled_from(['"', ",", "\r", "\n", "\r\n", '""', " "]),
                          st.none(), st.integers(), st.floats(allow_nan=False)),
                min_size=9, max_size=9))
def test_csv_fields_are_quoted_as_the_csv_module_quotes_them(row: list[object]) -> None:
    plain = io.StringIO()
    csv.writer(plain).writerow(row)
    assert ",".join(map(csv_field, row)) + "\r\n" == plain.getvalue()


def test_csv_export_of_awkward_text_reads_back_as_stored(shared_store: Path,
                                                         tmp_path: Path) -> None:
    """Commas, quotes and line breaks in answers and session names, and a session filter:
    the same bytes as the csv module, the same rows in the same order as the whole export."""
    store = tmp_path / "awkward.sqlite"
    store.write_bytes(shared_store.read_bytes())
    awkward = ['She said "no", then\nyes', "a,b", '"', "line\r\nbreak", "  spaced  ", ""]
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE events SET name = 'Hall, \"north\" side' WHERE rowid = 1")
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM current_answers WHERE question_type = 'open' LIMIT ?",
            (len(awkward),))]
        for answer_id, text in zip(ids, awkward, strict=True):
            conn.execute("UPDATE answers SET text = ?, value = ? WHERE id = ?",
                         (text, json.dumps(text), answer_id))
        event_id = conn.execute("SELECT id FROM events WHERE rowid = 1").fetchone()[0]
    conn.close()
    assert_csv_module_bytes(store, tmp_path)
    whole, part = tmp_path / "whole.csv", tmp_path / "part.csv"
    export(store, "csv", whole)
    export(store, "csv", part, "--session", event_id)
    with open(whole, encoding="utf-8-sig", newline="") as handle:
        every = list(csv.DictReader(handle))
    with open(part, encoding="utf-8-sig", newline="") as handle:
        some = list(csv.DictReader(handle))
    assert {row["answer"] for row in every} >= set(awkward)
    assert some == [row for row in every if row["session"] == 'Hall, "north" side'] != []


def test_session_filter_and_json_lines(shared_store: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(shared_store)
    event_id, name = conn.execute("SELECT id, name FROM events LIMIT 1").fetchone()
    expected = conn.execute("SELECT COUNT(*) FROM current_answers a JOIN participants p ON "
                            "p.id = a.participant_id WHERE p.event_id = ?",
                            (event_id,)).fetchone()[0]
    out = tmp_path / "answers.jsonl"
    export(shared_store, "json", out, "--session", event_id)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == expected and all(line["session"] == name for line in lines)
    result = CliRunner().invoke(export_command, ["--from", str(shared_store), "--format", "csv",
                                                 "--out", str(tmp_path / "x.csv"),
                                                 "--session", "No such day"])
    assert result.exit_code == 1 and "no such session" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_xlsx_has_an_overview_and_a_sheet_per_question(shared_store: Path,
                                                       tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "answers.xlsx"
    export(shared_store, "xlsx", out)
    book = load_workbook(out, read_only=True)
    assert book.sheetnames[0] == "Overview"
    assert set(book.sheetnames[1:]) == {"meaning", "helps", "again", "taking-part-as"}
    overview = list(book["Overview"].iter_rows(values_only=True))
    assert overview[0] == ("Answers kept", len(kept(shared_store)))
    again = list(book["again"].iter_rows(values_only=True))
    assert again[0][0] == "Would you come again?"
    assert {r[1] for r in again[2:]} <= {"Yes", "No"}


def test_report_pdf_html_and_audio(shared_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    export(shared_store, "report", out)
    text = subprocess.run(["pdftotext", str(out / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Winter forum" in text and "What people told us" in text
    assert "Would you come again?" in text and "mentioned in" in text
    assert "By how people were taking part" in text
    # The numbers are there as text as well as bars.
    assert "%)" in text
    fonts = subprocess.run(["pdffonts", str(out / "report.pdf")], capture_output=True,
                           text=True, check=True).stdout
    assert "DejaVu-Sans-Bold" in fonts and "Oblique" not in fonts
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1",
                    str(out / "report.pdf"), str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page-1.png")
    assert page.width > 250 and page.getextrema() != ((255, 255), (255, 255), (255, 255))
    page_html = (out / "report.html").read_text(encoding="utf-8")
    assert "font-size: 18pt" in page_html and "line-height: 1.5" in page_html
    assert "<i>" not in page_html and "<u>" not in page_html and "italic" not in page_html
    assert (out / "report-audio" / "en" / "01-introduction.wav").read_bytes()[:4] == b"RIFF"


def test_small_groups_are_hidden_in_breakdowns(tmp_path: Path) -> None:
    pack_file = tmp_path / "forum.toml"
    pack_file.write_text(PACK, encoding="utf-8")
    store = Store(store_in(tmp_path / "k"))
    store.record_pack("forum", 2, "Winter forum", PACK)
    groups = ["1"] * 4 + ["2"] * 1  # four with lived experience, one unpaid carer
    for i, group in enumerate(groups):
        person = ParticipantSession.begin("forum", 2, "en", date(2024, 5, 1), new_id=new_id)
        store.begin_participant(person)
        for seq, (qid, qtype, value, text) in enumerate((
                ("taking-part-as", "choice", group, group),
                ("again", "yesno", i % 2 == 0, "Yes" if i % 2 == 0 else "No")), 1):
            store.save_answer(Answer(new_id(), person.id, qid, qtype, seq, value, text, "tap",
                                     "en"))
    store.close()
    conn = open_store(store_in(tmp_path / "k"))
    summary = summarise(conn, min_group=3)
    again = next(q for q in summary.questions if q.question_id == "again")
    lines = group_lines(summary, again)
    assert any(line.startswith("Someone with lived experience") for line in lines)
    assert not any("unpaid carer" in line for line in lines)
    assert any("fewer than 3 people not shown" in line for line in lines)
    # Within the shown group, 2 of 4 said yes: below 3, so hidden too.
    assert "fewer than 3" in lines[0]
    out = tmp_path / "report"
    export(store_in(tmp_path / "k"), "report", out)
    text = subprocess.run(["pdftotext", str(out / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "fewer than 3 people not shown" in " ".join(text.split())


def test_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.sqlite").write_text("hello")
    result = CliRunner().invoke(export_command, ["--from", str(tmp_path / "x.sqlite"),
                                                 "--format", "csv", "--out",
                                                 str(tmp_path / "o.csv")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("edit, said", [
    ("UPDATE answers SET value = 'not json' WHERE question_id = 'again'",
     "its value is not JSON ('not json')"),
    ("UPDATE answers SET text = x'00ff' WHERE question_id = 'meaning'",
     "its text is bytes, not text"),
])
@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "report"])
def test_an_answer_edited_by_hand_is_named_in_one_line(shared_store: Path, tmp_path: Path,
                                                      fmt: str, edit: str, said: str) -> None:
    store = tmp_path / "edited.sqlite"
    store.write_bytes(shared_store.read_bytes())
    with sqlite3.connect(store) as conn:
        conn.execute(edit)
    conn.close()
    out = tmp_path / ("report" if fmt == "report" else f"answers.{fmt}")
    result = CliRunner().invoke(export_command, ["--from", str(store), "--format", fmt,
                                                 "--out", str(out)])
    code, output = result.exit_code, result.output
    del result  # (it holds the error's frames, and so the half-made export)
    gc.collect()  # half-written sheets left to the garbage collector would fail the test here
    assert code == 1 and "Traceback" not in output, output
    assert len(output.strip().splitlines()) == 1
    assert "participant " in output and said in output
    assert "correct or delete that answer" in output
    assert not out.exists() or fmt == "report" and not list(out.iterdir())
