"""Merging one shared store into another (a stick's into the hub's), each row exactly once.

For each kiosk the source store has heard from, its rows are sent as ordinary batches through
the destination (a shared store file or a hub), so every check and the scrubber's second pass
run as for a kiosk's own sync, and the destination keeps each participant and answer once, by
its random id: a merge repeated, interrupted or run both ways adds nothing twice.

A shared store does not keep the kiosk's own row numbers that marks count, so a kiosk's rows are
sent whole, unless the destination's mark for that kiosk is the source's own (the same row
number and answer id: both hold the same rows of it). The last batch of each kiosk moves the
destination's mark to the further of the two (the destination now holds everything either
had), so the kiosk's own next sync there sends only what is new. Withdrawals always travel: each
withdrawn participant goes as its tombstone, which takes its answers out on arrival and keeps
them out. The destination's count of withdrawals is left as it is; a kiosk whose count differs
sends its whole list again, which is harmless.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from kiosk.ids import new_id
from kiosk.store.shared import SharedStoreError, open_shared_store
from kiosk.store.sync.apply import check_integrity, destination_state
from kiosk.store.sync.errors import SyncError
from kiosk.store.sync.loop import BATCH_BYTES, BATCH_ROWS
from kiosk.store.sync.messages import Batch, Destination, KioskMark, Progress, SyncReport
from kiosk.store.sync.rows import AnswerRow, EventRow, PackRow, ParticipantRow, columns

_KIOSKS = "SELECT id FROM kiosks ORDER BY rowid"
_PACKS = (f"SELECT {columns(PackRow)} FROM packs WHERE (id, version) IN "
          "(SELECT pack_id, pack_version FROM participants WHERE kiosk_id = ?) ORDER BY rowid")
_EVENTS = f"SELECT {columns(EventRow)} FROM events WHERE kiosk_id = ? ORDER BY rowid"
# The record's fields, then the withdrawal code's hash, which travels beside them.
_PARTICIPANTS = (f"SELECT {columns(ParticipantRow)}, code_hash FROM participants "
                 "WHERE kiosk_id = ? AND (?2 OR withdrawn = 1) ORDER BY rowid")
_ANSWERS = (f"SELECT {columns(AnswerRow, 'a')} FROM answers a JOIN participants p "
            "ON p.id = a.participant_id WHERE p.kiosk_id = ? ORDER BY a.rowid")


def _covers(there: KioskMark, here: KioskMark) -> bool:
    """Whether a store with mark `there` for a kiosk already holds every row of it that a store
    with mark `here` holds: the same last answer (row number and id), participants as far."""
    return (there.answers_mark == here.answers_mark
            and there.answers_mark_id == here.answers_mark_id
            and there.participants_mark >= here.participants_mark)


def _merged(there: KioskMark, here: KioskMark) -> KioskMark:
    """The destination's mark once it holds both stores' rows of a kiosk: the further one."""
    mark = replace(there)
    if here.answers_mark > there.answers_mark:
        mark.answers_mark, mark.answers_mark_id = here.answers_mark, here.answers_mark_id
    mark.participants_mark = max(there.participants_mark, here.participants_mark)
    return mark


def merge_shared(source: str | Path, destination: Destination,
                 progress: Progress | None = None, max_rows: int = BATCH_ROWS,
                 max_bytes: int = BATCH_BYTES) -> SyncReport:
    """Merge every kiosk's rows of the shared store `source` into `destination`, exactly once.

    Raises SyncError (the same store on both sides, a source that is not a shared store);
    each batch is applied atomically, so a merge stopped part-way is simply run again.
    """
    try:
        conn, store_id = open_shared_store(source, create=False)
    except SharedStoreError as exc:
        raise SyncError(str(exc)) from None
    try:
        check_integrity(conn, source)
        conn.execute("BEGIN")  # one snapshot of the source throughout
        plans = []
        report = SyncReport(destination.name, "", new_id())
        for (kiosk_id,) in conn.execute(_KIOSKS).fetchall():
            here = destination_state(conn, store_id, kiosk_id).mark
            state = destination.state(kiosk_id)
            if state.store_id == store_id:
                raise SyncError(f"{source}: is the same shared store as {destination.name}; "
                                "there is nothing to merge")
            report.store_id = state.store_id
            plans.append((kiosk_id, state.mark, here, not _covers(state.mark, here)))
        total = sum(_count(conn, kiosk_id, whole) for kiosk_id, _, _, whole in plans)
        done = 0
        if progress:
            progress(0, total)
        for kiosk_id, there, here, whole in plans:
            for batch in _batches(conn, kiosk_id, there, _merged(there, here), whole,
                                  max_rows, max_bytes):
                report.add(destination.apply(batch))
                done += batch.rows()
                if progress:
                    progress(done, total)
        return report
    except SharedStoreError as exc:
        raise SyncError(str(exc)) from None
    finally:
        conn.close()


def _count(conn: sqlite3.Connection, kiosk_id: str, whole: bool) -> int:
    participants = conn.execute(
        "SELECT COUNT(*) FROM participants WHERE kiosk_id = ? AND (?2 OR withdrawn = 1)",
        (kiosk_id, whole)).fetchone()[0]
    if not whole:
        return int(participants)
    answers = conn.execute("SELECT COUNT(*) FROM answers a JOIN participants p ON p.id = "
                           "a.participant_id WHERE p.kiosk_id = ?", (kiosk_id,)).fetchone()[0]
    return int(participants + answers)


def _batches(conn: sqlite3.Connection, kiosk_id: str, there: KioskMark, final: KioskMark,
             whole: bool, max_rows: int, max_bytes: int) -> Iterator[Batch]:
    """One kiosk's rows as batches; only the last moves the destination's mark (to `final`),
    so that it never says more has arrived than has."""
    sync_id = new_id()
    synced_at = datetime.now().strftime("%Y-%m-%d %H:%M")

    def new_batch() -> Batch:
        return Batch(kiosk_id, sync_id, synced_at, replace(there), replace(there),
                     code_hashes=[])

    batch = new_batch()
    batch.packs = [PackRow._make(r) for r in conn.execute(_PACKS, (kiosk_id,))]
    batch.events = [EventRow._make(r) for r in conn.execute(_EVENTS, (kiosk_id,))]
    size = sum(len(pack.source) for pack in batch.packs)
    cursors = [("p", conn.execute(_PARTICIPANTS, (kiosk_id, whole)))]
    if whole:  # participants first, so every answer's participant is already there
        cursors.append(("a", conn.execute(_ANSWERS, (kiosk_id,))))
    for kind, cursor in cursors:
        while rows := cursor.fetchmany(1000):
            for row in rows:
                if batch.rows() >= max_rows or size >= max_bytes:
                    yield batch
                    batch, size = new_batch(), 0
                if kind == "p":
                    batch.participants.append(ParticipantRow._make(row[:-1]))
                    assert batch.code_hashes is not None
                    batch.code_hashes.append(row[-1])
                    size += 200
                else:
                    answer = AnswerRow._make(row)
                    batch.answers.append(answer)
                    size += 200 + len(answer.text) * 3 + len(answer.value or "") * 3
    batch.mark = final
    if batch.rows() or final != there or whole:
        yield batch  # else nothing to send nor to note: no sync is recorded there
