"""Sync: merge one kiosk's contributions into a shared store, exactly once, in atomic batches.

A kiosk sends what is new since the shared store last heard from it. The shared store keeps, per
kiosk, a high-water mark: the kiosk's own ``answers.rowid`` of the last answer it received (with
that answer's id, so a row number reused after a withdrawal is noticed) and the same for
participants. The mark is committed in the same transaction as the rows it covers, so a sync killed
at any moment leaves the shared store either without a batch or with all of it, and the next sync
starts from where the last committed batch ended. Answers are keyed by their random id, so
resending is harmless. The kiosk also keeps its own note of each destination's mark
(``kiosk.sqlite.sync-marks.json``) to tell staff when a shared file was swapped or restored from an
older copy; the shared store's own mark always decides what is sent.

Withdrawals travel too: the shared store deletes the participant's answers and keeps the tombstone.

Every incoming row is checked (types, lengths, known values) before anything is written, and each
open answer's text goes through the personal-details scrubber again on arrival unless it is
stamped as scrubbed by this very scrubber (``scrubbed_with``, see
``kiosk.core.redact.scrubber_version``): the second pass is for stores written by older kiosks and
older scrubbers, and the same scrubber run twice finds nothing new. The stamp is a record of what
the kiosk software did, not a defence against a sender that lies: a sender able to forge it could
as well send details phrased so that no scrubber finds them.

Library use (the staff screen)::

    report = sync_to_file(Store(store_in(data_dir)), "/media/stick/shared.sqlite",
                          progress=lambda done, total: ...)
    report.answers_added, report.withdrawals_applied, report.message()
"""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import quote

from kiosk.core.answers import METHODS
from kiosk.core.pack import QUESTION_TYPES
from kiosk.core.redact import redact, scrubber_version
from kiosk.ids import new_id
from kiosk.store.db import Store
from kiosk.store.shared import SharedStoreError, one_line, open_shared_store

# Progress: called with (rows sent so far, rows to send in this sync).
Progress = Callable[[int, int], None]

# Limits on incoming rows: longer means a broken or hostile source.
MAX_ANSWER_TEXT = 10_000
MAX_VALUE_TEXT = 30_000
MAX_NAME = 500
MAX_PACK_SOURCE = 1_000_000
MAX_SEQ = 1_000_000
# How much one batch (one transaction on the shared side, one request to a hub) may carry.
BATCH_ROWS = 5_000
BATCH_BYTES = 4_000_000
# How many rows one transaction copies into a shared store file: fewer commits (each an fsync
# on the stick) against more work lost to a pulled stick.
SPAN_ROWS = 50_000

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PACK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SCRUBBER = re.compile(r"^[0-9a-f]{16}$")


class SyncError(Exception):
    """A sync that could not be done, with a one-line reason and what to do. Nothing changed."""


@dataclass
class KioskMark:
    """How far a kiosk's contributions have reached one shared store."""

    answers_mark: int = 0
    answers_mark_id: str | None = None
    participants_mark: int = 0
    withdrawals: int = 0


@dataclass
class DestinationState:
    """What a shared store says before a sync: its id and this kiosk's mark there."""

    store_id: str
    mark: KioskMark


