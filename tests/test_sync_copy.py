"""The span copy's bulk-load shortcuts (issue 16) change nothing a person or a later sync sees:
the shared store's index is made again exactly as its schema says, the foreign keys are back on
afterwards, and a row whose parent is missing is still refused, as the foreign keys refused it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.store.db import Store, store_in
from kiosk.store.shared import open_shared_store
from kiosk.store.sync import SharedFile, sync, sync_to_file
from kiosk.store.sync.span import _check_parents, _last_rowids
from tests.support.kiosks import kiosk_answers


def _schema(path: Path) -> set[tuple[str, str, str, str | None]]:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        conn.close()


def test_first_sync_into_a_new_store_leaves_its_schema_and_indexes_whole(
        kiosks: tuple[Path, Path], tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    open_shared_store(empty)[0].close()
    target = tmp_path / "kiosk-shared.db"
    # Small spans: the first fills an empty table (its index is dropped and made again), the
    # later ones go into a table that already holds answers (kept up row by row).
    destination = SharedFile(target)
    store = Store(store_in(kiosks[0]))
    try:
        report = sync(store, destination, max_rows=40)
        assert destination.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        store.close()
        destination.close()
    assert report.answers_added == len(kiosk_answers(kiosks[0]))
    assert _schema(target) == _schema(empty)  # the same index, by the same text
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The index is used and complete: the same count through it as through the table.
        assert conn.execute("SELECT COUNT(*) FROM answers INDEXED BY answers_by_question "
                            "WHERE participant_id > ''").fetchone()[0] == \
            conn.execute("SELECT COUNT(*) FROM answers NOT INDEXED").fetchone()[0]
    finally:
        conn.close()
    # The second kiosk goes into a store that already holds answers; a later sync finds nothing.
    for folder in kiosks:
        store = Store(store_in(folder))
        try:
            sync_to_file(store, target)
            assert sync_to_file(store, target).answers_added == 0
        finally:
            store.close()
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_an_answer_whose_participant_is_missing_is_refused_as_the_foreign_keys_did(
        kiosks: tuple[Path, Path], tmp_path: Path) -> None:
    """Attack: rows let in while the foreign keys are off must still have their parents."""
    target = tmp_path / "kiosk-shared.db"
    store = Store(store_in(kiosks[0]))
    try:
        sync_to_file(store, target)
    finally:
        store.close()
    conn, _ = open_shared_store(target)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("BEGIN")
        before = _last_rowids(conn)
        _check_parents(conn, before)  # nothing new: nothing to refuse
        conn.execute("INSERT INTO answers (id, participant_id, question_id, question_type, seq, "
                     "value, text, method, language) VALUES ('orphan1', 'nobody', 'q1', "
                     "'open', 0, '\"hi\"', 'hi', 'touch', 'en')")
        with pytest.raises(sqlite3.IntegrityError, match="answer orphan1: its participant"):
            _check_parents(conn, before)
        conn.execute("ROLLBACK")
        conn.execute("BEGIN")
        conn.execute("INSERT INTO participants (id, kiosk_id, event_id, pack_id, pack_version, "
                     "language, date) VALUES ('p-orphan', 'k', 'no-event', 'pack', 1, 'en', "
                     "'2026-01-01')")
        with pytest.raises(sqlite3.IntegrityError, match="participant p-orphan: its event"):
            _check_parents(conn, before)
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def test_a_copy_stopped_after_the_index_was_dropped_leaves_the_store_as_it_was(
        kiosks: tuple[Path, Path], tmp_path: Path) -> None:
    """A copy that fails part-way (here: interrupted inside the answers' copy, after the index
    was dropped) rolls the dropped index back with everything else: the store opens and
    checks as before, and the next sync brings everything."""
    target = tmp_path / "kiosk-shared.db"
    open_shared_store(target)[0].close()
    before = _schema(target)
    destination = SharedFile(target)
    dropped = []

    def watch(sql: str) -> None:
        if sql.startswith("DROP INDEX"):
            dropped.append(sql)
            destination.conn.set_progress_handler(lambda: 1, 1000)  # stop the next statement

    destination.conn.set_trace_callback(watch)
    store = Store(store_in(kiosks[0]))
    try:
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            sync(store, destination)
    finally:
        destination.close()
    assert dropped  # the copy did get as far as dropping the index
    assert _schema(target) == before
    conn, _ = open_shared_store(target)  # checks the schema, as every sync does
    try:
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
    finally:
        conn.close()
    try:
        assert sync_to_file(store, target).answers_added == len(kiosk_answers(kiosks[0]))
    finally:
        store.close()
