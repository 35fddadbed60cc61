"""Copying spans of rows straight from the kiosk store, attached to a shared store file's
connection, checked by the SQL rules and by a checker thread on another core meanwhile."""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kiosk.core.redact import scrubber_version
from kiosk.store.sync.apply import begin_batch, does_not_fit, finish_batch
from kiosk.store.sync.errors import SyncError
from kiosk.store.sync.messages import Batch, BatchResult, StoreSpan
from kiosk.store.sync.rows import AnswerRow, ParticipantRow, Refusal, columns
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
from kiosk.store.sync.scrub import (
    SpanScrubs,
    plain_value,
    scrub_changed,
    scrubbed_text,
    scrubbed_value,
)
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
    """Called by SQL for a row the SQL rules refused: validate_batch has the last word. A row it
    refuses is left out of the copy and its message (naming the row and field) kept as a
    Refusal: one bad row never stops the rest."""

    def __init__(self, batch: StoreSpan):
        self.batch = batch
        self.refused: list[Refusal] = []

    def participant(self, *row: Any) -> int:
        # The record's fields, then the code's hash (which travels beside the rows).
        return self._judge("participants", row[1], participants=[ParticipantRow._make(row[:-1])],
                           code_hashes=[row[-1]])

    def answer(self, *row: Any) -> int:
        return self._judge("answers", row[1], answers=[AnswerRow._make(row)])

    def _judge(self, table: str, row_id: Any, **rows: Any) -> int:
        b = self.batch
        try:
            validate_batch(Batch(b.kiosk_id, b.sync_id, b.synced_at, b.base, b.mark, **rows))
        except SyncError as exc:
            self.refused.append(Refusal(table, str(row_id)[:64], str(exc)))
            return 0
        return 1  # the SQL rules were stricter than they need be: the row is fine


class _Redo(Exception):
    """The copy let in answers the rules refuse: roll back and copy again without them."""


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


def copy_span(conn: sqlite3.Connection, batch: StoreSpan,
              scrubs: SpanScrubs | None = None) -> BatchResult:
    """Copy one span of rows from the attached kiosk store in one transaction; safe to repeat.
    The same effect as apply_batch on a batch carrying those rows: checked by the same rules,
    scrubbed unless stamped by this scrubber, withdrawals kept out, and a row that breaks a rule
    refused alone (named in the result's `refused`) while the rest go in. `scrubs`: the
    scrubbing results of the sync's earlier spans, so that an answer repeated across spans is
    scrubbed once."""
    validate_batch(batch)  # the packs, events and withdrawals it carries
    # Answers the rules refuse, by the kiosk's rowid: found after a copy, which is then done
    # again without them (rare: a kiosk's own rows pass unless its store was tampered with).
    left_out: dict[int, Refusal] = {}
    scrubs = scrubs if scrubs is not None else SpanScrubs()
    conn.create_function("kiosk_scrub_text", 2, scrubs.text, deterministic=True)
    conn.create_function("kiosk_scrub_value", 2, scrubs.value, deterministic=True)
    conn.create_function("kiosk_scrub_changed", 3, scrubs.changed, deterministic=True)
    if batch.participants_span:
        # The sync's first span: are there answers to come that the scrubber will go over
        # again? None, from a kiosk of this version (they carry its stamp): the spans then
        # read nothing ahead for it. Some: its name lists load while the participants are
        # copied.
        if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {SOURCE}.answers s WHERE s.rowid > "
                        f":after AND {NEEDS_SCRUB})",
                        {"after": batch.base.answers_mark,
                         "ours": scrubber_version()}).fetchone()[0]:
            scrubs.load()
        else:
            scrubs.clear_after = batch.base.answers_mark
    checker = None
    prepared = None
    if batch.answers_span and scrubs.clear_after is not None and \
            batch.answers_span[0] >= scrubs.clear_after:
        # Nothing to scrub was there when the sync began (an answer saved since carries the
        # stamp; were it not, the copy would still ask the scrubber about it, row by row).
        checker = _start_checker(conn, batch.answers_span)
    elif batch.answers_span:
        span = batch.answers_span
        # Before the shared store's write lock is taken: the scrubber is the slow part. The
        # rules' check of the span runs on its own connection, beside the scrubbing when that
        # is done here, else (every core scrubbing) beside the copy.
        prepared = _Prepared(conn, span)
        checker = scrubs.prepare(itertools.chain(prepared.pairs(), _ahead(conn, span, scrubs)),
                                 lambda: _start_checker(conn, span))
        prepared.decide(scrubs)
    while True:
        try:
            return _copy_span(conn, batch, left_out, checker, prepared)
        except _Redo:
            continue
        finally:
            if checker is not None:
                checker.join()