@dataclass
class Batch:
    """Rows to apply to a shared store in one transaction; lists of plain values (JSON-ready)."""

    kiosk_id: str
    sync_id: str
    synced_at: str  # YYYY-MM-DD HH:MM: staff information, never attached to participants
    base: KioskMark  # the mark this batch continues from
    mark: KioskMark  # the mark once this batch is in
    packs: list[list[Any]] = field(default_factory=list)
    events: list[list[Any]] = field(default_factory=list)
    participants: list[list[Any]] = field(default_factory=list)
    answers: list[list[Any]] = field(default_factory=list)
    withdrawn: list[str] | None = None  # every withdrawn participant of the kiosk, when sent
    # Per answer, the scrubber that made its text (None: unknown). Missing from older kiosks'
    # batches, and ignored by older hubs, which scrub everything: both stay correct.
    scrubbed_with: list[str | None] | None = None

    def rows(self) -> int:
        """Participants and answers carried (what progress counts)."""
        return len(self.participants) + len(self.answers)

    def to_json(self) -> dict[str, Any]:
        """The batch as a JSON object (for the hub)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Batch:
        """A batch from a JSON object; raises SyncError naming the first field that is wrong."""
        if not isinstance(data, dict):
            raise SyncError("batch: must be a JSON object")
        try:
            base = KioskMark(**_dict(data.get("base"), "base"))
            mark = KioskMark(**_dict(data.get("mark"), "mark"))
            fields = {k: data.get(k) for k in ("kiosk_id", "sync_id", "synced_at", "packs",
                                                "events", "participants", "answers", "withdrawn",
                                                "scrubbed_with")}
        except TypeError as exc:
            raise SyncError(f"batch: unexpected mark fields ({exc})") from None
        for key in ("packs", "events", "participants", "answers"):
            if not isinstance(fields[key], list):
                raise SyncError(f"batch: field '{key}' must be a list")
        batch = cls(base=base, mark=mark, **cast(dict[str, Any], fields))
        validate_batch(batch)
        return batch


@dataclass
class StoreSpan(Batch):
    """A batch that names rows of the kiosk store instead of carrying them: rowids in
    (start, end] of participants or of answers. A shared store file copies them in SQL from the
    kiosk store, attached to its connection, checking and scrubbing them on the way
    (`copy_span`); this is what makes a sync as fast as the sqlite3 tool's import. Never sent
    over the network: a hub gets the rows themselves."""

    participants_span: tuple[int, int] | None = None
    answers_span: tuple[int, int] | None = None
    count: int = 0  # rows in the span

    def rows(self) -> int:
        """Participants and answers named."""
        return self.count


def _dict(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SyncError(f"batch: field '{name}' must be an object")
    return value


@dataclass
class BatchResult:
    """What one batch changed on the shared side."""

    participants_added: int = 0
    answers_added: int = 0
    withdrawals_applied: int = 0
    redacted: int = 0


@dataclass
class SyncReport:
    """What a whole sync did, for the staff screen."""

    destination: str
    store_id: str
    sync_id: str
    batches: int = 0
    participants_added: int = 0
    answers_added: int = 0
    withdrawals_applied: int = 0
    redacted: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, result: BatchResult) -> None:
        """Count one applied batch."""
        self.batches += 1
        self.participants_added += result.participants_added
        self.answers_added += result.answers_added
        self.withdrawals_applied += result.withdrawals_applied
        self.redacted += result.redacted

    def message(self) -> str:
        """One sentence for staff."""
        if not (self.participants_added or self.answers_added or self.withdrawals_applied):
            return f"{self.destination}: already up to date; nothing new to send."
        text = (f"{self.destination}: added {self.answers_added} answers from "
                f"{self.participants_added} participants")
        if self.withdrawals_applied:
            text += f"; removed the answers of {self.withdrawals_applied} who withdrew"
        if self.redacted:
            text += f"; removed personal details from {self.redacted} answers"
        return text + "."


class Destination(Protocol):
    """Where a sync sends batches: a shared store file, or a hub."""

    name: str

    def state(self, kiosk_id: str) -> DestinationState:
        """The shared store's id and this kiosk's mark there."""

    def apply(self, batch: Batch) -> BatchResult:
        """Apply one batch atomically; safe to repeat."""


# Checking incoming rows -------------------------------------------------------------------------

def _check(ok: bool, where: str, problem: str) -> None:
    if not ok:
        raise SyncError(f"{where}: {problem}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: Any, where: str, limit: int, pattern: re.Pattern[str] | None = None,
          empty: bool = False) -> None:
    _check(isinstance(value, str), where, f"must be text, got {type(value).__name__}")
    _check(len(value) <= limit, where, f"is {len(value)} characters long; the limit is {limit}")
    _check(empty or bool(value), where, "is empty")
    if pattern is not None:
        _check(bool(pattern.fullmatch(value)), where,
               f"'{value[:40]}' is not in the expected form")


def _date(value: Any, where: str) -> None:
    _text(value, where, 10, _DATE)
    try:
        date.fromisoformat(value)
    except ValueError:
        raise SyncError(f"{where}: '{value}' is not a real date") from None


def _value(value: Any, qtype: str, where: str) -> None:
    if value is None:
        return
    _text(value, where, MAX_VALUE_TEXT)
    try:
        decoded = json.loads(value)
    except ValueError:
        raise SyncError(f"{where}: is not JSON") from None
    ok = {
        "open": isinstance(decoded, str),
        "choice": isinstance(decoded, str),
        "scale": isinstance(decoded, str),
        "yesno": isinstance(decoded, bool),
        "multi": isinstance(decoded, list) and all(isinstance(v, str) for v in decoded),
    }[qtype]
    _check(ok, where, f"does not fit a {qtype} question")


def validate_batch(batch: Batch) -> None:
    """Check every row of a batch: types, lengths, known values. Raises SyncError on the first
    problem, naming the row and field, before anything is written."""
    _text(batch.kiosk_id, "batch kiosk_id", 64, _ID)
    _text(batch.sync_id, "batch sync_id", 64, _ID)
    _text(batch.synced_at, "batch synced_at", 16, re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
    for name, mark in (("base", batch.base), ("mark", batch.mark)):
        for key in ("answers_mark", "participants_mark", "withdrawals"):
            v = getattr(mark, key)
            _check(_is_int(v) and 0 <= v < 2**62, f"batch {name}.{key}", "must be a whole number")
        if mark.answers_mark_id is not None:
            _text(mark.answers_mark_id, f"batch {name}.answers_mark_id", 64, _ID)
    for i, row in enumerate(batch.packs):
        where = f"pack {i + 1}"
        _check(isinstance(row, list) and len(row) == 5, where, "must have 5 fields")
        _text(row[0], f"{where} id", 64, _PACK_ID)
        _check(_is_int(row[1]) and 1 <= row[1] < 2**31, f"{where} version",
               "must be a whole number")
        _text(row[2], f"{where} title", MAX_NAME * 4)
        _text(row[3], f"{where} source", MAX_PACK_SOURCE)
        _text(row[4], f"{where} sha256", 64, _SHA256)
    for row in batch.events:
        where = f"event {row[0] if isinstance(row, list) and row else '?'}"
        _check(isinstance(row, list) and len(row) == 5, where, "must have 5 fields")
        _text(row[0], f"{where} id", 64, _ID)
        _text(row[1], f"{where} name", MAX_NAME)
        _text(row[2], f"{where} venue", MAX_NAME, empty=True)
        _date(row[3], f"{where} date")
        _check(row[4] == batch.kiosk_id, f"{where} kiosk_id", "is not the sending kiosk")
    for row in batch.participants:
        where = f"participant {row[1] if isinstance(row, list) and len(row) > 1 else '?'}"
        _check(isinstance(row, list) and len(row) == 9, where, "must have 9 fields")
        _check(_is_int(row[0]) and row[0] > 0, f"{where} rowid", "must be a whole number")
        _text(row[1], f"{where} id", 64, _ID)
        _check(row[2] == batch.kiosk_id, f"{where} kiosk_id", "is not the sending kiosk")
        if row[3] is not None:
            _text(row[3], f"{where} event_id", 64, _ID)
        _text(row[4], f"{where} pack_id", 64, _PACK_ID)
        _check(_is_int(row[5]) and 1 <= row[5] < 2**31, f"{where} pack_version",
               "must be a whole number")
        _text(row[6], f"{where} language", 6, _LANGUAGE)
        _date(row[7], f"{where} date")
        _check(row[8] in (0, 1) and not isinstance(row[8], bool), f"{where} withdrawn",
               "must be 0 or 1")
    for row in batch.answers:
        where = f"answer {row[1] if isinstance(row, list) and len(row) > 1 else '?'}"
        _check(isinstance(row, list) and len(row) == 10, where, "must have 10 fields")
        _check(_is_int(row[0]) and row[0] > 0, f"{where} rowid", "must be a whole number")
        _text(row[1], f"{where} id", 64, _ID)
        _text(row[2], f"{where} participant_id", 64, _ID)
        _text(row[3], f"{where} question_id", 64, _PACK_ID)
        _check(row[4] in QUESTION_TYPES, f"{where} question_type",
               f"'{str(row[4])[:20]}' is not one of {', '.join(QUESTION_TYPES)}")
        _check(_is_int(row[5]) and 0 <= row[5] <= MAX_SEQ, f"{where} seq",
               "must be a whole number")
        _value(row[6], row[4], f"{where} value")
        _text(row[7], f"{where} text", MAX_ANSWER_TEXT, empty=True)
        _check(row[8] in METHODS, f"{where} method",
               f"'{str(row[8])[:20]}' is not one of {', '.join(METHODS)}")
        _text(row[9], f"{where} language", 6, _LANGUAGE)
    if batch.withdrawn is not None:
        _check(isinstance(batch.withdrawn, list), "batch withdrawn", "must be a list")
        for pid in batch.withdrawn:
            _text(pid, "withdrawn participant id", 64, _ID)
    if batch.scrubbed_with is not None:
        _check(isinstance(batch.scrubbed_with, list)
               and len(batch.scrubbed_with) == len(batch.answers), "batch scrubbed_with",
               "must be a list with one entry per answer")
        for stamp in batch.scrubbed_with:
            if stamp is not None:
                _text(stamp, "batch scrubbed_with", 16, _SCRUBBER)


# Reading what is new on the kiosk ---------------------------------------------------------------

def _read_batches(store: Store, state: DestinationState, sync_id: str, synced_at: str,
                  notes: list[str], max_rows: int, max_bytes: int, spans: bool = False
                  ) -> tuple[int, Iterator[Batch]]:
    """How many rows are new, and the batches that carry them (read in one snapshot).

    With `spans`, the batches name the rows (StoreSpan) instead of carrying them, for a
    destination that copies them from the kiosk store itself.
    """
    conn = sqlite3.connect(str(store.path), isolation_level=None, timeout=30)
    conn.execute("BEGIN")  # one consistent snapshot while the kiosk may go on writing
    mark = state.mark
    base = KioskMark(**asdict(mark))
    if mark.answers_mark:
        row = conn.execute("SELECT id FROM answers WHERE rowid = ?",
                           (mark.answers_mark,)).fetchone()
        if row is None or row[0] != mark.answers_mark_id:
            # The last answer it received was withdrawn (its row number may be reused) or this
            # store was restored: resend everything; the shared side keeps each answer once.
            notes.append("the shared store's record of this kiosk did not match; sending all "
                         "contributions again (each is kept once)")
            base = KioskMark(0, None, 0, mark.withdrawals)
    withdrawn_count = conn.execute(
        "SELECT COUNT(*) FROM participants WHERE withdrawn = 1").fetchone()[0]
    total = (conn.execute("SELECT COUNT(*) FROM participants WHERE rowid > ?",
                          (base.participants_mark,)).fetchone()[0]
             + conn.execute("SELECT COUNT(*) FROM answers WHERE rowid > ?",
                            (base.answers_mark,)).fetchone()[0])

    def packs_and_events() -> tuple[list[list[Any]], list[list[Any]]]:
        return ([list(r) for r in conn.execute(
                    "SELECT id, version, title, source, sha256 FROM packs ORDER BY rowid")],
                [list(r) for r in conn.execute(
                    "SELECT id, name, venue, date, kiosk_id FROM events ORDER BY rowid")])

    def withdrawn() -> list[str] | None:
        if withdrawn_count == base.withdrawals:
            return None
        return [r[0] for r in conn.execute("SELECT id FROM participants WHERE withdrawn = 1")]

    def span_batches() -> Iterator[Batch]:
        try:
            batch = StoreSpan(store.kiosk_id, sync_id, synced_at, KioskMark(**asdict(base)),
                              KioskMark(**asdict(base)))
            batch.packs, batch.events = packs_and_events()
            # Participants first, so every answer's participant is already there.
            for table in ("participants", "answers"):
                start = getattr(base, f"{table}_mark")
                while True:
                    row = conn.execute(
                        f"SELECT rowid, id, (SELECT COUNT(*) FROM (SELECT 1 FROM {table} "
                        f"WHERE rowid > ?1 LIMIT ?2)) FROM {table} WHERE rowid > ?1 "
                        "ORDER BY rowid LIMIT 1 OFFSET "
                        f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE rowid > ?1 "
                        "LIMIT ?2)) - 1", (start, max_rows)).fetchone()
                    if row is None:
                        break
                    if batch.count:
                        yield batch
                        batch = StoreSpan(store.kiosk_id, sync_id, synced_at,
                                          KioskMark(**asdict(batch.mark)),
                                          KioskMark(**asdict(batch.mark)))
                    last, last_id, count = row
                    batch.count = count
                    if table == "participants":
                        batch.participants_span = (start, last)
                        batch.mark.participants_mark = last
                    else:
                        batch.answers_span = (start, last)
                        batch.mark.answers_mark, batch.mark.answers_mark_id = last, last_id
                    start = last
            batch.withdrawn = withdrawn()
            if batch.withdrawn is not None:
                batch.mark.withdrawals = len(batch.withdrawn)
            yield batch
        finally:
            conn.close()

    def batches() -> Iterator[Batch]:
        try:
            packs, events = packs_and_events()
            batch = _new_batch(store.kiosk_id, sync_id, synced_at, base)
            batch.packs, batch.events = packs, events
            size = sum(len(r[3]) for r in packs)
            participants = conn.execute(
                "SELECT rowid, id, kiosk_id, event_id, pack_id, pack_version, language, date, "
                "withdrawn FROM participants WHERE rowid > ? ORDER BY rowid",
                (base.participants_mark,))
            answers = conn.execute(
                "SELECT rowid, id, participant_id, question_id, question_type, seq, value, "
                "text, method, language, scrubbed_with FROM answers WHERE rowid > ? "
                "ORDER BY rowid",
                (base.answers_mark,))
            # Participants first, so every answer's participant is already there.
            for kind, cursor in (("p", participants), ("a", answers)):
                while rows := cursor.fetchmany(1000):
                    for row in rows:
                        if batch.rows() >= max_rows or size >= max_bytes:
                            yield batch
                            batch = _new_batch(store.kiosk_id, sync_id, synced_at,
                                               KioskMark(**asdict(batch.mark)))
                            size = 0
                        if kind == "p":
                            batch.participants.append(list(row))
                            batch.mark.participants_mark = row[0]
                            size += 200
                        else:
                            batch.answers.append(list(row[:10]))
                            assert batch.scrubbed_with is not None
                            batch.scrubbed_with.append(row[10])
                            batch.mark.answers_mark, batch.mark.answers_mark_id = row[0], row[1]
                            size += 200 + len(row[7]) * 3 + len(row[6] or "") * 3
            batch.withdrawn = withdrawn()
            if batch.withdrawn is not None:
                batch.mark.withdrawals = len(batch.withdrawn)
            yield batch
        finally:
            conn.close()

    return total, span_batches() if spans else batches()


def _new_batch(kiosk_id: str, sync_id: str, synced_at: str, base: KioskMark) -> Batch:
    return Batch(kiosk_id, sync_id, synced_at, KioskMark(**asdict(base)),
                 KioskMark(**asdict(base)), scrubbed_with=[])


# Applying a batch on the shared side ------------------------------------------------------------

@functools.lru_cache(maxsize=10_000)  # short answers ("more time") recur; redact() is pure
def _scrub(text: str, language: str) -> tuple[str, bool]:
    """Second line of defence: the kiosk scrubbed the text before saving; scrub it again."""
    result = redact(text, language)
    return result.text, result.text != text


def apply_batch(conn: sqlite3.Connection, batch: Batch, via: str) -> BatchResult:
    """Apply a checked batch to an open shared store in one transaction; safe to repeat."""
    validate_batch(batch)
    result = BatchResult()
    # Scrub before the write lock is taken: the scrubber is the slow part.
    answers = []
    ours = scrubber_version()
    stamps = batch.scrubbed_with or [None] * len(batch.answers)
    for row, stamp in zip(batch.answers, stamps, strict=True):
        text, value, changed = row[7], row[6], False
        # Only free text can hold personal details; choice answers are the pack's own words.
        if row[4] == "open" and (ours is None or stamp != ours):
            text, changed = _scrub(row[7], row[9])
            if value is not None:
                said = json.loads(value)
                scrubbed, value_changed = (text, changed) if said == row[7] else \
                    _scrub(said, row[9])
                changed = changed or value_changed
                value = json.dumps(scrubbed, ensure_ascii=False)
        answers.append(((row[1], row[2], row[3], row[4], row[5], value, text, row[8], row[9],
                         batch.sync_id, row[2]), changed))
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = _begin_batch(conn, batch, via)
        result.participants_added = conn.executemany(
            "INSERT OR IGNORE INTO participants (id, kiosk_id, event_id, pack_id, pack_version, "
            "language, date, withdrawn, sync_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row[1:], batch.sync_id) for row in batch.participants]).rowcount
        # A participant's answers never come back once they withdrew, even from an old batch.
        insert_answer = (
            "INSERT OR IGNORE INTO answers (id, participant_id, question_id, question_type, seq, "
            "value, text, method, language, sync_id) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM participants WHERE id = ? AND withdrawn = 1)")
        # Two groups so that only answers actually added count as scrubbed on arrival.
        as_sent = conn.executemany(insert_answer, [a for a, c in answers if not c]).rowcount
        result.redacted = conn.executemany(insert_answer, [a for a, c in answers if c]).rowcount
        result.answers_added = as_sent + result.redacted
        _finish_batch(conn, batch, current, result,
                      {row[1] for row in batch.participants if row[8] == 1})
    except sqlite3.IntegrityError as exc:
        conn.execute("ROLLBACK")
        raise _does_not_fit(batch, exc) from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def _does_not_fit(batch: Batch, exc: sqlite3.Error) -> SyncError:
    return SyncError(f"batch from kiosk {batch.kiosk_id}: does not fit the shared store ({exc}); "
                     "nothing was written")


def _begin_batch(conn: sqlite3.Connection, batch: Batch, via: str) -> KioskMark:
    """Inside the batch's transaction: record the sync, the kiosk, its packs and events; return
    the kiosk's mark as it stood before this batch."""
    # A write first, so the transaction holds the write lock before it reads anything.
    conn.execute("INSERT INTO kiosks (id, first_sync_on, last_sync_on) VALUES (?, ?, ?) "
                 "ON CONFLICT (id) DO NOTHING",
                 (batch.kiosk_id, batch.synced_at[:10], batch.synced_at[:10]))
    current = conn.execute(
        "SELECT answers_mark, answers_mark_id, participants_mark, withdrawals FROM kiosks "
        "WHERE id = ?", (batch.kiosk_id,)).fetchone()
    conn.execute(
        "INSERT INTO syncs (id, kiosk_id, synced_at, via) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (id) DO NOTHING", (batch.sync_id, batch.kiosk_id, batch.synced_at, via))
    conn.executemany("INSERT OR IGNORE INTO packs (id, version, title, source, sha256) "
                     "VALUES (?, ?, ?, ?, ?)", batch.packs)
    conn.executemany("INSERT OR IGNORE INTO events (id, name, venue, date, kiosk_id) "
                     "VALUES (?, ?, ?, ?, ?)", batch.events)
    return KioskMark(*current)


