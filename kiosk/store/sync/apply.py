"""Applying a batch on the shared side (a shared store file or a hub's), and reading a kiosk's
mark there."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kiosk.core.redact import scrubber_version
from kiosk.store.shared import SharedStoreError, one_line
from kiosk.store.sync.errors import SyncError
from kiosk.store.sync.messages import Batch, BatchResult, DestinationState, KioskMark
from kiosk.store.sync.rows import ParticipantRow, Refusal
from kiosk.store.sync.scrub import SCRUB_BUDGET, TOO_SLOW, scrub_within
from kiosk.store.sync.validate import ID, is_int, sort_out, validate_batch

# Raw SQL throughout: executemany over whole batches is what keeps a hub's sync fast.


def apply_batch(conn: sqlite3.Connection, batch: Batch, via: str,
                budget: float = SCRUB_BUDGET) -> BatchResult:
    """Apply a checked batch to an open shared store in one transaction; safe to repeat.

    A participant or answer that breaks a rule, or that the scrubber cannot check within
    `budget` seconds, is refused on its own (named in the result's `refused`) and every other
    row goes in: one row must never stop a kiosk's syncs."""
    validate_batch(batch, rows=False)
    result = BatchResult(refused=[*batch.refused, *sort_out(batch)])
    # Scrub before the write lock is taken: the scrubber is the slow part.
    ours = scrubber_version()
    stamps = batch.scrubbed_with or [None] * len(batch.answers)
    hashes = batch.code_hashes or [None] * len(batch.participants)
    # Only free text can hold personal details; choice answers are the pack's own words.
    # An answer already in the store is skipped (it would be ignored): a batch sent again
    # after running out of scrubbing time makes progress.
    here = _answers_here(conn, [a.id for a in batch.answers])
    again = [i for i, (a, stamp) in enumerate(zip(batch.answers, stamps, strict=True))
             if a.question_type == "open" and (ours is None or stamp != ours)
             and a.id not in here]
    scrubbed = dict(zip(again, scrub_within(
        [(batch.answers[i].text, batch.answers[i].value, batch.answers[i].language)
         for i in again], budget), strict=True))
    answers = []
    for i, a in enumerate(batch.answers):
        text, value, changed = a.text, a.value, False
        if i in scrubbed:
            done = scrubbed[i]
            if done is None:
                result.refused.append(Refusal("answers", a.id, f"answer {a.id}: " +
                                              TOO_SLOW.format(budget=budget)))
                continue
            if isinstance(done, str):  # LATER: not reached in this batch's time
                result.deferred += 1
                continue
            text, value, changed = done
        elif a.id in here:
            continue
        answers.append(((a.id, a.participant_id, a.question_id, a.question_type, a.seq, value,
                         text, a.method, a.language, batch.sync_id, a.participant_id), changed))
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = begin_batch(conn, batch, via)
        # A participant whose event is in neither the batch nor the store would break the
        # event's foreign key and with it the batch: refused alone.
        events = {e.id for e in batch.events}
        participants: list[tuple[ParticipantRow, str | None]] = []
        for p, digest in zip(batch.participants, hashes, strict=True):
            if p.event_id is not None and p.event_id not in events and conn.execute(
                    "SELECT 1 FROM events WHERE id = ?", (p.event_id,)).fetchone() is None:
                result.refused.append(Refusal("participants", p.id, f"participant {p.id}: "
                                              f"its event {p.event_id} did not arrive"))
                continue
            participants.append((p, digest))
        result.participants_added = conn.executemany(
            "INSERT OR IGNORE INTO participants (id, kiosk_id, event_id, pack_id, pack_version, "
            "language, date, withdrawn, sync_id, code_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(p.id, p.kiosk_id, p.event_id, p.pack_id, p.pack_version, p.language, p.date,
              p.withdrawn, batch.sync_id, digest) for p, digest in participants]).rowcount
        answers = _with_participants(conn, answers, result)
        # A participant's answers never come back once they withdrew, even from an old batch.
        insert_answer = (
            "INSERT OR IGNORE INTO answers (id, participant_id, question_id, question_type, seq, "
            "value, text, method, language, sync_id) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM participants WHERE id = ? AND withdrawn = 1)")
        # Two groups so that only answers actually added count as scrubbed on arrival.
        as_sent = conn.executemany(insert_answer, [a for a, c in answers if not c]).rowcount
        result.redacted = conn.executemany(insert_answer, [a for a, c in answers if c]).rowcount
        result.answers_added = as_sent + result.redacted
        finish_batch(conn, batch, current, result,
                     {p.id for p, _ in participants if p.withdrawn == 1})
    except sqlite3.IntegrityError as exc:
        conn.execute("ROLLBACK")
        raise does_not_fit(batch, exc) from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def _answers_here(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Which of these answer ids the store already holds (read before the write lock)."""
    here: set[str] = set()
    for start in range(0, len(ids), 500):  # SQLite's limit on parameters
        chunk = ids[start:start + 500]
        here.update(r[0] for r in conn.execute(
            f"SELECT id FROM answers WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
    return here


def _with_participants(conn: sqlite3.Connection, answers: list[tuple[tuple[Any, ...], bool]],
                       result: BatchResult) -> list[tuple[tuple[Any, ...], bool]]:
    """The answers whose participant is in the store; the others go in `result.missing`."""
    wanted = sorted({a[1] for a, _ in answers})
    here: set[str] = set()
    for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
        chunk = wanted[start:start + 500]
        here.update(r[0] for r in conn.execute(
            f"SELECT id FROM participants WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
    result.missing.extend((a[0], a[1]) for a, _ in answers if a[1] not in here)
    return [(a, c) for a, c in answers if a[1] in here]


def does_not_fit(batch: Batch, exc: sqlite3.Error) -> SyncError:
    """The error for a batch the shared store's constraints refused."""
    return SyncError(f"batch from kiosk {batch.kiosk_id}: does not fit the shared store ({exc}); "
                     "nothing was written")


def begin_batch(conn: sqlite3.Connection, batch: Batch, via: str) -> KioskMark:
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
        # The date only: participants point at their sync, so its time would be theirs.
        "INSERT INTO syncs (id, kiosk_id, synced_on, via) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (id) DO NOTHING", (batch.sync_id, batch.kiosk_id, batch.synced_at[:10], via))
    # The records' fields are the columns, in this order (rows.PackRow, rows.EventRow).
    conn.executemany("INSERT OR IGNORE INTO packs (id, version, title, source, sha256) "
                     "VALUES (?, ?, ?, ?, ?)", batch.packs)
    conn.executemany("INSERT OR IGNORE INTO events (id, name, venue, date, kiosk_id) "
                     "VALUES (?, ?, ?, ?, ?)", batch.events)
    return KioskMark(*current)


def finish_batch(conn: sqlite3.Connection, batch: Batch, old: KioskMark, result: BatchResult,
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
    # Answers left for later (out of scrubbing time) have not arrived: the mark stays.
    if not result.deferred and (batch.base.answers_mark == 0 or (
            batch.base.answers_mark <= old.answers_mark <= batch.mark.answers_mark)):
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


def destination_state(conn: sqlite3.Connection, store_id: str, kiosk_id: str) -> DestinationState:
    """The shared store's id and this kiosk's mark in it."""
    row = conn.execute(
        "SELECT answers_mark, answers_mark_id, participants_mark, withdrawals FROM kiosks "
        "WHERE id = ?", (kiosk_id,)).fetchone()
    if row is None:
        return DestinationState(store_id, KioskMark())
    mark = KioskMark(*row)
    for key in ("answers_mark", "participants_mark", "withdrawals"):
        if not is_int(getattr(mark, key)) or getattr(mark, key) < 0:
            raise SharedStoreError(f"shared store: kiosks.{key} for kiosk {kiosk_id} is not a "
                                   "whole number; the file has been altered")
    if mark.answers_mark_id is not None and not (
            isinstance(mark.answers_mark_id, str) and ID.match(mark.answers_mark_id)):
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