def _start_checker(conn: sqlite3.Connection, span: tuple[int, int]) -> _Checker:
    """A _Checker of this span of answers, started."""
    checker = _Checker(_source_path(conn), {"start": span[0], "end": span[1]})
    checker.start()
    return checker


# The answers of the attached kiosk store that the copy scrubs again, in a span of rowids
# ({span}): (rowid, text, value, language).
_TO_SCRUB = ("SELECT s.rowid, s.text, s.value, s.language FROM " + SOURCE + ".answers s "
             "WHERE {span} AND " + NEEDS_SCRUB)


def _texts(value: Any, text: Any, language: Any) -> Iterator[tuple[str, str]]:
    """The (text, language) pairs the copy scrubs for one answer: its text and its value's
    words. One the copy asks for and this missed (an odd value) is simply scrubbed when asked."""
    if not isinstance(text, str) or not isinstance(language, str):
        return
    yield text, language
    if isinstance(value, str) and not plain_value(text, value):
        with contextlib.suppress(ValueError, RecursionError):  # left to the copy
            said = json.loads(value)
            if isinstance(said, str):
                yield said, language


def _ahead(conn: sqlite3.Connection, span: tuple[int, int], scrubs: SpanScrubs
           ) -> Iterator[tuple[str, str]]:
    """The texts of the answers after this span that the next spans will scrub, up to half of
    what `scrubs` keeps: scrubbed with this span's, so that every core is started once per
    sync rather than once per span, and the next spans' copies do not wait for them."""
    if scrubs.ahead_to >= span[1]:
        return
    budget = scrubs.limit // 2
    scrubs.ahead_to = span[1]
    for rowid, text, value, language in conn.execute(
            _TO_SCRUB.format(span="s.rowid > :end") + " ORDER BY s.rowid",
            {"end": span[1], "ours": scrubber_version()}):
        for pair in _texts(value, text, language):
            budget -= len(pair[0])
            yield pair
        scrubs.ahead_to = rowid
        if budget <= 0:
            return
    scrubs.ahead_to = 2**63 - 1  # every answer there is was read