def _finish_batch(conn: sqlite3.Connection, batch: Batch, old: KioskMark, result: BatchResult,
                  withdrawn_in_batch: set[str]) -> None:
    """Inside the batch's transaction: apply withdrawals, move the kiosk's mark, count."""
    withdrawn = set(batch.withdrawn or []) | withdrawn_in_batch
    for pid in withdrawn:
        # Only the sending kiosk may withdraw its own participants.
        changed = conn.execute(
            "UPDATE participants SET withdrawn = 1 WHERE id = ? AND kiosk_id = ? "
            "AND withdrawn = 0", (pid, batch.kiosk_id)).rowcount
        deleted = conn.execute(
            "DELETE FROM answers WHERE participant_id = ? AND participant_id IN "
            "(SELECT id FROM participants WHERE kiosk_id = ?)",
            (pid, batch.kiosk_id)).rowcount
        if changed or deleted:
            result.withdrawals_applied += 1
    new = KioskMark(**asdict(old))
    # A mark may say "everything up to here has arrived" only for rows this batch or an
    # earlier one brought: advance when the batch continues from what is here (a stale retry
    # changes nothing); a batch that starts again from 0 says so exactly, so take its mark.
    if batch.base.answers_mark == 0 or (
            batch.base.answers_mark <= old.answers_mark <= batch.mark.answers_mark):
        new.answers_mark = batch.mark.answers_mark
        new.answers_mark_id = batch.mark.answers_mark_id
    if batch.base.participants_mark == 0 or (
            batch.base.participants_mark <= old.participants_mark):
        new.participants_mark = max(batch.mark.participants_mark,
                                    old.participants_mark if batch.base.participants_mark
                                    else 0)
    if batch.withdrawn is not None:
        new.withdrawals = len(set(batch.withdrawn))
    conn.execute(
        "UPDATE kiosks SET last_sync_on = ?, answers_mark = ?, answers_mark_id = ?, "
        "participants_mark = ?, withdrawals = ? WHERE id = ?",
        (batch.synced_at[:10], new.answers_mark, new.answers_mark_id,
         new.participants_mark, new.withdrawals, batch.kiosk_id))
    conn.execute(
        "UPDATE syncs SET participants_added = participants_added + ?, "
        "answers_added = answers_added + ?, withdrawals_applied = withdrawals_applied + ?, "
        "redacted = redacted + ? WHERE id = ?",
        (result.participants_added, result.answers_added, result.withdrawals_applied,
         result.redacted, batch.sync_id))


