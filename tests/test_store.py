"""The kiosk's own store (kiosk/store/db.py), on real SQLite files, including SIGKILLed writers."""

from __future__ import annotations

import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.core.answers import Answer, AnswerValue, ParticipantSession
from kiosk.ids import new_id
from kiosk.store.db import SCHEMA_VERSION, STORE_FILE_NAME, Store, StoreError, store_in
from tests.support.paths import ROOT, SUPPORT

WRITER = SUPPORT / "store_writer.py"
TODAY = date(2024, 3, 14)


def begin(store: Store, language: str = "en") -> ParticipantSession:
    """A participant session recorded in the store."""
    session = ParticipantSession.begin("co-production", 1, language, TODAY, new_id=new_id)
    store.begin_participant(session)
    return session


def answer(session: ParticipantSession, question_id: str, seq: int, value: AnswerValue,
           question_type: str = "open", text: str | None = None) -> Answer:
    """An answer as the session would confirm it."""
    shown = text if text is not None else str(value)
    return Answer(new_id(), session.id, question_id, question_type, seq, value, shown, "typed",
                  session.language)


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store in a data folder."""
    opened = Store(store_in(tmp_path / "data"))
    yield opened
    opened.close()


# Schema and opening ------------------------------------------------------------------------------

def test_store_in_names_the_file_in_the_data_folder(tmp_path: Path) -> None:
    assert store_in(tmp_path) == tmp_path / STORE_FILE_NAME == tmp_path / "kiosk.sqlite"


def test_schema_is_created_and_migrations_are_safe_to_repeat(tmp_path: Path) -> None:
    path = store_in(tmp_path / "new-folder")
    first = Store(path)
    kiosk_id = first.kiosk_id
    session = begin(first)
    first.save_answer(answer(session, "meaning", 1, "Sharing power"))
    first.close()

    second = Store(path)  # opening again must not re-run migration 1 (CREATE TABLE would fail)
    assert second.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert second.kiosk_id == kiosk_id
    assert [a.text for a in second.current_answers(session.id)] == ["Sharing power"]
    names = {r[0] for r in second.conn.execute("SELECT name FROM sqlite_master")}
    assert {"kiosk", "packs", "events", "participants", "answers", "current_answers"} <= names
    assert second.conn.execute("SELECT COUNT(*) FROM kiosk").fetchone()[0] == 1
    assert second.integrity_ok()
    second.close()


def test_journal_is_wal_and_commits_are_fully_synchronous(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_store_from_a_newer_kiosk_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert f"schema {SCHEMA_VERSION + 1}" in message
    assert "update the kiosk software" in message
    # Refused before anything was written into it.
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()


def test_a_file_that_is_not_sqlite_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite"
    original = b"these are my meeting notes, not a database\n" * 200
    path.write_bytes(original)
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert "not a kiosk store" in message
    assert "move the file aside or choose another data folder" in message
    assert path.read_bytes() == original  # never a silent change


def test_another_programs_database_is_refused_not_written_into(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('A Person', '0131 496 0000')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "not a kiosk store" in message
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert tables == {"contacts"}


# Answers -----------------------------------------------------------------------------------------

def test_a_later_answer_replaces_the_earlier_one_and_the_history_is_kept(store: Store) -> None:
    session = begin(store)
    store.save_answer(answer(session, "meaning", 1, "first thought"))
    store.save_answer(answer(session, "power", 2, "who decides"))
    store.save_answer(answer(session, "meaning", 3, "second thought"))
    current = store.current_answers(session.id)
    assert [(a.question_id, a.value, a.seq) for a in current] == [
        ("power", "who decides", 2), ("meaning", "second thought", 3)]
    # Append-only: the replaced answer is still in the answers table.
    rows = store.conn.execute("SELECT COUNT(*) FROM answers WHERE participant_id = ?",
                              (session.id,)).fetchone()[0]
    assert rows == 3


def test_a_cleared_answer_hides_the_question(store: Store) -> None:
    session = begin(store)
    store.save_answer(answer(session, "heard", 1, "3", "scale"))
    store.save_answer(answer(session, "meaning", 2, "listening"))
    store.save_answer(answer(session, "heard", 3, None, "scale", text=""))
    assert [a.question_id for a in store.current_answers(session.id)] == ["meaning"]
    assert store.counts().answers == 1
    # Answering again after clearing brings it back.
    store.save_answer(answer(session, "heard", 4, "5", "scale"))
    assert [(a.question_id, a.value) for a in store.current_answers(session.id)] == [
        ("meaning", "listening"), ("heard", "5")]


def test_values_round_trip_with_their_types(store: Store) -> None:
    session = begin(store, "ko")
    store.save_answer(answer(session, "barriers", 1, ("transport", "money"), "multi",
                             text="Transport, Money"))
    store.save_answer(answer(session, "again", 2, True, "yesno", text="Yes"))
    store.save_answer(answer(session, "later", 3, False, "yesno", text="No"))
    store.save_answer(answer(session, "meaning", 4, "서로의 말을 잘 듣는 것입니다."))
    store.save_answer(answer(session, "number-like", 5, "123"))
    store.save_answer(answer(session, "role", 6, "unpaid-carer", "choice"))
    values = {a.question_id: a.value for a in store.current_answers(session.id)}
    assert values == {
        "barriers": ("transport", "money"), "again": True, "later": False,
        "meaning": "서로의 말을 잘 듣는 것입니다.", "number-like": "123", "role": "unpaid-carer"}
    assert isinstance(values["barriers"], tuple)
    assert values["again"] is True and values["later"] is False
    # Non-ASCII text is kept as text, readable by staff opening the file with other tools.
    raw = store.conn.execute("SELECT value FROM answers WHERE question_id = 'meaning'").fetchone()
    assert raw[0] == '"서로의 말을 잘 듣는 것입니다."'


def test_withdraw_deletes_answers_and_keeps_a_tombstone(store: Store) -> None:
    staying, leaving = begin(store), begin(store)
    for seq, qid in enumerate(["meaning", "power", "meaning"], start=1):
        store.save_answer(answer(staying, qid, seq, f"kept {seq}"))
        store.save_answer(answer(leaving, qid, seq, f"withdrawn {seq}"))
    assert store.counts().participants == 2

    removed = store.withdraw(leaving.id)
    assert removed == 3  # every answer row, not only the current ones
    assert store.current_answers(leaving.id) == []
    assert store.conn.execute("SELECT COUNT(*) FROM answers WHERE participant_id = ?",
                              (leaving.id,)).fetchone()[0] == 0
    row = store.conn.execute("SELECT withdrawn FROM participants WHERE id = ?",
                             (leaving.id,)).fetchone()
    assert row == (1,)
    assert [a.text for a in store.current_answers(staying.id)] == ["kept 2", "kept 3"]
    # Nothing withdrawn is left anywhere in the file's tables.
    texts = [r[0] for r in store.conn.execute("SELECT text FROM answers")]
    assert not any("withdrawn" in t for t in texts)


def test_counts(store: Store) -> None:
    assert (store.counts().participants, store.counts().answers, store.counts().withdrawn) == (
        0, 0, 0)
    a, b, c = begin(store), begin(store), begin(store)
    store.save_answer(answer(a, "meaning", 1, "x"))
    store.save_answer(answer(a, "meaning", 2, "y"))  # replaces, still one answer
    store.save_answer(answer(a, "power", 3, "z"))
    store.save_answer(answer(b, "meaning", 1, "w"))
    store.save_answer(answer(c, "meaning", 1, "v"))
    store.withdraw(c.id)
    counts = store.counts()
    assert (counts.participants, counts.answers, counts.withdrawn) == (2, 3, 1)


def test_save_many_writes_sessions_and_answers_in_one_go(store: Store) -> None:
    sessions = [ParticipantSession.begin("co-production", 1, "en", TODAY, new_id=new_id)
                for _ in range(50)]
    answers = [answer(s, q, i + 1, f"{q} {n}") for n, s in enumerate(sessions)
               for i, q in enumerate(["meaning", "power"])]
    store.save_many(sessions, answers)
    counts = store.counts()
    assert (counts.participants, counts.answers) == (50, 100)
    # Atomic: a bad answer (a seq used twice by one participant) leaves nothing half-written.
    extra = ParticipantSession.begin("co-production", 1, "en", TODAY, new_id=new_id)
    clash = [answer(extra, "meaning", 1, "a"), answer(extra, "power", 1, "b")]
    with pytest.raises(sqlite3.IntegrityError):
        store.save_many([extra], clash)
    assert store.conn.execute("SELECT COUNT(*) FROM participants WHERE id = ?",
                              (extra.id,)).fetchone()[0] == 0
    assert store.counts().answers == 100


def test_events_and_packs(store: Store) -> None:
    event_id = store.start_event("Winter forum", "Leith Library", TODAY)
    assert store.event(event_id) == {"id": event_id, "name": "Winter forum",
                                     "venue": "Leith Library", "date": "2024-03-14"}
    assert store.event("no-such-event") is None
    store.record_pack("co-production", 1, "Self management", "[pack]\nid = 'a'\n")
    store.record_pack("co-production", 1, "Self management", "[pack]\nid = 'b'\n")  # replaced
    store.record_pack("co-production", 2, "Self management", "[pack]\nid = 'c'\n")
    rows = store.conn.execute("SELECT id, version, source, sha256 FROM packs ORDER BY version")
    packs = rows.fetchall()
    assert [(p[0], p[1], p[2]) for p in packs] == [
        ("co-production", 1, "[pack]\nid = 'b'\n"), ("co-production", 2, "[pack]\nid = 'c'\n")]
    assert all(re.fullmatch(r"[0-9a-f]{64}", p[3]) for p in packs)


# Anonymity ---------------------------------------------------------------------------------------

_TIME_NAME = re.compile(r"time|stamp|hour|minute|second|_at$|^at$|clock|when", re.IGNORECASE)
_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}|T\d{2}|\d{2}h\d{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_no_column_stores_a_time_of_day(store: Store) -> None:
    event_id = store.start_event("Forum", "Hall", date.today())
    store.record_pack("co-production", 1, "Title", "[pack]")
    for _ in range(3):
        session = ParticipantSession.begin("co-production", 1, "gd", date.today(), event_id,
                                           new_id=new_id)
        store.begin_participant(session)
        store.save_answer(answer(session, "meaning", 1, "text"))
        store.save_answer(answer(session, "barriers", 2, ("money",), "multi"))
        store.save_answer(answer(session, "again", 3, True, "yesno"))
    store.withdraw(session.id)

    tables = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")]
    checked = 0
    for table in tables:
        columns = store.conn.execute(f"PRAGMA table_info({table})").fetchall()
        for _cid, name, declared, *_rest in columns:
            assert not _TIME_NAME.search(name), f"{table}.{name} looks like a time column"
            assert not re.search(r"time|date", declared, re.IGNORECASE), (
                f"{table}.{name} is declared {declared}")
            for (value,) in store.conn.execute(f"SELECT {name} FROM {table}"):
                checked += 1
                if isinstance(value, str):
                    assert not _TIME_OF_DAY.search(value), f"{table}.{name} holds {value!r}"
                    if _DATE.search(value):
                        # A date is a bare date: never with a time after it.
                        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (table, name, value)
                elif isinstance(value, (int, float)):
                    # Epoch seconds or milliseconds would be above a billion.
                    assert abs(value) < 1_000_000_000, f"{table}.{name} holds {value}"
    assert checked > 50
    dates = [r[0] for r in store.conn.execute(
        "SELECT date FROM participants UNION ALL SELECT date FROM events "
        "UNION ALL SELECT created_on FROM kiosk")]
    assert dates and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)


def test_ids_are_random_hex_not_sequential(store: Store) -> None:
    sessions = [begin(store) for _ in range(20)]
    for s in sessions:
        store.save_answer(answer(s, "meaning", 1, "x"))
    ids = [s.id for s in sessions]
    ids += [r[0] for r in store.conn.execute("SELECT id FROM answers ORDER BY rowid")]
    ids.append(store.kiosk_id)
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    participant_ids = [s.id for s in sessions]
    # Made in this order, yet neither sorted nor sharing a prefix (as a time-based id would).
    assert participant_ids != sorted(participant_ids)
    assert len({i[:4] for i in participant_ids}) > 10
    numbers = [int(i, 16) for i in participant_ids]
    steps = {b - a for a, b in zip(numbers, numbers[1:], strict=False)}
    assert len(steps) == len(numbers) - 1  # no constant step


# Reliability -------------------------------------------------------------------------------------

def test_sigkill_at_random_moments_loses_no_confirmed_answer(tmp_path: Path) -> None:
    """A writer process reports each answer after its commit and is SIGKILLed at random moments:
    every reported answer must be in the store, and the file must pass SQLite's integrity check."""
    path = store_in(tmp_path / "data")
    Store(path).close()
    rng = random.Random()
    kills = confirmed_total = lost_total = 0
    deadline = time.monotonic() + 40
    while kills < 30 and time.monotonic() < deadline:
        participant_id = new_id()
        child = subprocess.Popen([sys.executable, str(WRITER), str(path), participant_id],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                                 text=True)
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first == "ready\n", child.stderr.read() if child.stderr else first
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        # Read through the same file object as readline() above: communicate() would read the
        # raw pipe and miss lines readline() had already buffered.
        out = child.stdout.read()
        err = child.stderr.read() if child.stderr else ""
        child.stdout.close()
        if child.stderr:
            child.stderr.close()
        assert child.returncode == -signal.SIGKILL, err
        # Only complete lines were confirmed: a partial last line was cut by the kill.
        confirmed = {int(line) for line in out.split("\n")[:-1] if line}
        kills += 1

        store = Store(path)  # reopening recovers from the WAL the killed writer left
        assert store.integrity_ok()
        saved = {r[0] for r in store.conn.execute(
            "SELECT seq FROM answers WHERE participant_id = ?", (participant_id,))}
        current = {a.seq for a in store.current_answers(participant_id)}
        store.close()
        lost = confirmed - saved
        lost_total += len(lost)
        confirmed_total += len(confirmed)
        assert not lost, f"kill {kills}: confirmed answers lost: {sorted(lost)}"
        assert confirmed <= current
        # At most the one answer committed but not yet reported can be extra.
        assert len(saved - confirmed) <= 1
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    print(f"\nreliability: {kills} kills, {confirmed_total} answers confirmed, "
          f"{lost_total} lost")
    assert kills >= 30
    assert confirmed_total > kills  # the kills landed while answers were being written