class _Prepared:
    """The span's answers that go through the scrubber again, read ahead of the copy: their
    texts are scrubbed all at once, on every core, and which of them the scrubber changes is
    then known by row, so the copy need not call back into Python for each open answer (that
    cost more than the copy itself)."""

    def __init__(self, conn: sqlite3.Connection, span: tuple[int, int]):
        params = {"start": span[0], "end": span[1], "ours": scrubber_version()}
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN")  # the rows and their fingerprint from one snapshot
        try:
            self.rows: list[tuple[Any, ...]] = conn.execute(
                _TO_SCRUB.format(span="s.rowid > :start AND s.rowid <= :end"),
                params).fetchall()
            self.fingerprint = conn.execute(SPAN_FINGERPRINT.format(schema=f"{SOURCE}."),
                                            params).fetchone()
        finally:
            if own:
                conn.execute("COMMIT")
        self.span = params
        self.changed: str | None = None  # the rowids the scrubber changes, as a JSON list

    def pairs(self) -> Iterator[tuple[str, str]]:
        """The (text, language) pairs the copy of the span will scrub (see _texts)."""
        for _, text, value, language in self.rows:
            yield from _texts(value, text, language)

    def decide(self, scrubs: SpanScrubs) -> None:
        """Find which rows the scrubber changes, from what `scrubs` found. A row it cannot
        decide (a text or value that is not what it should be) leaves the copy to ask SQL's
        kiosk_scrub_changed for every row, as it would without this."""
        changed = []
        try:
            for rowid, text, value, language in self.rows:
                if scrubs.changed(text, value, language):
                    changed.append(rowid)
        except Exception:  # noqa: BLE001 - the copy asks again row by row and reports it
            return
        self.changed = json.dumps(changed)

    def which(self, conn: sqlite3.Connection) -> tuple[str, dict[str, Any]]:
        """The SQL condition for "the scrubber changes this answer" in the copy's snapshot,
        with its parameters: by row when the span holds the same answers as when it was read
        (answers are only added or deleted, never changed), else by asking the scrubber."""
        if self.changed is not None and self.fingerprint == conn.execute(
                SPAN_FINGERPRINT.format(schema=f"{SOURCE}."), self.span).fetchone():
            return ("s.rowid IN (SELECT value FROM json_each(:changed))",
                    {"changed": self.changed})
        return CHANGED, {}


