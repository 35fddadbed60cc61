"""Copying spans of rows straight from the kiosk store, attached to a shared store file's
connection, checked by the SQL rules and by a checker thread on another core meanwhile."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kiosk.core.redact import scrubber_version
from kiosk.store.sync.apply import begin_batch, does_not_fit, finish_batch
from kiosk.store.sync.errors import SyncError
from kiosk.store.sync.messages import Batch, BatchResult, StoreSpan
from kiosk.store.sync.rows import AnswerRow, ParticipantRow, columns
from kiosk.store.sync.rules import (
    ANSWER_COLUMNS,
    CHANGED,
    CODE_HASH_OK,
    NEEDS_SCRUB,
    PARTICIPANT_COLUMNS,
    PARTICIPANT_OK,
    SPAN_FINGERPRINT,
    SUSPECT_ANSWERS,
    value_fits,
)
from kiosk.store.sync.scrub import scrub_changed, scrubbed_text, scrubbed_value
from kiosk.store.sync.validate import validate_batch

SOURCE = "kiosk_source"  # the kiosk store's schema name while attached to a shared store


def attach_source(conn: sqlite3.Connection, path: Path) -> None:
    """Attach a kiosk store, read-only, to a shared store connection for copy_span."""
    conn.execute(f"ATTACH DATABASE ? AS {SOURCE}", (f"file:{quote(str(path))}?mode=ro",))
    conn.create_function("kiosk_value_fits", 2, value_fits, deterministic=True)
    conn.create_function("kiosk_scrub_text", 2, scrubbed_text, deterministic=True)
    conn.create_function("kiosk_scrub_value", 2, scrubbed_value, deterministic=True)
    conn.create_function("kiosk_scrub_changed", 3, scrub_changed, deterministic=True)


def detach_source(conn: sqlite3.Connection) -> None:
    """Let go of the kiosk store attached by attach_source."""
    conn.execute(f"DETACH DATABASE {SOURCE}")


class _Judge:
    """Called by SQL for a row the SQL rules refused: validate_batch has the last word, and
    its message (naming the row and field) is kept for the SyncError."""

    def __init__(self, batch: StoreSpan):
        self.batch = batch
        self.error: SyncError | None = None

    def participant(self, *row: Any) -> int:
        # The record's fields, then the code's hash (which travels beside the rows).
        return self._judge(participants=[ParticipantRow._make(row[:-1])],
                           code_hashes=[row[-1]])

    def answer(self, *row: Any) -> int:
        return self._judge(answers=[AnswerRow._make(row)])

    def _judge(self, **rows: Any) -> int:
        b = self.batch
        try:
            validate_batch(Batch(b.kiosk_id, b.sync_id, b.synced_at, b.base, b.mark, **rows))
        except SyncError as exc:
            self.error = exc
            raise
        return 1  # the SQL rules were stricter than they need be: the row is fine


class _Checker(threading.Thread):
    """Checks a span of answers against the SQL rules on its own connection, on another core,
    while the copy runs: the rules cost half as much again as the copy itself."""

    def __init__(self, path: str, span: dict[str, Any]):
        super().__init__(daemon=True)
        self.path, self.span = path, span
        self.fingerprint: tuple[Any, ...] | None = None
        self.suspects: list[tuple[Any, ...]] = []

    def run(self) -> None:
        try:
            conn = sqlite3.connect(f"file:{quote(self.path)}?mode=ro", uri=True,
                                   isolation_level=None, timeout=30)
        except sqlite3.Error:
            return  # no fingerprint: the copy checks the span itself
        try:
            conn.create_function("kiosk_value_fits", 2, value_fits, deterministic=True)
            conn.execute("BEGIN")  # one snapshot for the fingerprint and the check
            fingerprint = conn.execute(SPAN_FINGERPRINT.format(schema=""),
                                       self.span).fetchone()
            self.suspects = conn.execute(SUSPECT_ANSWERS.format(schema=""),
                                         self.span).fetchall()
            self.fingerprint = fingerprint
        except sqlite3.Error:
            self.fingerprint = None
        finally:
            conn.close()

    def suspects_in(self, conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
        """The answers of the span that the rules refuse, as the copy's snapshot has them."""
        self.join()
        schema = f"{SOURCE}."
        if self.fingerprint is None or self.fingerprint != conn.execute(
                SPAN_FINGERPRINT.format(schema=schema), self.span).fetchone():
            # The kiosk changed the span between the two snapshots: check it here instead.
            return conn.execute(SUSPECT_ANSWERS.format(schema=schema), self.span).fetchall()
        return self.suspects


