"""The sync itself: read what is new, send it batch by batch, note where it got to."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.ids import new_id
from kiosk.store.db import Store
from kiosk.store.sync.marks import read_marks, write_marks
from kiosk.store.sync.messages import (
    Destination,
    DestinationState,
    KioskMark,
    Progress,
    SyncReport,
)
from kiosk.store.sync.read import read_batches
from kiosk.store.sync.rows import Refusal

# How much one batch (one transaction on the shared side, one request to a hub) may carry.
BATCH_ROWS = 5_000
BATCH_BYTES = 4_000_000
# How many rows one transaction copies into a shared store file: fewer commits (each an fsync
# on the stick) against more work lost to a pulled stick.
SPAN_ROWS = 50_000
# How many times one sync carries on after the shared store left answers for later.
MAX_PASSES = 100


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
    known = read_marks(store).get(state.store_id)
    if known is None:
        if state.mark.answers_mark:
            report.notes.append("this kiosk has no note of syncing here, but the shared store "
                                "already has its contributions; sending only what is new")
    elif isinstance(known.get("answers_mark"), int) and \
            known["answers_mark"] > state.mark.answers_mark:
        report.notes.append("the shared store is behind this kiosk's note of it (restored from "
                            "an older copy?); sending what it lacks again")
    # A shared store file copies spans of rows in SQL straight from the attached kiosk store;
    # a hub gets the rows sent.
    spans = destination.copies_spans
    if max_rows is None:
        max_rows = SPAN_ROWS if spans else BATCH_ROWS
    mark = _send(store, destination, state, report, sync_id, synced_at, progress, max_rows,
                 max_bytes, spans)
    for _ in range(MAX_PASSES):
        if not report.deferred:
            break
        # The shared store ran out of scrubbing time for a batch (answers from an older kiosk,
        # or slow to check) and left some answers for later, its mark before them; other
        # kiosks had their turn meanwhile. Carry on from its mark: each pass takes more in.
        before = report.answers_added + len({r.id for r in report.kept_back})
        report.deferred = 0
        state_now = destination.state(store.kiosk_id)
        # What was refused is not sent again: it would take the same time again for nothing.
        mark = _send(store, destination, state_now, report, sync_id, synced_at, progress,
                     max_rows, max_bytes, spans, frozenset(r.id for r in report.kept_back))
        if report.answers_added + len({r.id for r in report.kept_back}) == before:
            break
    if report.deferred:
        report.notes.append(f"the shared store had no time left to check {report.deferred} "
                            "answers; sync again to send them")
    if _orphans(report, "its participant was kept back"):
        # Answers arrived whose participants the shared store does not have, and not because
        # it refused them: its mark skipped them (altered, or moved ahead). Send everything
        # again from this kiosk's own rows, each kept once by its id; the batches starting
        # from 0 set the mark right.
        report.notes.append("the shared store's mark for this kiosk had skipped participants; "
                            "sent all contributions again (each is kept once) and repaired "
                            "the mark")
        report.missing = []
        again = DestinationState(state.store_id, KioskMark(withdrawals=state.mark.withdrawals))
        mark = _send(store, destination, again, report, sync_id, synced_at, progress, max_rows,
                     max_bytes, spans)
        _orphans(report, "its participant did not arrive", every=True)
    if report.kept_back:
        # Once per row, the last reason given (a row sent twice is refused twice).
        report.kept_back = list({(r.table, r.id): r for r in report.kept_back}.values())
        store.keep_back(destination.name, report.kept_back, date.today())
    write_marks(store, state.store_id, mark, synced_at)
    return report


def _orphans(report: SyncReport, reason: str, every: bool = False) -> bool:
    """Keep back the answers left out for want of a participant that was refused (or, with
    `every`, all of them); return whether any others are left."""
    refused = {r.id for r in report.kept_back if r.table == "participants"}
    left = []
    for answer, participant in report.missing:
        if every or participant in refused:
            report.kept_back.append(Refusal("answers", answer,
                                            f"answer {answer}: {reason} ({participant})"))
        else:
            left.append((answer, participant))
    report.missing = left
    return bool(left)


def _send(store: Store, destination: Destination, state: DestinationState, report: SyncReport,
          sync_id: str, synced_at: str, progress: Progress | None, max_rows: int,
          max_bytes: int, spans: bool, skip: frozenset[str] = frozenset()) -> KioskMark:
    """Send what is past `state`'s mark, batch by batch; return the mark reached."""
    total, batches = read_batches(store, state, sync_id, synced_at, report.notes,
                                  max_rows, max_bytes, spans=spans, skip=skip,
                                  count=progress is not None)
    done = 0
    if progress:
        progress(0, total)
    mark = state.mark
    destination.attach(store.path)
    try:
        for batch in batches:
            report.add(destination.apply(batch))
            mark = batch.mark
            done += batch.rows()
            if progress:
                progress(done, total)
    finally:
        destination.detach()
    return mark