# Copying spans straight from the kiosk store -------------------------------------------------

SOURCE = "kiosk_source"  # the kiosk store's schema name while attached to a shared store


def _ascii(c: str) -> str:
    # Byte length equals character length only for ASCII text with no NUL (SQLite's text
    # functions stop at a NUL, so a NUL could hide what follows it from GLOB and length()).
    return f"typeof({c}) = 'text' AND length(CAST({c} AS BLOB)) = length({c})"


def _sql_id(c: str) -> str:
    return f"({_ascii(c)} AND length({c}) BETWEEN 1 AND 64 AND {c} NOT GLOB '*[^A-Za-z0-9_-]*')"


def _sql_pack_id(c: str) -> str:
    return (f"({_ascii(c)} AND length({c}) BETWEEN 1 AND 64 AND {c} GLOB '[A-Za-z0-9]*' "
            f"AND {c} NOT GLOB '*[^A-Za-z0-9_.-]*')")


def _sql_language(c: str) -> str:
    return (f"({_ascii(c)} AND ({c} GLOB '[a-z][a-z]' OR {c} GLOB '[a-z][a-z][a-z]' OR "
            f"{c} GLOB '[a-z][a-z]_[A-Z][A-Z]' OR {c} GLOB '[a-z][a-z][a-z]_[A-Z][A-Z]'))")


