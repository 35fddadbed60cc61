"""Reading what is new on the kiosk: the rows past the destination's mark, in batches."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import asdict

from kiosk.store.db import Store
from kiosk.store.sync.messages import Batch, DestinationState, KioskMark, StoreSpan
from kiosk.store.sync.rows import AnswerRow, EventRow, PackRow, ParticipantRow, columns

# Raw SQL throughout: these reads run over every new row of a sync.
_PACKS = f"SELECT {columns(PackRow)} FROM packs ORDER BY rowid"
_EVENTS = f"SELECT {columns(EventRow)} FROM events ORDER BY rowid"
# The record's fields, then the code's hash, which travels beside the rows (code_hashes).
_PARTICIPANTS = (f"SELECT {columns(ParticipantRow)}, code_hash FROM participants WHERE rowid > ? "
                 "ORDER BY rowid")
# The record's fields, then the scrubber stamp, which travels beside the rows (scrubbed_with).
_ANSWERS = (f"SELECT {columns(AnswerRow)}, scrubbed_with FROM answers WHERE rowid > ? "
            "ORDER BY rowid")


def read_batches(store: Store, state: DestinationState, sync_id: str, synced_at: str,
                 notes: list[str], max_rows: int, max_bytes: int, spans: bool = False,
                 skip: frozenset[str] = frozenset(), count: bool = True
                 ) -> tuple[int, Iterator[Batch]]:
    """How many rows are new (0 without `count`: counting them reads every new row once
    more, for a progress bar), and the batches that carry them (read in one snapshot).

    With `spans`, the batches name the rows (StoreSpan) instead of carrying them, for a
    destination that copies them from the kiosk store itself. Rows whose id is in `skip`
    (refused earlier in the same sync) are not carried again; the marks pass them.
    """
    conn = sqlite3.connect(str(store.path), isolation_level=None, timeout=30)
    conn.execute("BEGIN")  # one consistent snapshot while the kiosk may go on writing
    mark = state.mark
    base = KioskMark(**asdict(mark))
    if mark.answers_mark:
        found = conn.execute("SELECT id FROM answers WHERE rowid = ?",
                             (mark.answers_mark,)).fetchone()
        if found is None or found[0] != mark.answers_mark_id:
            # The last answer it received was withdrawn (its row number may be reused) or this
            # store was restored: resend everything; the shared side keeps each answer once.
            notes.append("the shared store's record of this kiosk did not match; sending all "
                         "contributions again (each is kept once)")
            base = KioskMark(0, None, 0, mark.withdrawals)
    if base.participants_mark and conn.execute(
            "SELECT COALESCE(MAX(rowid), 0) FROM participants").fetchone()[0] \
            < base.participants_mark:
        # A mark ahead of every participant this kiosk has: it cannot have come from this
        # kiosk's syncs (altered, or another store's). Sending from it would skip participants
        # whose answers then have no participant there; send everything again instead.
        notes.append("the shared store's mark for this kiosk is ahead of what this kiosk "
                     "holds; sending all contributions again (each is kept once) and "
                     "repairing the mark")
        base = KioskMark(0, None, 0, mark.withdrawals)
    withdrawn_count = conn.execute(
        "SELECT COUNT(*) FROM participants WHERE withdrawn = 1").fetchone()[0]
    total = (conn.execute("SELECT COUNT(*) FROM participants WHERE rowid > ?",
                          (base.participants_mark,)).fetchone()[0]
             + conn.execute("SELECT COUNT(*) FROM answers WHERE rowid > ?",
                            (base.answers_mark,)).fetchone()[0]) if count else 0

    def packs_and_events() -> tuple[list[PackRow], list[EventRow]]:
        return ([PackRow._make(r) for r in conn.execute(_PACKS)],
                [EventRow._make(r) for r in conn.execute(_EVENTS)])

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
                    end = conn.execute(
                        f"SELECT rowid, id, (SELECT COUNT(*) FROM (SELECT 1 FROM {table} "
                        f"WHERE rowid > ?1 LIMIT ?2)) FROM {table} WHERE rowid > ?1 "
                        "ORDER BY rowid LIMIT 1 OFFSET "
                        f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE rowid > ?1 "
                        "LIMIT ?2)) - 1", (start, max_rows)).fetchone()
                    if end is None:
                        break
                    if batch.count:
                        yield batch
                        batch = StoreSpan(store.kiosk_id, sync_id, synced_at,
                                          KioskMark(**asdict(batch.mark)),
                                          KioskMark(**asdict(batch.mark)))
                    last, last_id, count = end
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
            size = sum(len(pack.source) for pack in packs)
            participants = conn.execute(_PARTICIPANTS, (base.participants_mark,))
            answers = conn.execute(_ANSWERS, (base.answers_mark,))
            # Participants first, so every answer's participant is already there.
            for kind, cursor in (("p", participants), ("a", answers)):
                while rows := cursor.fetchmany(1000):
                    for row in rows:
                        if batch.rows() >= max_rows or size >= max_bytes:
                            yield batch
                            batch = _new_batch(store.kiosk_id, sync_id, synced_at,
                                               KioskMark(**asdict(batch.mark)))
                            size = 0
                        if row[1] in skip:  # the id: refused already, kept back
                            if kind == "p":
                                batch.mark.participants_mark = row[0]
                            else:
                                batch.mark.answers_mark, batch.mark.answers_mark_id = row[:2]
                            continue
                        if kind == "p":
                            participant = ParticipantRow._make(row[:-1])  # hash: last
                            batch.participants.append(participant)
                            assert batch.code_hashes is not None
                            batch.code_hashes.append(row[-1])
                            batch.mark.participants_mark = participant.rowid
                            size += 200
                        else:
                            answer = AnswerRow._make(row[:-1])  # the stamp is the last column
                            batch.answers.append(answer)
                            assert batch.scrubbed_with is not None
                            batch.scrubbed_with.append(row[-1])
                            batch.mark.answers_mark = answer.rowid
                            batch.mark.answers_mark_id = answer.id
                            size += 200 + len(answer.text) * 3 + len(answer.value or "") * 3
            batch.withdrawn = withdrawn()
            if batch.withdrawn is not None:
                batch.mark.withdrawals = len(batch.withdrawn)
            yield batch
        finally:
            conn.close()

    return total, span_batches() if spans else batches()


def _new_batch(kiosk_id: str, sync_id: str, synced_at: str, base: KioskMark) -> Batch:
    return Batch(kiosk_id, sync_id, synced_at, KioskMark(**asdict(base)),
                 KioskMark(**asdict(base)), scrubbed_with=[], code_hashes=[])
