"""Sync into a shared store: exactly once, atomic under SIGKILL, withdrawals, hostile files."""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.commands.sync import command as sync_command
from kiosk.core.answers import Answer, ParticipantSession
from kiosk.core.pack import default_pack_path, load_pack
from kiosk.core.redact import redact, scrubber_version
from kiosk.devtools.simulate import simulate
from kiosk.ids import new_id
from kiosk.store import db as db_module
from kiosk.store import shared
from kiosk.store.db import Store, store_in
from kiosk.store.shared import SharedStoreError, network_filesystem, open_shared_store
from kiosk.store.sync import (
    MAX_ANSWER_TEXT,
    AnswerRow,
    Batch,
    BatchResult,
    DestinationState,
    KioskMark,
    SharedFile,
    SyncError,
    sync,
    sync_to_file,
    validate_batch,
)
from kiosk.store.sync import rules as sync_rules
from kiosk.store.sync import scrub as sync_scrub
from kiosk.store.sync import span as sync_span
from tests.support.kiosks import kiosk_answers
from tests.support.paths import ROOT


def shared_answers(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    ids = [r[0] for r in conn.execute("SELECT id FROM answers")]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    return ids


def run_sync(folder: Path, target: Path | str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(sync_command, ["--data", str(folder), "--to", str(target),
                                               "--quiet", *extra])
    return result.exit_code, result.output


def copy_kiosk(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def test_two_kiosks_in_any_order_arrive_exactly_once(kiosks: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    a, b = (copy_kiosk(k, tmp_path / k.name) for k in kiosks)
    expected = kiosk_answers(a) | kiosk_answers(b)
    (tmp_path / "stick").mkdir()
    for order, name in (((a, b, a, b), "one.sqlite"), ((b, a, b, a, a), "two.sqlite")):
        target = tmp_path / "stick" / name
        for folder in order:
            code, output = run_sync(folder, target)
            assert code == 0, output
        ids = shared_answers(target)
        assert len(ids) == len(set(ids)) == len(expected)
        assert set(ids) == expected
    code, output = run_sync(a, tmp_path / "stick" / "one.sqlite")
    assert "already up to date" in output
    # Provenance: each kiosk and each sync is recorded, by date only (participants point at
    # their sync, so a sync's time of day would be theirs).
    conn = sqlite3.connect(tmp_path / "stick" / "one.sqlite")
    assert conn.execute("SELECT COUNT(*) FROM kiosks").fetchone()[0] == 2
    for (synced_on,) in conn.execute("SELECT synced_on FROM syncs"):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", synced_on)
    assert conn.execute("SELECT COUNT(DISTINCT kiosk_id) FROM participants").fetchone()[0] == 2


def test_sigkill_at_random_moments_loses_and_duplicates_nothing(kiosks: tuple[Path, Path],
                                                               tmp_path: Path) -> None:
    a, b = (copy_kiosk(k, tmp_path / k.name) for k in kiosks)
    target = tmp_path / "shared.sqlite"
    # Small batches, so that a kill lands between, inside and after many commits. The child says
    # when it is ready, so the kill is timed from the start of the sync, not of the interpreter.
    code = ("import sys; from kiosk.store.db import Store, store_in; "
            "from kiosk.store.sync import SharedFile, sync; "
            "store = Store(store_in(sys.argv[1])); print('ready', flush=True); "
            "sync(store, SharedFile(sys.argv[2]), max_rows=40)")
    pack, _ = load_pack(default_pack_path())
    rng = random.Random(4)
    kills = finished = 0
    caught_up = False
    # Bounded by attempts, not by the clock, so a fast or a slow machine does the same work.
    for attempt in range(400):
        if kills >= 30:
            break
        folder = rng.choice((a, b))
        if caught_up:
            # New contributions while syncs keep being killed, so that the next sync has
            # something to be killed in the middle of.
            store = Store(store_in(folder))
            simulate(store, pack, 5, seed=100 + attempt)
            store.close()
        process = subprocess.Popen([sys.executable, "-c", code, str(folder), str(target)],
                                   cwd=ROOT, stdout=subprocess.PIPE)
        assert process.stdout is not None
        assert process.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.15))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
            caught_up = False
        else:
            finished += 1
            caught_up = True
        assert process.wait() in (0, -signal.SIGKILL)
        process.stdout.close()
        if target.exists():
            conn = sqlite3.connect(target)  # a killed sync's journal is rolled back here
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()
    assert kills >= 10
    for folder in (a, b):
        code_, output = run_sync(folder, target)
        assert code_ == 0, output
    ids = shared_answers(target)
    assert len(ids) == len(set(ids))
    assert set(ids) == kiosk_answers(a) | kiosk_answers(b)


def test_withdrawal_reaches_the_shared_store(kiosks: tuple[Path, Path], tmp_path: Path) -> None:
    a = copy_kiosk(kiosks[0], tmp_path / "a")
    target = tmp_path / "shared.sqlite"
    assert run_sync(a, target)[0] == 0
    store = Store(store_in(a))
    pid = store.conn.execute("SELECT participant_id FROM answers LIMIT 1").fetchone()[0]
    store.withdraw(pid)
    # The very last answer's participant too: its row numbers are then reused by new answers.
    last = store.conn.execute(
        "SELECT participant_id FROM answers ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    store.withdraw(last)
    person = ParticipantSession.begin("co-production", 1, "en", date.today(), new_id=new_id)
    store.begin_participant(person)
    store.save_answer(Answer(new_id(), person.id, "meaning", "open", 1, "Listening to us",
                             "Listening to us", "typed", "en"))
    store.close()
    code, output = run_sync(a, target)
    assert code == 0, output
    assert "withdrew" in output
    conn = sqlite3.connect(target)
    for gone in (pid, last):
        assert conn.execute("SELECT COUNT(*) FROM answers WHERE participant_id = ?",
                            (gone,)).fetchone()[0] == 0
        assert conn.execute("SELECT withdrawn FROM participants WHERE id = ?",
                            (gone,)).fetchone()[0] == 1
    assert set(shared_answers(target)) == kiosk_answers(a)
    assert "already up to date" in run_sync(a, target)[1]


def test_swapped_or_restored_shared_file_is_completed(kiosks: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    a = copy_kiosk(kiosks[0], tmp_path / "a")
    target = tmp_path / "shared.sqlite"
    assert run_sync(a, target)[0] == 0
    backup = tmp_path / "backup.sqlite"
    shutil.copy(target, backup)
    pack, _ = load_pack(default_pack_path())
    store = Store(store_in(a))
    simulate(store, pack, 10, seed=9)
    store.close()
    assert run_sync(a, target)[0] == 0
    shutil.copy(backup, target)  # the stick's file restored from an older copy
    code, output = run_sync(a, target)
    assert code == 0 and "added" in output
    assert set(shared_answers(target)) == kiosk_answers(a)
    other = tmp_path / "other.sqlite"  # a different shared store: everything goes there too
    assert run_sync(a, other)[0] == 0
    assert set(shared_answers(other)) == kiosk_answers(a)


def test_personal_details_are_scrubbed_again_on_arrival(tmp_path: Path) -> None:
    store = Store(store_in(tmp_path / "k"))
    person = ParticipantSession.begin("co-production", 1, "en", date.today(), new_id=new_id)
    store.begin_participant(person)
    said = "Ring me on 07700 900123 about the transport"
    store.save_answer(Answer(new_id(), person.id, "barriers", "open", 1, said, said, "typed",
                             "en"))
    report = sync_to_file(store, tmp_path / "shared.sqlite")
    store.close()
    assert report.redacted == 1
    conn = sqlite3.connect(tmp_path / "shared.sqlite")
    text, value = conn.execute("SELECT text, value FROM answers").fetchone()
    assert "07700" not in text and "[PHONE]" in text and "07700" not in json.loads(value)
    assert conn.execute("SELECT redacted FROM syncs").fetchone()[0] == 1


def file_hashes(*paths: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "" for p in paths]


def _real_shared(path: Path) -> Path:
    conn, _ = open_shared_store(path)
    conn.close()
    return path


def _hostile(kind: str, path: Path) -> None:
    if kind == "text":
        path.write_text("id,answer\n1,hello\n")
        return
    if kind == "garbage":
        path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
        return
    if kind == "kiosk store":
        Store(path).close()
        return
    if kind == "wrong tables":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE answers (x)")
        conn.commit()
        conn.close()
        return
    _real_shared(path)
    conn = sqlite3.connect(path)
    if kind == "trigger":
        conn.execute("CREATE TRIGGER t AFTER INSERT ON answers BEGIN "
                     "DELETE FROM answers; END")
    elif kind == "view":
        conn.execute("CREATE VIEW extra AS SELECT * FROM answers")
    elif kind == "newer":
        conn.execute("PRAGMA user_version = 99")
    elif kind == "huge":
        conn.execute("UPDATE shared_store SET id = ?", ("x" * 3_000_000,))
    elif kind == "wrong type":
        conn.execute("UPDATE shared_store SET id = X'00ff'")  # a blob, not text
    conn.commit()
    conn.close()


def test_only_answers_not_stamped_by_this_scrubber_are_scrubbed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(store_in(tmp_path / "k"))
    person = ParticipantSession.begin("co-production", 1, "en", date.today(), new_id=new_id)
    store.begin_participant(person)
    tag = new_id()[:6]  # texts the scrubber's cache has not seen
    stamps = {"this scrubber": scrubber_version(), "an older scrubber": "0" * 16,
              "no stamp (an older kiosk)": None}
    for seq, (who, stamp) in enumerate(stamps.items(), 1):
        said = f"{who} {tag}: ring me on 07700 900123"
        store.save_answer(Answer(new_id(), person.id, "barriers", "open", seq, said, said,
                                 "typed", "en", stamp))
    seen: list[str] = []
    monkeypatch.setattr(sync_scrub, "redact",
                        lambda text, language: seen.append(text) or redact(text, language))
    report = sync_to_file(store, tmp_path / "shared.sqlite")
    store.close()
    assert sorted(seen) == sorted(f"{who} {tag}: ring me on 07700 900123"
                                  for who in stamps if who != "this scrubber")
    assert report.redacted == 2
    conn = sqlite3.connect(tmp_path / "shared.sqlite")
    texts = dict(conn.execute("SELECT seq, text FROM answers"))
    # The stamp says this scrubber already ran over the text on the kiosk: it is kept as sent
    # (a stamp is believed, which is why only the kiosk's own save path writes one).
    assert texts == {1: f"this scrubber {tag}: ring me on 07700 900123",
                     2: f"an older scrubber {tag}: ring me on [PHONE]",
                     3: f"no stamp (an older kiosk) {tag}: ring me on [PHONE]"}


def _older_kiosk(folder: Path, answers: int) -> Store:
    """A kiosk store as an older kiosk leaves it: open answers with no scrubber stamp, each
    distinct, a third of them holding a phone number or a name, in four languages."""
    store = Store(store_in(folder))
    details = ["ring me on 07700 900{:03d}", "my name is siobhan and i am {}",
               "the bus at {} is too early"]
    for start in range(0, answers, 50):
        language = ("en", "pl", "gd", "ko")[start // 50 % 4]
        person = ParticipantSession.begin("co-production", 1, language, date.today(),
                                          new_id=new_id)
        store.begin_participant(person)
        for seq in range(1, 51):
            said = details[(start + seq) % 3].format(start + seq)
            store.save_answer(Answer(new_id(), person.id, "barriers", "open", seq, said, said,
                                     "typed", language, None))
    return store


def test_older_store_scrubbed_on_every_core_is_the_same_as_one_by_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _older_kiosk(tmp_path / "k", 2 * sync_scrub.PARALLEL_FROM)
    store.close()
    shared_path = tmp_path / "shared.sqlite"
    # The whole process, as staff run it: its only thread forks the workers.
    result = subprocess.run([sys.executable, "-m", "kiosk", "sync", "--data",
                             str(tmp_path / "k"), "--to", str(shared_path), "--quiet"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"added 20 sessions and {2 * sync_scrub.PARALLEL_FROM} answers" in result.stdout
    # Each answer by its id (the copy adds the answers it changed after the others).
    order = "SELECT text, value, language FROM answers ORDER BY id"
    conn = sqlite3.connect(shared_path)
    got = conn.execute(order).fetchall()
    redacted = conn.execute("SELECT redacted FROM syncs").fetchone()[0]
    conn.close()
    kiosk = sqlite3.connect(store_in(tmp_path / "k"))
    sent = kiosk.execute(order).fetchall()
    kiosk.close()
    # Byte for byte what the scrubber gives for each answer alone.
    expected = [redact(text, language).text for text, _, language in sent]
    assert [text for text, _, _ in got] == expected
    assert [json.loads(value) for _, value, _ in got] == expected
    assert [language for _, _, language in got] == [language for _, _, language in sent]
    changed = sum(e != text for e, (text, _, _) in zip(expected, sent, strict=True))
    assert redacted == changed > 300
    assert "07700" not in " ".join(expected)
    # And here, by the same code: counted, and the same result.
    pieces: list[int] = []
    real_many = sync_scrub.scrub_many
    monkeypatch.setattr(sync_scrub, "scrub_many", lambda pairs, meanwhile: pieces.append(
        len(pairs)) or real_many(pairs, meanwhile))
    again = Store(store_in(tmp_path / "k"))
    sync_to_file(again, tmp_path / "again.sqlite")
    again.close()
    # Whether this process may fork depends on threads other tests left running (the whole
    # suite: it may not); forked or not, the result must be the same.
    assert pieces == [2 * sync_scrub.PARALLEL_FROM]
    conn = sqlite3.connect(tmp_path / "again.sqlite")
    assert conn.execute(order).fetchall() == got
    conn.close()


def _scrubbed_as_one_by_one(folder: Path, shared_path: Path) -> int:
    """Assert that each answer in the shared store is byte for byte what the scrubber gives
    for it alone; returns how many the scrubber changed."""
    order = "SELECT id, text, value, language FROM answers ORDER BY id"
    kiosk = sqlite3.connect(store_in(folder))
    sent = kiosk.execute(order).fetchall()
    kiosk.close()
    conn = sqlite3.connect(shared_path)
    got = conn.execute(order).fetchall()
    conn.close()
    expected = [(id_, redact(text, language).text, language) for id_, text, _, language in sent]
    assert [(id_, text, language) for id_, text, _, language in got] == expected
    assert [json.loads(value) for _, _, value, _ in got] == [text for _, text, _ in expected]
    return sum(e[1] != s[1] for e, s in zip(expected, sent, strict=True))


def test_answers_of_later_spans_are_scrubbed_ahead_with_the_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first span of an older store scrubs the texts of the spans after it too (the worker
    processes start once per sync); every span's copy still gives what the scrubber gives."""
    store = _older_kiosk(tmp_path / "k", 600)
    pieces: list[int] = []
    real_many = sync_scrub.scrub_many
    monkeypatch.setattr(sync_scrub, "scrub_many", lambda pairs, meanwhile: pieces.append(
        len(pairs)) or real_many(pairs, meanwhile))
    report = sync(store, SharedFile(tmp_path / "shared.sqlite"), max_rows=150)
    store.close()
    assert report.answers_added == 600
    # Spans: the participants, then four of answers, all scrubbed with the first (each
    # answer's text is distinct).
    assert pieces == [600]
    assert report.redacted == _scrubbed_as_one_by_one(tmp_path / "k", tmp_path / "shared.sqlite")
    assert report.redacted > 150


def test_a_span_changed_between_reading_and_copying_is_scrubbed_row_by_row(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which answers the scrubber changes is known by row only while the span holds the same
    answers: a participant who withdraws meanwhile (answers deleted, their rows free for the
    next) makes the copy ask the scrubber answer by answer again, with the same result."""
    store = _older_kiosk(tmp_path / "k", 200)
    last = store.conn.execute("SELECT participant_id FROM answers ORDER BY rowid DESC "
                              "LIMIT 1").fetchone()[0]
    real_decide = sync_span._Prepared.decide
    asked: list[int] = []

    def withdraw_meanwhile(prepared: Any, scrubs: sync_scrub.SpanScrubs) -> None:
        other = sqlite3.connect(store_in(tmp_path / "k"))
        with other:
            other.execute("DELETE FROM answers WHERE participant_id = ?", (last,))
        other.close()
        real_decide(prepared, scrubs)

    monkeypatch.setattr(sync_span._Prepared, "decide", withdraw_meanwhile)
    real_changed = sync_scrub.SpanScrubs.changed
    monkeypatch.setattr(sync_scrub.SpanScrubs, "changed", lambda self, *row: asked.append(1)
                        or real_changed(self, *row))
    report = sync(store, SharedFile(tmp_path / "shared.sqlite"))
    store.close()
    assert report.answers_added == 150
    # Once per answer when deciding ahead, and again by SQL for each open answer it copies.
    assert len(asked) >= 200 + 150
    assert report.redacted == _scrubbed_as_one_by_one(tmp_path / "k", tmp_path / "shared.sqlite")


def test_small_sync_scrubs_in_its_own_process(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    store = _older_kiosk(tmp_path / "k", 100)

    def no_workers(method: str) -> None:
        raise AssertionError(f"a sync of 100 answers started worker processes ({method})")

    monkeypatch.setattr(sync_scrub.multiprocessing, "get_context", no_workers)
    report = sync_to_file(store, tmp_path / "shared.sqlite")
    store.close()
    assert report.answers_added == 100 and report.redacted > 30


def test_span_scrubs_keep_a_bounded_number_of_characters() -> None:
    scrubs = sync_scrub.SpanScrubs(limit=60)
    assert scrubs.prepare([("call me on 07700 900123", "en"), ("more buses", "en")],
                          lambda: "started") == "started"
    assert scrubs.scrub("call me on 07700 900123", "en") == ("call me on [PHONE]", True)
    assert scrubs.chars == 33
    scrubs.prepare([("my name is siobhan and this is a long answer", "en")], lambda: None)
    # Over the limit: started again rather than held, and still the scrubber's answer.
    assert scrubs.chars == 44 and len(scrubs.done) == 1
    assert scrubs.text("more buses", "en") == "more buses"


def test_kiosk_answers_carry_the_scrubber_stamp_and_skip_the_second_pass(
        kiosks: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy_kiosk(kiosks[0], tmp_path / "a")
    conn = sqlite3.connect(store_in(folder))
    stamps = dict(conn.execute("SELECT question_type, COUNT(DISTINCT scrubbed_with) "
                               "FROM answers GROUP BY question_type"))
    open_stamp = conn.execute("SELECT DISTINCT scrubbed_with FROM answers "
                              "WHERE question_type = 'open'").fetchall()
    conn.close()
    assert open_stamp == [(scrubber_version(),)]  # every open answer, by the real session
    assert stamps["choice"] == 0  # choices are the pack's words: nothing to scrub, no stamp
    seen: list[str] = []
    monkeypatch.setattr(sync_scrub, "redact",
                        lambda text, language: seen.append(text) or redact(text, language))
    code, output = run_sync(folder, tmp_path / "shared.sqlite")
    assert code == 0, output
    assert seen == []


def test_store_of_schema_1_is_migrated_and_its_answers_scrubbed_on_sync(tmp_path: Path) -> None:
    path = store_in(tmp_path / "old")
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    with conn:
        db_module.MIGRATIONS[0](conn)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO kiosk VALUES ('oldkiosk', '2025-06-01')")
        conn.execute("INSERT INTO participants (id, kiosk_id, pack_id, pack_version, language, "
                     "date) VALUES ('p1', 'oldkiosk', 'co-production', 1, 'en', '2025-06-01')")
        conn.execute("INSERT INTO answers (id, participant_id, question_id, question_type, seq, "
                     "value, text, method, language) VALUES ('a1', 'p1', 'barriers', 'open', 1, "
                     "'\"my name is siobhan\"', 'my name is siobhan', 'voice', 'en')")
    conn.close()
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == db_module.SCHEMA_VERSION
    report = sync_to_file(store, tmp_path / "shared.sqlite")
    store.close()
    assert report.redacted == 1
    conn = sqlite3.connect(tmp_path / "shared.sqlite")
    assert conn.execute("SELECT text, value FROM answers").fetchone() == (
        "my name is [NAME]", '"my name is [NAME]"')
    conn.close()


@pytest.mark.parametrize("kind", ["text", "garbage", "kiosk store", "wrong tables", "trigger",
                                  "view", "newer", "huge", "wrong type"])
def test_hostile_shared_file_is_refused_and_nothing_changes(kiosks: tuple[Path, Path],
                                                            tmp_path: Path, kind: str) -> None:
    a = copy_kiosk(kiosks[0], tmp_path / "a")
    target = tmp_path / "shared.sqlite"
    _hostile(kind, target)
    before = file_hashes(target, store_in(a))
    code, output = run_sync(a, target)
    assert code == 1
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and str(target) in lines[0]
    assert "Traceback" not in output
    assert file_hashes(target, store_in(a)) == before
    assert not (a / "kiosk.sqlite.sync-marks.json").exists()
    if kind == "newer":
        assert "newer" in lines[0]


def test_older_shared_schema_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = _real_shared(tmp_path / "shared.sqlite")

    def add_notes(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE syncs ADD COLUMN note TEXT")

    newer = shared.SHARED_SCHEMA_VERSION + 1
    monkeypatch.setattr(shared, "SHARED_MIGRATIONS", [*shared.SHARED_MIGRATIONS, add_notes])
    monkeypatch.setattr(shared, "SHARED_SCHEMA_VERSION", newer)
    conn, _ = open_shared_store(target)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == newer
    assert "note" in [r[1] for r in conn.execute("PRAGMA table_info(syncs)")]
    conn.close()
    conn, _ = open_shared_store(target)  # and the migrated file passes the schema check
    conn.close()


def test_network_filesystems_are_recognised(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nserver:/x {tmp_path}/net nfs4 rw 0 0\n"
                      f"//pc/share {tmp_path}/my\\040share cifs rw 0 0\n")
    assert network_filesystem(tmp_path / "net" / "shared.sqlite", mounts) == "nfs4"
    assert network_filesystem(tmp_path / "my share" / "shared.sqlite", mounts) == "cifs"
    assert network_filesystem(tmp_path / "local" / "shared.sqlite", mounts) is None


def test_incoming_rows_are_checked() -> None:
    good = ["a1", "p1", "meaning", "open", 1, json.dumps("hello"), "hello", "voice", "en"]
    batch = Batch("k1", "s1", "2024-05-01 10:30", KioskMark(), KioskMark(),
                  answers=[[1, *good]])
    validate_batch(batch)
    bad_rows = {
        "method": [1, *good[:7], "telepathy", "en"],
        "text": [1, *good[:6], "x" * 20_000, "voice", "en"],
        "seq": [1, *good[:4], "1", *good[5:]],
        "value": [1, *good[:5], "{not json", *good[6:]],
        "question_type": [1, *good[:3], "essay", *good[4:]],
    }
    for field_name, row in bad_rows.items():
        batch.answers = [row]
        with pytest.raises(SyncError, match=field_name):
            validate_batch(batch)
    batch.answers = [[1, *good]]
    for stamps in (["a1b2c3d4e5f6a7b8", None], ["not-a-version"], "a1b2c3d4e5f6a7b8"):
        batch.scrubbed_with = stamps  # type: ignore[assignment]
        with pytest.raises(SyncError, match="scrubbed_with"):
            validate_batch(batch)
    batch.scrubbed_with = ["a1b2c3d4e5f6a7b8"]
    validate_batch(batch)
    # Over the network (the hub): the stamps travel; a batch from an older kiosk has none.
    assert Batch.from_json(batch.to_json()).scrubbed_with == ["a1b2c3d4e5f6a7b8"]
    older = batch.to_json()
    del older["scrubbed_with"]
    assert Batch.from_json(older).scrubbed_with is None
    batch.answers, batch.scrubbed_with = [], None
    batch.synced_at = "2024-05-01 10:30:59"  # no seconds: times are kept to the minute
    with pytest.raises(SyncError, match="synced_at"):
        validate_batch(batch)


def test_missing_kiosk_store_is_a_clear_error(tmp_path: Path) -> None:
    code, output = run_sync(tmp_path / "nothing", tmp_path / "shared.sqlite")
    assert code == 1 and "no kiosk store" in output and "Traceback" not in output


def test_staff_can_read_the_shared_store_with_sqlite_utils(kiosks: tuple[Path, Path],
                                                           tmp_path: Path) -> None:
    a = copy_kiosk(kiosks[0], tmp_path / "a")
    target = tmp_path / "shared.sqlite"
    assert run_sync(a, target)[0] == 0
    tool = str(Path(sys.executable).parent / "sqlite-utils")
    tables = subprocess.run([tool, "tables", str(target)], capture_output=True, text=True,
                            check=True).stdout
    for name in ("shared_store", "kiosks", "syncs", "packs", "events", "participants",
                 "answers"):
        assert f'"{name}"' in tables
    syncs = json.loads(subprocess.run([tool, "rows", str(target), "syncs"], capture_output=True,
                                      text=True, check=True).stdout)
    assert len(syncs) == 1 and syncs[0]["answers_added"] == len(kiosk_answers(a))


def test_library_sync_reports_progress(kiosks: tuple[Path, Path], tmp_path: Path) -> None:
    a = copy_kiosk(kiosks[0], tmp_path / "a")
    seen: list[tuple[int, int]] = []
    store = Store(store_in(a))
    destination = SharedFile(tmp_path / "shared.sqlite")
    report = sync(store, destination, progress=lambda d, t: seen.append((d, t)), max_rows=100)
    destination.close()
    store.close()
    assert report.batches > 1 and seen[0][0] == 0 and seen[-1][0] == seen[-1][1] > 0
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_shared_store_error_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.sqlite").write_text("nope")
    with pytest.raises(SharedStoreError) as info:
        open_shared_store(tmp_path / "bad.sqlite")
    assert "\n" not in str(info.value)


# Copying straight from the kiosk store: the SQL rules ------------------------------------------

BAD_ROWS = {
    # (table, SQL that breaks one row, the field the error must name)
    "answer method": ("answers", "UPDATE answers SET method = 'telepathy'", "method"),
    "answer text": ("answers", "UPDATE answers SET text = printf('%.20000c', 'x')", "text"),
    "answer seq": ("answers", "UPDATE answers SET seq = 2000000", "seq"),
    "answer value": ("answers", "UPDATE answers SET value = '{not json'", "value"),
    "answer value type": ("answers", "UPDATE answers SET value = '[1, 2]'", "value"),
    "answer type": ("answers", "UPDATE answers SET question_type = 'essay'", "question_type"),
    "answer id": ("answers", "UPDATE answers SET id = 'has space'", " id"),
    "answer question": ("answers", "UPDATE answers SET question_id = '-dash'", "question_id"),
    "answer language": ("answers", "UPDATE answers SET language = 'EN'", "language"),
    "answer id NUL": ("answers", "UPDATE answers SET id = 'ab' || char(0) || ' x'", " id"),
    "participant date": ("participants", "UPDATE participants SET date = '2024-02-30'", "date"),
    "participant withdrawn": ("participants", "UPDATE participants SET withdrawn = 2",
                              "withdrawn"),
    "participant pack version": ("participants", "UPDATE participants SET pack_version = 0",
                                 "pack_version"),
    "participant kiosk": ("participants", "UPDATE participants SET kiosk_id = 'someoneelse'",
                          "kiosk_id"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_broken_row_in_the_kiosk_store_is_kept_back_and_named_while_the_rest_arrive(
        kiosks: tuple[Path, Path], tmp_path: Path, case: str) -> None:
    """Issue 13: one row that breaks a rule never stops a kiosk's syncs. It is refused alone,
    named with the field, noted on the kiosk (untouched), and every other row arrives."""
    a, b = (copy_kiosk(k, tmp_path / k.name) for k in kiosks)
    target = tmp_path / "shared.sqlite"
    assert run_sync(b, target)[0] == 0  # a shared store already holding another kiosk's
    table, statement, field_name = BAD_ROWS[case]
    conn = sqlite3.connect(store_in(a))
    with conn:
        # One row in the middle of the second span breaks the rule.
        middle = conn.execute(f"SELECT rowid FROM {table} ORDER BY rowid LIMIT 1 OFFSET 70"
                              ).fetchone()[0]
        conn.execute(f"{statement} WHERE rowid = ?", (middle,))
        broken = conn.execute(f"SELECT * FROM {table} WHERE rowid = ?", (middle,)).fetchone()
        # A broken participant takes its answers with it: they cannot arrive without it.
        held_back = {broken[0]} if table == "answers" else {r[0] for r in conn.execute(
            "SELECT id FROM answers WHERE participant_id = ?", (broken[0],))}
    conn.close()
    store = Store(store_in(a))
    report = sync(store, SharedFile(target), max_rows=50)
    kept = store.kept_back()
    store.close()
    reasons = {(t, i): r for t, i, r in kept}
    assert field_name in reasons[(table, broken[0])], kept
    assert report.kept_back_line() is not None
    assert report.kept_back_line().startswith(f"{len(kept)} row")  # type: ignore[union-attr]
    assert all(reasons.get(("answers", i)) for i in held_back if table == "participants")
    # Every other row arrived; the broken one is still on the kiosk, untouched.
    assert set(shared_answers(target)) == (kiosk_answers(a) - held_back) | kiosk_answers(b)
    conn = sqlite3.connect(store_in(a))
    assert conn.execute(f"SELECT * FROM {table} WHERE rowid = ?", (middle,)).fetchone() == broken
    conn.close()
    # And the next sync is not stopped either: nothing new, nothing refused again.
    code, output = run_sync(a, target)
    assert code == 0 and "already up to date" in output, output


def test_json_valid_refuses_raw_control_characters_as_json_loads_does() -> None:
    """The SQL rules lean on this for answer values (kiosk/store/sync/rules.py, VALUE_OK)."""
    conn = sqlite3.connect(":memory:")
    for code in (0x01, 0x09, 0x0A, 0x1F):
        value = f'"a{chr(code)}b"'
        assert conn.execute("SELECT json_valid(?)", (value,)).fetchone()[0] == 0
        with pytest.raises(json.JSONDecodeError):
            json.loads(value)
    conn.close()


class _Recorder:
    """The least a sync destination must do (kiosk.store.sync.Destination): keep the batches."""

    name = "recorder"
    copies_spans = False

    def __init__(self) -> None:
        self.batches: list[Batch] = []
        self.attached: list[Path] = []

    def state(self, kiosk_id: str) -> DestinationState:
        return DestinationState("recorder", KioskMark())

    def apply(self, batch: Batch) -> BatchResult:
        self.batches.append(batch)
        return BatchResult(len(batch.participants), len(batch.answers))

    def attach(self, kiosk_store: Path) -> None:
        self.attached.append(kiosk_store)

    def detach(self) -> None:
        self.attached.pop()


def test_rows_are_records_in_python_and_arrays_on_the_wire(kiosks: tuple[Path, Path],
                                                            tmp_path: Path) -> None:
    """sync works through the Destination interface alone, and the rows it sends are records
    read by name that encode to the very JSON older kiosks and hubs exchange (arrays)."""
    store = Store(store_in(copy_kiosk(kiosks[0], tmp_path / "a")))
    recorder = _Recorder()
    report = sync(store, recorder, max_rows=50)
    store.close()
    assert recorder.attached == [] and len(recorder.batches) > 1
    assert report.answers_added == sum(len(b.answers) for b in recorder.batches) > 0
    batch = next(b for b in recorder.batches if b.answers and b.participants)
    assert all(isinstance(a, AnswerRow) for a in batch.answers)
    assert batch.answers[0].question_id == batch.answers[0][3]
    wire = json.dumps(batch.to_json(), ensure_ascii=False)
    as_lists = {**batch.to_json(), **{key: [list(row) for row in getattr(batch, key)]
                                      for key in ("packs", "events", "participants", "answers")}}
    assert wire == json.dumps(as_lists, ensure_ascii=False)  # what an older kiosk sends
    received = Batch.from_json(json.loads(wire))
    assert received == batch and isinstance(received.answers[0], AnswerRow)


_odd_text = st.one_of(
    st.sampled_from(["a1", "meaning", "open", "choice", "multi", "yesno", "scale", "voice",
                     "tap", "typed", "en", "gd", "en_GB", "EN", "e", "english", "x" * 64,
                     "x" * 65, "-a", "a.b", "a b", "ab\n", "ab\x00cd", "ok\u00e9", "2024-05-01",
                     '"hello"', '"a\\"b"', "true", "false", "[]", '["a"]', "[1]", '"\x01"',
                     "null", "'single'", "", "1", "ﬁ"]),
    st.text(max_size=30))
_odd_value = st.one_of(st.none(), st.integers(-3, 3), st.floats(allow_nan=False), _odd_text,
                       st.binary(max_size=5))


GOOD_ANSWER = ("a1", "p1", "meaning", "open", 1, '"hello"', "hello", "voice", "en")
GOOD_PARTICIPANT = ("p1", "k1", None, "co-production", 1, "en", "2024-05-01", 0)


def _mutated(good: tuple[Any, ...]) -> st.SearchStrategy[tuple[Any, ...]]:
    """A good row with up to two of its fields replaced by odd values."""
    return st.dictionaries(st.integers(0, len(good) - 1), _odd_value, max_size=2).map(
        lambda changes: tuple(changes.get(i, v) for i, v in enumerate(good)))


def _sql_verdict(table: str, columns: str, rule: str, row: tuple[Any, ...], kiosk: Any
                 ) -> tuple[bool, list[Any]] | None:
    conn = sqlite3.connect(":memory:")
    conn.create_function("kiosk_value_fits", 2, sync_rules.value_fits, deterministic=True)
    conn.execute(f"CREATE TABLE {table} ({columns})")
    conn.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})", row)
    try:
        passed = conn.execute(f"SELECT count(*) FROM {table} s WHERE {rule}",
                              {"kiosk": kiosk}).fetchone()[0] == 1
        stored = conn.execute(f"SELECT rowid, {columns} FROM {table}").fetchone()
    except sqlite3.OperationalError:
        return None  # not readable as text: the copy stops on it too
    finally:
        conn.close()
    return passed, list(stored)


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(row=_mutated(GOOD_ANSWER))
def test_the_sql_rules_never_pass_an_answer_validate_batch_refuses(row: tuple[Any, ...]) -> None:
    """A row the fast SQL rules let through must be one validate_batch accepts too (the SQL
    rules may be stricter: a row they refuse goes to validate_batch for the last word)."""
    verdict = _sql_verdict("answers", sync_rules.ANSWER_COLUMNS, sync_rules.ANSWER_OK,
                           row, None)
    if row == GOOD_ANSWER:
        assert verdict is not None and verdict[0]
    if verdict is not None and verdict[0]:
        stored = verdict[1]
        stored[2] = "p1"  # participant_id is left to the shared store's foreign key
        validate_batch(Batch("k1", "s1", "2024-05-01 10:30", KioskMark(), KioskMark(),
                             answers=[stored]))


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(row=_mutated(GOOD_PARTICIPANT),
       day=st.one_of(st.dates().map(str), st.sampled_from(["2024-02-30", "2023-02-29",
                                                            "2024-04-31", "0000-01-01",
                                                            "2024-1-01", "2024-01-01 "])))
def test_the_sql_rules_never_pass_a_participant_validate_batch_refuses(
        row: tuple[Any, ...], day: str) -> None:
    """As for answers: the SQL rules for participants are never looser than validate_batch."""
    row = (*row[:6], day, row[7]) if row[6] == GOOD_PARTICIPANT[6] else row
    verdict = _sql_verdict("participants", sync_rules.PARTICIPANT_COLUMNS,
                           sync_rules.PARTICIPANT_OK, row, "k1")
    if row == GOOD_PARTICIPANT:
        assert verdict is not None and verdict[0]
    if verdict is not None and verdict[0]:
        validate_batch(Batch("k1", "s1", "2024-05-01 10:30", KioskMark(), KioskMark(),
                             participants=[verdict[1]]))


def test_an_answer_as_long_as_a_participant_can_give_syncs(tmp_path: Path) -> None:
    """Issue 13, item 5: the longest answer the session keeps (typed or spoken) is within what
    sync takes in a row, so no participant can stop a kiosk's syncs with a long answer."""
    from kiosk.core.answers import MAX_ANSWER_CHARS

    assert MAX_ANSWER_CHARS < MAX_ANSWER_TEXT
    store = Store(store_in(tmp_path / "k"))
    person = ParticipantSession.begin("co-production", 1, "en", date.today(), new_id=new_id)
    store.begin_participant(person)
    said = ("we need the buses to run later in the evening " * 100)[:MAX_ANSWER_CHARS]
    longest = said[:-1] + "ē"  # not only ASCII: the limit is in characters
    for seq, text in enumerate((said, longest), 1):
        store.save_answer(Answer(new_id(), person.id, f"q{seq}", "open", seq, text, text,
                                 "voice", "en", scrubber_version()))
    sync_to_file(store, tmp_path / "shared.sqlite")
    store.close()
    conn = sqlite3.connect(tmp_path / "shared.sqlite")
    texts = [r[0] for r in conn.execute("SELECT text FROM answers ORDER BY seq")]
    conn.close()
    assert texts == [said, longest] and {len(t) for t in texts} == {MAX_ANSWER_CHARS}