def _sql_int(c: str, low: int, high: int) -> str:
    return f"(typeof({c}) = 'integer' AND {c} BETWEEN {low} AND {high})"


def _sql_text(c: str, limit: int) -> str:
    return (f"(typeof({c}) = 'text' AND length({c}) <= {limit} "
            f"AND instr(CAST({c} AS BLOB), x'00') = 0)")


def _sql_in(c: str, values: tuple[str, ...]) -> str:
    return f"(typeof({c}) = 'text' AND {c} IN ({', '.join(repr(v) for v in values)}))"


# The same rules as validate_batch, in SQL, so that a span is checked at SQLite's speed. They
# may be stricter than validate_batch, never looser: a row they refuse is looked at again by
# validate_batch, which names the field or lets it pass (tests/test_sync.py checks both agree).
_PARTICIPANT_OK = " AND ".join((
    _sql_id("s.id"), "s.kiosk_id IS :kiosk",
    f"(s.event_id IS NULL OR {_sql_id('s.event_id')})", _sql_pack_id("s.pack_id"),
    _sql_int("s.pack_version", 1, 2**31 - 1), _sql_language("s.language"),
    "(typeof(s.date) = 'text' AND length(CAST(s.date AS BLOB)) = 10 AND "
    "s.date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND s.date >= '0001-01-01' AND "
    # '+0 days' makes date() roll an impossible day over (2024-02-30 becomes 2024-03-01)
    "date(s.date, '+0 days') = s.date)",
    "(typeof(s.withdrawn) = 'integer' AND s.withdrawn IN (0, 1))"))