def _copy_span(conn: sqlite3.Connection, batch: StoreSpan, left_out: dict[int, Refusal],
               checker: _Checker | None, prepared: _Prepared | None) -> BatchResult:
    result = BatchResult()
    judge = _Judge(batch)
    conn.create_function("kiosk_participant_fits", 10, judge.participant)
    conn.create_function("kiosk_answer_fits", 10, judge.answer)
    params = {"kiosk": batch.kiosk_id, "sync": batch.sync_id, "ours": scrubber_version(),
              "left_out": json.dumps(sorted(left_out))}
    # Each participant is checked in the same pass that copies it, each answer by a _Checker
    # meanwhile; an answer that breaks a rule makes the copy start again without it.
    participant_ok = (f"(CASE WHEN {PARTICIPANT_OK} AND {CODE_HASH_OK} THEN 1 ELSE "
                      f"kiosk_participant_fits(s.rowid, {columns(ParticipantRow, 's', skip=1)}, "
                      "s.code_hash) END)")
    # The copies below only let in rows whose parent (event, participant) is in the store, so
    # SQLite's own foreign key checks would look up each parent a second time: off for the
    # copy (it can only be changed outside a transaction), and the rows this transaction added
    # are checked once before it commits (_check_parents).
    conn.execute("PRAGMA foreign_keys=OFF")
    # Not BEGIN IMMEDIATE: that would take the kiosk store's write lock too and hold up the
    # answers being saved meanwhile. begin_batch writes first, which takes the shared store's.
    conn.execute("BEGIN")
    try:
        current = begin_batch(conn, batch, "file")
        before = _last_rowids(conn)
        withdrawn_here: set[str] = set()
        if batch.participants_span:
            span = {**params, "start": batch.participants_span[0],
                    "end": batch.participants_span[1]}
            result.participants_added = conn.execute(
                f"INSERT OR IGNORE INTO main.participants ({PARTICIPANT_COLUMNS}, sync_id, "
                f"code_hash) SELECT {columns(ParticipantRow, 's', skip=1)}, :sync, s.code_hash "
                f"FROM {SOURCE}.participants s WHERE s.rowid > :start AND s.rowid <= :end "
                "AND (s.event_id IS NULL OR s.event_id IN (SELECT id FROM main.events)) "
                f"AND {participant_ok} ORDER BY s.rowid", span).rowcount
            withdrawn_here = {r[0] for r in conn.execute(
                f"SELECT id FROM {SOURCE}.participants WHERE rowid > :start AND "
                "rowid <= :end AND withdrawn = 1", span)}
            for (pid, event_id) in conn.execute(
                    f"SELECT id, event_id FROM {SOURCE}.participants s WHERE rowid > :start "
                    "AND rowid <= :end AND event_id IS NOT NULL AND event_id NOT IN "
                    "(SELECT id FROM main.events)", span):
                judge.refused.append(Refusal("participants", str(pid)[:64],
                                             f"participant {pid}: its event {event_id} did "
                                             "not arrive"))
        if batch.answers_span:
            assert checker is not None  # started by copy_span for every span of answers
            changed, known = prepared.which(conn) if prepared is not None else (CHANGED, {})
            span = {**params, **known, "start": batch.answers_span[0],
                    "end": batch.answers_span[1]}
            # A participant's answers never come back once they withdrew, even from an old
            # batch; two statements so that only answers actually added count as scrubbed.
            copy = (f"INSERT OR IGNORE INTO main.answers ({ANSWER_COLUMNS}, sync_id) "
                    "SELECT s.id, s.participant_id, s.question_id, s.question_type, s.seq, "
                    "{value}, {text}, s.method, s.language, :sync "
                    f"FROM {SOURCE}.answers s WHERE s.rowid > :start AND s.rowid <= :end "
                    # First: the second statement (answers the scrubber changed: few or none)
                    # then passes over the others without looking their participants up.
                    "AND {which} "
                    "AND s.participant_id NOT IN (SELECT id FROM main.participants "
                    # The unary + keeps SQLite reading the span in rowid order, checking
                    # each participant by its key: else it walks the kiosk's answers
                    # participant by participant and sorts them back (half the copy's time).
                    "WHERE withdrawn = 1) AND +s.participant_id IN "
                    "(SELECT id FROM main.participants) AND s.rowid NOT IN "
                    "(SELECT value FROM json_each(:left_out)) ORDER BY s.rowid")
            # Into an answers table holding fewer answers than the span brings (a new shared
            # store): the secondary index is built once after the copy, from sorted rows,
            # rather than row by row at random places (a third of the copy's time). Dropped
            # and made again inside this transaction: a sync killed meanwhile leaves the old
            # store, index and all, and the index is made again from its own text, so the
            # schema stays exactly as opening the store checks it.
            rebuild = _indexes_to_rebuild(conn, batch.answers_span)
            for name, _ in rebuild:
                conn.execute(f'DROP INDEX main."{name}"')
            as_sent = conn.execute(copy.format(
                value="s.value", text="s.text",
                which=f"NOT ({NEEDS_SCRUB} AND {changed})"), span).rowcount
            result.redacted = conn.execute(copy.format(
                value="kiosk_scrub_value(s.value, s.language)",
                text="kiosk_scrub_text(s.text, s.language)",
                which=f"{NEEDS_SCRUB} AND {changed}"), span).rowcount
            result.answers_added = as_sent + result.redacted
            # Answers whose participant is not here were left out by the copy: look for them
            # only when the copy left some out (never on a first sync; a scan of the span).
            if result.answers_added < conn.execute(
                    f"SELECT COUNT(*) FROM {SOURCE}.answers WHERE rowid > :start "
                    "AND rowid <= :end", span).fetchone()[0]:
                _missing_participants(conn, span, judge, result)
            for _, sql in rebuild:
                conn.execute(sql)
            if _leave_out(checker.suspects_in(conn), judge, left_out):
                raise _Redo
        finish_batch(conn, batch, current, result, withdrawn_here)
        _check_parents(conn, before)
    except (sqlite3.IntegrityError, sqlite3.OperationalError) as exc:
        # A row that breaks a rule can also break the copy (a NULL text, a value that is not
        # JSON): leave it out and copy again, as for any row the rules refuse.
        again = checker is not None and _leave_out(checker.suspects_in(conn), judge, left_out)
        conn.execute("ROLLBACK")
        if again:
            raise _Redo from None
        if isinstance(exc, sqlite3.OperationalError):
            raise
        raise does_not_fit(batch, exc) from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
    finally:
        if not conn.in_transaction:  # else a failed COMMIT: the connection is closed anyway
            conn.execute("PRAGMA foreign_keys=ON")
    result.refused = [r for r in judge.refused if r.table == "participants"] + \
        list(left_out.values()) + [r for r in judge.refused if r.table == "answers"]
    return result


