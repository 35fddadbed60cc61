"""Spreadsheet formula injection (issue 13, item 6), tried as an attacker would: typed answers,
a question and a session name that a spreadsheet program would run as formulas. In CSV they
come out with a ' in front, in XLSX as text cells, never formulas; JSON Lines keeps them exact."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from kiosk.core.answers import Answer, ParticipantSession
from kiosk.core.pack import load_pack
from kiosk.core.redact import scrubber_version
from kiosk.devtools.simulate import read_pack_source, simulate
from kiosk.ids import new_id
from kiosk.outputs.export import FORMULA_STARTS, neutral
from kiosk.store.db import Store, store_in
from kiosk.store.sync import sync_to_file
from tests.support.exports import assert_csv_module_bytes, export

ATTACKS = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
           "\t=1+1", "\r=1+1", "=1+1", "-", "+"]
ORDINARY = ["well - it was fine", "a = b, they said", "'quoted already", "Yes @ 3pm"]
EVENT = '=HYPERLINK("http://x","Community hall")'
QUESTION = "@What does co-production mean to you?"

PACK = f"""
[pack]
id = "forum"
title = "=Winter forum"
languages = ["en"]
version = 1

[[question]]
id = "meaning"
type = "open"
text = "{QUESTION}"

[[question]]
id = "again"
type = "yesno"
text = "Would you come again?"
"""


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A kiosk store (simulated participants, then one typed answer per attack and ordinary
    text, in a session with a hostile name) and the shared store it synced into."""
    base = tmp_path_factory.mktemp("injection")
    pack_file = base / "forum.toml"
    pack_file.write_text(PACK, encoding="utf-8")
    pack, problems = load_pack(pack_file)
    assert pack is not None, problems
    kiosk = store_in(base / "kiosk")
    store = Store(kiosk)
    simulate(store, pack, 6, 1, read_pack_source(pack_file))
    event_id = store.start_event(EVENT, "+Main street", date.today())
    for text in ATTACKS + ORDINARY:
        person = ParticipantSession.begin(pack.id, pack.version, "en", date.today(), event_id,
                                          new_id=new_id)
        store.begin_participant(person)
        store.save_answer(Answer(new_id(), person.id, "meaning", "open", 1, text, text,
                                 "typed", "en", scrubber_version()))
    shared = base / "shared.sqlite"
    sync_to_file(store, shared)
    store.close()
    return kiosk, shared


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("which", ["kiosk", "shared"])
def test_csv_cells_that_would_be_formulas_get_a_quote_in_front(
        stores: tuple[Path, Path], tmp_path: Path, which: str) -> None:
    source = stores[0] if which == "kiosk" else stores[1]
    out = tmp_path / "answers.csv"
    export(source, "csv", out)
    table = read_csv(out)
    header, lines = table[0], table[1:]
    assert len(lines) > len(ATTACKS + ORDINARY)
    for line in lines:
        for cell in line:
            assert not cell or cell[0] not in FORMULA_STARTS, (cell, line)
    answers = [line[header.index("answer")] for line in lines]
    for text in ATTACKS:
        assert "'" + text in answers, text
    for text in ORDINARY:
        assert text in answers, text  # unchanged: only the first character counts
    sessions = {line[header.index("session")] for line in lines}
    assert "'" + EVENT in sessions
    assert "'" + QUESTION in {line[header.index("question")] for line in lines}


def test_the_fast_csv_path_writes_what_the_csv_module_makes_of_neutral_cells(
        stores: tuple[Path, Path], tmp_path: Path) -> None:
    assert_csv_module_bytes(stores[1], tmp_path)


def test_raw_text_flag_writes_csv_text_as_stored(stores: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    out = tmp_path / "raw.csv"
    export(stores[1], "csv", out, "--raw-text")
    table = read_csv(out)
    answers = {line[table[0].index("answer")] for line in table[1:]}
    assert answers >= set(ATTACKS + ORDINARY)
    assert EVENT in {line[table[0].index("session")] for line in table[1:]}


def test_xlsx_has_no_formula_and_keeps_the_text_exact(stores: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "answers.xlsx"
    export(stores[1], "xlsx", out)
    book = load_workbook(out)  # not read-only: cells keep their data type
    texts: set[str] = set()
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    # Without lxml, openpyxl writes a carriage return unescaped and XML reads it back as a line
    # feed: the one change to a text in XLSX, and not a formula either way. With lxml it is kept.
    def found(text: str, among: set[str]) -> bool:
        return text in among or text.replace("\r", "\n") in among

    assert all(found(t, texts) for t in [*ATTACKS, *ORDINARY, EVENT, QUESTION])
    answers = {r[1] for r in book["meaning"].iter_rows(min_row=3, values_only=True)}
    assert all(found(t, answers) for t in ATTACKS)


def test_json_lines_keep_the_text_exact(stores: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "answers.jsonl"
    export(stores[1], "json", out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["answer"] for line in lines} >= set(ATTACKS + ORDINARY)
    assert {line["value"] for line in lines if line["question_id"] == "meaning"} \
        >= set(ATTACKS + ORDINARY)
    assert EVENT in {line["session"] for line in lines}
    assert QUESTION in {line["question"] for line in lines}


def test_neutral_looks_only_at_the_first_character() -> None:
    assert [neutral(t) for t in ATTACKS] == ["'" + t for t in ATTACKS]
    assert [neutral(t) for t in ORDINARY] == ORDINARY
    assert neutral("") == ""