# A value is plainly a JSON string, or true/false; anything else (escapes, lists) is decoded by
# Python, exactly as validate_batch does. json_valid() refuses raw control characters in a
# string, as json.loads does (tests/test_sync.py checks this SQLite does).
_VALUE_OK = (
    "(s.value IS NULL OR (typeof(s.value) = 'text' AND length(s.value) <= "
    f"{MAX_VALUE_TEXT} AND ((s.question_type IN ('open', 'choice', 'scale') AND "
    "s.value GLOB '\"*\"' AND instr(CAST(s.value AS BLOB), x'00') = 0 AND "
    "instr(s.value, '\\') = 0 AND json_valid(s.value)) OR "
    "(s.question_type = 'yesno' AND s.value IN ('true', 'false')) OR "
    "kiosk_value_fits(s.value, s.question_type))))")
# participant_id needs no rule here: the shared store's foreign key only lets in the id of a
# participant already there, and those passed these rules or validate_batch.
_ANSWER_OK = " AND ".join((
    _sql_id("s.id"), _sql_pack_id("s.question_id"),
    _sql_in("s.question_type", QUESTION_TYPES), _sql_int("s.seq", 0, MAX_SEQ), _VALUE_OK,
    _sql_text("s.text", MAX_ANSWER_TEXT), _sql_in("s.method", METHODS),
    _sql_language("s.language")))

_PARTICIPANT_COLUMNS = "id, kiosk_id, event_id, pack_id, pack_version, language, date, withdrawn"
_ANSWER_COLUMNS = ("id, participant_id, question_id, question_type, seq, value, text, method, "
                   "language")
# An open answer not stamped by this scrubber goes through it again; `changed` says whether
# that took anything out.
_NEEDS_SCRUB = ("(s.question_type = 'open' AND (:ours IS NULL OR s.scrubbed_with IS NOT :ours))")
_CHANGED = "kiosk_scrub_changed(s.text, s.value, s.language)"


def _value_fits(value: str, question_type: str) -> bool:
    try:
        _value(value, question_type, "value")
    except (SyncError, KeyError):
        return False
    return True


def _scrubbed_text(text: str, language: str) -> str:
    return _scrub(text, language)[0]


def _scrubbed_value(value: str | None, language: str) -> str | None:
    if value is None:
        return None
    said = json.loads(value)
    return json.dumps(_scrubbed_text(said, language), ensure_ascii=False)


def _scrub_changed(text: str, value: str | None, language: str) -> bool:
    if _scrub(text, language)[1]:
        return True
    return value is not None and _scrub(json.loads(value), language)[1]


def attach_source(conn: sqlite3.Connection, path: Path) -> None:
    """Attach a kiosk store, read-only, to a shared store connection for copy_span."""
    conn.execute(f"ATTACH DATABASE ? AS {SOURCE}", (f"file:{quote(str(path))}?mode=ro",))
    conn.create_function("kiosk_value_fits", 2, _value_fits, deterministic=True)
    conn.create_function("kiosk_scrub_text", 2, _scrubbed_text, deterministic=True)
    conn.create_function("kiosk_scrub_value", 2, _scrubbed_value, deterministic=True)
    conn.create_function("kiosk_scrub_changed", 3, _scrub_changed, deterministic=True)


class _Judge:
    """Called by SQL for a row the SQL rules refused: validate_batch has the last word, and
    its message (naming the row and field) is kept for the SyncError."""

    def __init__(self, batch: StoreSpan):
        self.batch = batch
        self.error: SyncError | None = None

    def participant(self, *row: Any) -> int:
        return self._judge("participants", row)

    def answer(self, *row: Any) -> int:
        return self._judge("answers", row)

    def _judge(self, key: str, row: tuple[Any, ...]) -> int:
        b = self.batch
        try:
            validate_batch(Batch(b.kiosk_id, b.sync_id, b.synced_at, b.base, b.mark,
                                 **cast(dict[str, Any], {key: [list(row)]})))
        except SyncError as exc:
            self.error = exc
            raise
        return 1  # the SQL rules were stricter than they need be: the row is fine


