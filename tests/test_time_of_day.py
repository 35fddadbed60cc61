"""Attacks on when people took part (issue 13): no time of day is recoverable from a shared
store, by any join, or from any export; exports never list people in the order they took part.

Real kiosk stores synced into a real shared store file, exported by the real command."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kiosk.core.answers import Answer, ParticipantSession
from kiosk.ids import new_id
from kiosk.store.db import Store, store_in
from kiosk.store.shared import (
    SHARED_APPLICATION_ID,
    SHARED_MIGRATIONS,
    SHARED_SCHEMA_VERSION,
    open_shared_store,
)
from kiosk.store.sync import sync_to_file
from tests.support.exports import PACK, export

# "14:37", "9:05", "14h37", "1437" after a date: any way a time of day could be written.
TIME_OF_DAY = re.compile(r"\d{1,2}[:h.]\d{2}|\d{4}-\d{2}-\d{2}[ T]\d{2}")
WORDS = ["apple", "birch", "cedar", "daisy", "elder", "fern", "gorse", "hazel", "iris", "juniper",
         "kale", "larch"]


def kiosk_with_people(folder: Path, count: int) -> tuple[Path, list[str]]:
    """A kiosk store whose participants took part in the reverse order of their ids (so the
    order of taking part is as far as can be from the order of ids); returns the store and the
    ids in the order they took part. Each says "the bus helps WORD", WORD their place."""
    store = Store(store_in(folder))
    store.record_pack("forum", 2, "Winter forum", PACK)
    ids = sorted((new_id() for _ in range(count)), reverse=True)
    for place, pid in enumerate(ids):
        session = ParticipantSession(pid, "forum", 2, "en", date.today().isoformat())
        store.begin_participant(session)  # one commit each, as a live kiosk does
        for seq, (qid, qtype, value, text) in enumerate((
                ("meaning", "open", f"the bus helps {WORDS[place]}",
                 f"the bus helps {WORDS[place]}"),
                ("again", "yesno", True, "Yes"))):
            store.save_answer(Answer(new_id(), pid, qid, qtype, seq, value, text, "tap", "en"))
    store.close()
    return store_in(folder), ids


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    base = tmp_path_factory.mktemp("time-of-day")
    shared = base / "kiosk-shared.db"
    everyone: list[str] = []
    for name, count in (("a", 12), ("b", 7)):
        path, ids = kiosk_with_people(base / name, count)
        store = Store(path)
        sync_to_file(store, shared)
        store.close()
        everyone += ids
    return shared, everyone


def every_text_value(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text value of every table."""
    found = []
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        for row in conn.execute(f"SELECT * FROM {table}"):
            found += [(table, c, v) for c, v in zip(columns, row, strict=True)
                      if isinstance(v, str)]
    return found


def test_no_table_of_the_shared_store_holds_a_time_of_day(synced: tuple[Path, list[str]]
                                                          ) -> None:
    shared, _ = synced
    conn = sqlite3.connect(shared)
    values = [v for v in every_text_value(conn) if v[:2] != ("packs", "source")]
    assert values, "the shared store holds nothing to check"
    assert [v for v in values if TIME_OF_DAY.search(v[2])] == []


def test_joining_participants_to_their_sync_gives_the_date_only(synced: tuple[Path, list[str]]
                                                                ) -> None:
    shared, everyone = synced
    conn = sqlite3.connect(shared)
    joined = conn.execute("SELECT p.id, p.date, s.* FROM participants p "
                          "JOIN syncs s ON s.id = p.sync_id").fetchall()
    assert len(joined) == len(everyone)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(syncs)")]
    assert "synced_at" not in columns
    for row in joined:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[2 + columns.index("synced_on")])
        assert not any(isinstance(v, str) and TIME_OF_DAY.search(v) for v in row)


