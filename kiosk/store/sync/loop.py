"""The sync itself: read what is new, send it batch by batch, note where it got to."""

from __future__ import annotations

from datetime import datetime

from kiosk.ids import new_id
from kiosk.store.db import Store
from kiosk.store.sync.marks import read_marks, write_marks
from kiosk.store.sync.messages import Destination, Progress, SyncReport
from kiosk.store.sync.read import read_batches

# How much one batch (one transaction on the shared side, one request to a hub) may carry.
BATCH_ROWS = 5_000
BATCH_BYTES = 4_000_000
# How many rows one transaction copies into a shared store file: fewer commits (each an fsync
# on the stick) against more work lost to a pulled stick.
SPAN_ROWS = 50_000


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
    total, batches = read_batches(store, state, sync_id, synced_at, report.notes,
                                  max_rows, max_bytes, spans=spans)
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
    write_marks(store, state.store_id, mark, synced_at)
    return report