def _source_path(conn: sqlite3.Connection) -> str:
    # PRAGMA database_list rows: (seq, name, file).
    return next(file for _, name, file in conn.execute("PRAGMA database_list")
                if name == SOURCE)


def copy_span(conn: sqlite3.Connection, batch: StoreSpan) -> BatchResult:
    """Copy one span of rows from the attached kiosk store in one transaction; safe to repeat.
    The same effect as apply_batch on a batch carrying those rows: checked by the same rules,
    scrubbed unless stamped by this scrubber, withdrawals kept out."""
    validate_batch(batch)  # the packs, events and withdrawals it carries
    result = BatchResult()
    judge = _Judge(batch)
    conn.create_function("kiosk_participant_fits", 10, judge.participant)
    conn.create_function("kiosk_answer_fits", 10, judge.answer)
    params = {"kiosk": batch.kiosk_id, "sync": batch.sync_id, "ours": scrubber_version()}
    # Each participant is checked in the same pass that copies it, each answer by a _Checker
    # meanwhile; a row that breaks a rule stops the batch, and it is rolled back.
    participant_ok = (f"(CASE WHEN {PARTICIPANT_OK} AND {CODE_HASH_OK} THEN 1 ELSE "
                      f"kiosk_participant_fits(s.rowid, {columns(ParticipantRow, 's', skip=1)}, "
                      "s.code_hash) END)")
    # Not BEGIN IMMEDIATE: that would take the kiosk store's write lock too and hold up the
    # answers being saved meanwhile. begin_batch writes first, which takes the shared store's.
    checker = None
    conn.execute("BEGIN")
    try:
        current = begin_batch(conn, batch, "file")
        withdrawn_here: set[str] = set()
        if batch.participants_span:
            span = {**params, "start": batch.participants_span[0],
                    "end": batch.participants_span[1]}
            result.participants_added = conn.execute(
                f"INSERT OR IGNORE INTO main.participants ({PARTICIPANT_COLUMNS}, sync_id, "
                f"code_hash) SELECT {columns(ParticipantRow, 's', skip=1)}, :sync, s.code_hash "
                f"FROM {SOURCE}.participants s WHERE s.rowid > :start AND s.rowid <= :end "
                f"AND {participant_ok} ORDER BY s.rowid", span).rowcount
            withdrawn_here = {r[0] for r in conn.execute(
                f"SELECT id FROM {SOURCE}.participants WHERE rowid > :start AND "
                "rowid <= :end AND withdrawn = 1", span)}
        if batch.answers_span:
            span = {**params, "start": batch.answers_span[0], "end": batch.answers_span[1]}
            checker = _Checker(_source_path(conn), {"start": span["start"], "end": span["end"]})
            checker.start()
            # A participant's answers never come back once they withdrew, even from an old
            # batch; two statements so that only answers actually added count as scrubbed.
            copy = (f"INSERT OR IGNORE INTO main.answers ({ANSWER_COLUMNS}, sync_id) "
                    "SELECT s.id, s.participant_id, s.question_id, s.question_type, s.seq, "
                    "{value}, {text}, s.method, s.language, :sync "
                    f"FROM {SOURCE}.answers s WHERE s.rowid > :start AND s.rowid <= :end "
                    "AND s.participant_id NOT IN (SELECT id FROM main.participants "
                    "WHERE withdrawn = 1) AND {which} ORDER BY s.rowid")
            as_sent = conn.execute(copy.format(
                value="s.value", text="s.text",
                which=f"NOT ({NEEDS_SCRUB} AND {CHANGED})"), span).rowcount
            result.redacted = conn.execute(copy.format(
                value="kiosk_scrub_value(s.value, s.language)",
                text="kiosk_scrub_text(s.text, s.language)",
                which=f"{NEEDS_SCRUB} AND {CHANGED}"), span).rowcount
            result.answers_added = as_sent + result.redacted
            for row in checker.suspects_in(conn):
                judge.answer(*row)  # raises SyncError naming the answer and field
        finish_batch(conn, batch, current, result, withdrawn_here)
    except (sqlite3.IntegrityError, sqlite3.OperationalError) as exc:
        # A row that breaks a rule can also break the copy (a NULL text, a value that is not
        # JSON): name it, as the rules would have.
        if judge.error is None and checker is not None:
            try:
                for row in checker.suspects_in(conn):
                    judge.answer(*row)
            except SyncError:
                pass
        conn.execute("ROLLBACK")
        if judge.error is not None:
            raise judge.error from None
        if isinstance(exc, sqlite3.OperationalError):
            raise
        raise does_not_fit(batch, exc) from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        if checker is not None:
            checker.join()
    conn.execute("COMMIT")
    return result