def old_shared_store(path: Path) -> None:
    """A shared store as schema 2 left it, with a sync's time of day and a participant of it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {SHARED_APPLICATION_ID}")
    for migration in SHARED_MIGRATIONS[:2]:
        migration(conn)
    conn.execute("INSERT INTO shared_store VALUES ('store1', '2024-05-01')")
    conn.execute("INSERT INTO kiosks (id, first_sync_on, last_sync_on) "
                 "VALUES ('k1', '2024-05-01', '2024-05-01')")
    conn.execute("INSERT INTO syncs (id, kiosk_id, synced_at, via, participants_added) "
                 "VALUES ('s1', 'k1', '2024-05-01 14:37', 'file', 1)")
    conn.execute("INSERT INTO participants (id, kiosk_id, pack_id, pack_version, language, "
                 "date, sync_id) VALUES ('p1', 'k1', 'forum', 2, 'en', '2024-05-01', 's1')")
    conn.execute("PRAGMA user_version = 2")
    conn.close()


def test_an_older_shared_store_loses_its_times_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "kiosk-shared.db"
    old_shared_store(path)
    conn, _ = open_shared_store(path, create=False)
    conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SHARED_SCHEMA_VERSION == 3
    assert conn.execute("SELECT s.synced_on FROM participants p JOIN syncs s "
                        "ON s.id = p.sync_id").fetchall() == [("2024-05-01",)]
    assert [v for v in every_text_value(conn) if TIME_OF_DAY.search(v[2])] == []
    # Opened again: already at schema 3, checked against the exact schema and accepted.
    conn.close()
    conn, _ = open_shared_store(path, create=False)
    conn.close()


def test_older_software_cannot_add_times_to_a_migrated_store(tmp_path: Path) -> None:
    """The migrated store is marked schema 3: software that knows 2 refuses it rather than
    writing a sync's time again."""
    path = tmp_path / "kiosk-shared.db"
    old_shared_store(path)
    conn, _ = open_shared_store(path, create=False)
    conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="synced_at"):
        conn.execute("INSERT INTO syncs (id, kiosk_id, synced_at, via) "
                     "VALUES ('s2', 'k1', '2024-05-02 09:15', 'file')")


def test_an_older_store_read_for_the_status_page_shows_no_time(tmp_path: Path) -> None:
    """Exports and the hub's status page read a store as it is, never migrating it."""
    from kiosk.outputs.status import StatusSite

    path = tmp_path / "kiosk-shared.db"
    old_shared_store(path)
    figures = StatusSite(path).figures()
    assert [k["last_sync"] for k in figures["kiosks"]] == ["2024-05-01"]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2  # left as it was


def csv_people(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(dict.fromkeys(r["participant"] for r in csv.DictReader(handle)))


def test_exports_list_people_by_id_never_in_the_order_they_took_part(
        synced: tuple[Path, list[str]], tmp_path: Path) -> None:
    shared, everyone = synced
    by_id = sorted(everyone)
    assert by_id != everyone  # the attack has an order to find

    export(shared, "csv", tmp_path / "a.csv")
    assert csv_people(tmp_path / "a.csv") == by_id

    export(shared, "json", tmp_path / "a.jsonl")
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert list(dict.fromkeys(json.loads(line)["participant"] for line in lines)) == by_id

    export(shared, "xlsx", tmp_path / "a.xlsx")
    book = load_workbook(tmp_path / "a.xlsx", read_only=True)
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(h).lower() for h in rows[0]]
        if "participant" in header:
            column = header.index("participant")
            seen = list(dict.fromkeys(r[column] for r in rows[1:] if r[column]))
            assert seen == by_id, sheet.title
    # Each person's answers still come in the pack's order.
    with open(tmp_path / "a.csv", encoding="utf-8-sig", newline="") as handle:
        first = [r["question_id"] for r in csv.DictReader(handle)][:2]
    assert first == ["meaning", "again"]


def test_the_report_quotes_by_id_not_the_first_to_take_part(
        synced: tuple[Path, list[str]], tmp_path: Path) -> None:
    """Everyone said "the bus helps ...": the quotes shown are those of the smallest ids, not
    of the first people of the day."""
    shared, _ = synced
    out = tmp_path / "report"
    export(shared, "report", out, "--no-audio")
    page = (out / "report.html").read_text(encoding="utf-8")
    quoted = re.findall(r"the bus helps (\w+)", page)
    assert quoted
    # Kiosk a's people took part in the reverse order of their ids: its last are the smallest.
    conn = sqlite3.connect(shared)
    said = {t.split()[-1]: pid for pid, t in conn.execute(
        "SELECT participant_id, text FROM answers WHERE question_id = 'meaning'")}
    assert [said[w] for w in quoted] == sorted(said.values())[:len(quoted)]


def test_the_command_line_export_needs_no_time(synced: tuple[Path, list[str]],
                                               tmp_path: Path) -> None:
    """The real command, in its own process: nothing it writes holds a time of day."""
    shared, _ = synced
    out = tmp_path / "answers.csv"
    done = subprocess.run([sys.executable, "-m", "kiosk", "export", "--from", str(shared),
                           "--format", "csv", "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not TIME_OF_DAY.search(out.read_text(encoding="utf-8-sig"))