def _columns(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


# Which answers a span holds. Answers are never changed in a kiosk store, only added or deleted,
# so two snapshots that agree on this hold the same answers.
_SPAN_FINGERPRINT = ("SELECT count(*), total(rowid) FROM {schema}answers "
                     "WHERE rowid > :start AND rowid <= :end")
_SUSPECT_ANSWERS = (f"SELECT s.rowid, {_columns('s', _ANSWER_COLUMNS)} FROM {{schema}}answers s "
                    f"WHERE s.rowid > :start AND s.rowid <= :end AND NOT ({_ANSWER_OK})")


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
            conn.create_function("kiosk_value_fits", 2, _value_fits, deterministic=True)
            conn.execute("BEGIN")  # one snapshot for the fingerprint and the check
            fingerprint = conn.execute(_SPAN_FINGERPRINT.format(schema=""),
                                       self.span).fetchone()
            self.suspects = conn.execute(_SUSPECT_ANSWERS.format(schema=""),
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
                _SPAN_FINGERPRINT.format(schema=schema), self.span).fetchone():
            # The kiosk changed the span between the two snapshots: check it here instead.
            return conn.execute(_SUSPECT_ANSWERS.format(schema=schema), self.span).fetchall()
        return self.suspects


def _source_path(conn: sqlite3.Connection) -> str:
    return next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == SOURCE)