def _leave_out(suspects: list[tuple[Any, ...]], judge: _Judge,
               left_out: dict[int, Refusal]) -> bool:
    """Judge the answers the rules refused; note those refused and not yet left out. Returns
    whether there were any (the copy is then done again without them)."""
    new = False
    for row in suspects:
        if row[0] in left_out:
            continue
        before = len(judge.refused)
        if not judge.answer(*row):
            left_out[row[0]] = judge.refused.pop(before)
            new = True
    return new


def _missing_participants(conn: sqlite3.Connection, span: dict[str, Any], judge: _Judge,
                          result: BatchResult) -> None:
    """The span's answers whose participant is not in the shared store: refused with it when it
    was refused in this batch, else named in `result.missing` (see BatchResult.missing)."""
    refused = {r.id for r in judge.refused if r.table == "participants"}
    for answer_id, participant_id in conn.execute(
            f"SELECT s.id, s.participant_id FROM {SOURCE}.answers s WHERE s.rowid > :start "
            "AND s.rowid <= :end AND s.participant_id NOT IN (SELECT id FROM main.participants)",
            span):
        if participant_id in refused:
            judge.refused.append(Refusal("answers", str(answer_id)[:64],
                                         f"answer {answer_id}: its participant "
                                         f"{participant_id} was kept back"))
        else:
            result.missing.append((str(answer_id), str(participant_id)))


def _last_rowids(conn: sqlite3.Connection) -> tuple[int, int]:
    """The shared store's last participant and answer row numbers: rows past them are new."""
    row = conn.execute("SELECT (SELECT COALESCE(MAX(rowid), 0) FROM main.participants), "
                       "(SELECT COALESCE(MAX(rowid), 0) FROM main.answers)").fetchone()
    return int(row[0]), int(row[1])


def _check_parents(conn: sqlite3.Connection, before: tuple[int, int]) -> None:
    """What the foreign keys would have checked, for the rows this transaction added: each
    participant's event and each answer's participant are in the store. Raises IntegrityError
    (the batch is then refused whole, as the foreign keys would have made it)."""
    orphan = conn.execute(
        "SELECT 'participant ' || id || ': its event is not in the store' FROM "
        "main.participants WHERE rowid > ? AND event_id IS NOT NULL AND event_id NOT IN "
        "(SELECT id FROM main.events) UNION ALL SELECT 'answer ' || id || ': its participant "
        "is not in the store' FROM main.answers WHERE rowid > ? AND participant_id NOT IN "
        "(SELECT id FROM main.participants) LIMIT 1", before).fetchone()
    if orphan is not None:
        raise sqlite3.IntegrityError(f"FOREIGN KEY constraint failed ({orphan[0]})")


def _indexes_to_rebuild(conn: sqlite3.Connection, span: tuple[int, int]) -> list[tuple[str, str]]:
    """The answers table's own indexes (name, text), when the span may bring more answers than
    the table holds: cheaper made again after the copy than kept up row by row. SQLite's
    indexes for the keys (autoindexes, with no text) cannot be dropped and stay."""
    held = conn.execute("SELECT COUNT(*) FROM main.answers").fetchone()[0]
    if span[1] - span[0] < held:
        return []
    return [(str(name), str(sql)) for name, sql in conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = 'answers' "
        "AND sql IS NOT NULL ORDER BY name")]