def copy_span(conn: sqlite3.Connection, batch: StoreSpan) -> BatchResult:
    """Copy one span of rows from the attached kiosk store in one transaction; safe to repeat.
    The same effect as apply_batch on a batch carrying those rows: checked by the same rules,
    scrubbed unless stamped by this scrubber, withdrawals kept out."""
    validate_batch(batch)  # the packs, events and withdrawals it carries
    result = BatchResult()
    judge = _Judge(batch)
    conn.create_function("kiosk_participant_fits", 9, judge.participant)
    conn.create_function("kiosk_answer_fits", 10, judge.answer)
    params = {"kiosk": batch.kiosk_id, "sync": batch.sync_id, "ours": scrubber_version()}
    # Each participant is checked in the same pass that copies it, each answer by a _Checker
    # meanwhile; a row that breaks a rule stops the batch, and it is rolled back.
    participant_ok = (f"(CASE WHEN {_PARTICIPANT_OK} THEN 1 ELSE kiosk_participant_fits("
                      f"s.rowid, {_columns('s', _PARTICIPANT_COLUMNS)}) END)")
    # Not BEGIN IMMEDIATE: that would take the kiosk store's write lock too and hold up the
    # answers being saved meanwhile. _begin_batch writes first, which takes the shared store's.
    checker = None
    conn.execute("BEGIN")
    try:
        current = _begin_batch(conn, batch, "file")
        withdrawn_here: set[str] = set()
        if batch.participants_span:
            span = {**params, "start": batch.participants_span[0],
                    "end": batch.participants_span[1]}
            result.participants_added = conn.execute(
                f"INSERT OR IGNORE INTO main.participants ({_PARTICIPANT_COLUMNS}, sync_id) "
                f"SELECT {_columns('s', _PARTICIPANT_COLUMNS)}, :sync "
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
            copy = (f"INSERT OR IGNORE INTO main.answers ({_ANSWER_COLUMNS}, sync_id) "
                    "SELECT s.id, s.participant_id, s.question_id, s.question_type, s.seq, "
                    "{value}, {text}, s.method, s.language, :sync "
                    f"FROM {SOURCE}.answers s WHERE s.rowid > :start AND s.rowid <= :end "
                    "AND s.participant_id NOT IN (SELECT id FROM main.participants "
                    "WHERE withdrawn = 1) AND {which} ORDER BY s.rowid")
            as_sent = conn.execute(copy.format(
                value="s.value", text="s.text",
                which=f"NOT ({_NEEDS_SCRUB} AND {_CHANGED})"), span).rowcount
            result.redacted = conn.execute(copy.format(
                value="kiosk_scrub_value(s.value, s.language)",
                text="kiosk_scrub_text(s.text, s.language)",
                which=f"{_NEEDS_SCRUB} AND {_CHANGED}"), span).rowcount
            result.answers_added = as_sent + result.redacted
            for row in checker.suspects_in(conn):
                judge.answer(*row)  # raises SyncError naming the answer and field
        _finish_batch(conn, batch, current, result, withdrawn_here)
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
        raise _does_not_fit(batch, exc) from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        if checker is not None:
            checker.join()
    conn.execute("COMMIT")
    return result


def destination_state(conn: sqlite3.Connection, store_id: str, kiosk_id: str) -> DestinationState:
    """The shared store's id and this kiosk's mark in it."""
    row = conn.execute(
        "SELECT answers_mark, answers_mark_id, participants_mark, withdrawals FROM kiosks "
        "WHERE id = ?", (kiosk_id,)).fetchone()
    if row is None:
        return DestinationState(store_id, KioskMark())
    mark = KioskMark(*row)
    for key in ("answers_mark", "participants_mark", "withdrawals"):
        if not _is_int(getattr(mark, key)) or getattr(mark, key) < 0:
            raise SharedStoreError(f"shared store: kiosks.{key} for kiosk {kiosk_id} is not a "
                                   "whole number; the file has been altered")
    if mark.answers_mark_id is not None and not (
            isinstance(mark.answers_mark_id, str) and _ID.match(mark.answers_mark_id)):
        raise SharedStoreError(f"shared store: kiosks.answers_mark_id for kiosk {kiosk_id} is "
                               "not an id; the file has been altered")
    return DestinationState(store_id, mark)


def check_integrity(conn: sqlite3.Connection, path: str | Path) -> None:
    """Refuse a shared store SQLite finds damaged (say, an index that lost rows), before anything
    is written into it: new rows would be built on the damage. About 0.2 s per 100,000 answers."""
    try:
        problem = conn.execute("PRAGMA integrity_check(1)").fetchone()[0]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        problem = one_line(exc)
    if problem != "ok":
        raise SharedStoreError(f"{path}: is damaged ({one_line(problem)}); keep it aside and "
                               "sync to a new file")


class SharedFile:
    """A shared store file as a sync destination (a USB stick, a folder)."""

    def __init__(self, path: str | Path):
        self.conn, self.store_id = open_shared_store(path)
        self.name = str(path)
        try:
            check_integrity(self.conn, path)
        except SharedStoreError:
            self.conn.close()
            raise

    def state(self, kiosk_id: str) -> DestinationState:
        """The store's id and this kiosk's mark there."""
        return destination_state(self.conn, self.store_id, kiosk_id)

    def apply(self, batch: Batch) -> BatchResult:
        """Apply one batch in one transaction."""
        if isinstance(batch, StoreSpan):
            return copy_span(self.conn, batch)
        return apply_batch(self.conn, batch, "file")

    def attach(self, kiosk_store: Path) -> None:
        """Attach the kiosk store whose spans `apply` will copy."""
        attach_source(self.conn, kiosk_store)

    def detach(self) -> None:
        """Let go of the kiosk store."""
        self.conn.execute(f"DETACH DATABASE {SOURCE}")

    def close(self) -> None:
        """Close the shared store."""
        self.conn.close()


# The kiosk's own note of where it has synced to -----------------------------------------------

def _marks_path(store: Store) -> Path:
    return store.path.with_name(store.path.name + ".sync-marks.json")


def _read_marks(store: Store) -> dict[str, Any]:
    try:
        data = json.loads(_marks_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_marks(store: Store, store_id: str, mark: KioskMark, synced_at: str) -> None:
    # Written whole to a temporary file and renamed, so it is never half-written.
    marks = _read_marks(store)
    marks[store_id] = {**asdict(mark), "synced_at": synced_at}
    path = _marks_path(store)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sync-marks.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(marks, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def last_syncs(store: Store) -> dict[str, dict[str, Any]]:
    """Each shared store this kiosk has synced to (by id): its mark and when (to the minute)."""
    return _read_marks(store)


# The sync itself ----------------------------------------------------------------------------

def sync(store: Store, destination: Destination, progress: Progress | None = None,
         max_rows: int | None = None, max_bytes: int = BATCH_BYTES) -> SyncReport:
    """Send this kiosk's new contributions to `destination`, batch by batch.

    Each batch is applied atomically; if the sync stops part-way (killed, stick pulled, network
    lost) the next sync carries on. `progress(done, total)` is called after each batch.
    """
    state = destination.state(store.kiosk_id)
    sync_id = new_id()
    synced_at = datetime.now().strftime("%Y-%m-%d %H:%M")  # to the minute, staff information
    report = SyncReport(destination.name, state.store_id, sync_id)
    known = _read_marks(store).get(state.store_id)
    if known is None:
        if state.mark.answers_mark:
            report.notes.append("this kiosk has no note of syncing here, but the shared store "
                                "already has its contributions; sending only what is new")
    elif isinstance(known.get("answers_mark"), int) and \
            known["answers_mark"] > state.mark.answers_mark:
        report.notes.append("the shared store is behind this kiosk's note of it (restored from "
                            "an older copy?); sending what it lacks again")
    # A shared store file copies the rows from the kiosk store in SQL; a hub gets them sent.
    # A shared file copies spans of rows in SQL straight from the attached kiosk store.
    shared_file = destination if isinstance(destination, SharedFile) else None
    spans = shared_file is not None
    if max_rows is None:
        max_rows = SPAN_ROWS if spans else BATCH_ROWS
    total, batches = _read_batches(store, state, sync_id, synced_at, report.notes,
                                   max_rows, max_bytes, spans=spans)
    done = 0
    if progress:
        progress(0, total)
    mark = state.mark
    if shared_file is not None:
        shared_file.attach(store.path)
    try:
        for batch in batches:
            report.add(destination.apply(batch))
            mark = batch.mark
            done += batch.rows()
            if progress:
                progress(done, total)
    finally:
        if shared_file is not None:
            shared_file.detach()
    _write_marks(store, state.store_id, mark, synced_at)
    return report


def sync_to_file(store: Store, shared_path: str | Path,
                 progress: Progress | None = None) -> SyncReport:
    """Sync a kiosk store into a shared store file (created if missing). See `sync`."""
    try:
        destination = SharedFile(shared_path)
    except SharedStoreError as exc:
        raise SyncError(str(exc)) from None
    try:
        return sync(store, destination, progress)
    except SharedStoreError as exc:
        raise SyncError(str(exc)) from None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise SyncError(f"{shared_path}: could not be written ({one_line(exc)}); nothing from "
                        "this batch was kept; check the stick and sync again") from None
    finally:
        destination.close()

