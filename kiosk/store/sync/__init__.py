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

One row never stops the rest: a participant or answer that breaks a rule (or that the scrubber
cannot check within its time budget) is refused on its own, named with the reason in the
batch's result, and every other row goes in; the kiosk keeps the refused row where it is and
notes it (``Store.keep_back``), for ``kiosk sync`` and ``kiosk doctor`` to report. A mark that
skipped rows (altered, or ahead of the kiosk) makes the kiosk send everything again.

Every incoming row is checked (types, lengths, known values) before anything is written, and each
open answer's text goes through the personal-details scrubber again on arrival unless it is
stamped as scrubbed by this very scrubber (``scrubbed_with``, see
``kiosk.core.redact.scrubber_version``): the second pass is for stores written by older kiosks and
older scrubbers, and the same scrubber run twice finds nothing new. The stamp is a record of what
the kiosk software did, not a defence against a sender that lies: a sender able to forge it could
as well send details phrased so that no scrubber finds them.

Library use (the staff screen)::

    report = sync_to_file(Store(store_in(data_dir)), "/media/stick/kiosk-shared.db",
                          progress=lambda done, total: ...)
    report.answers_added, report.withdrawals_applied, report.message()

Modules, one concern each (the names below are re-exported here for callers):

- ``errors``: SyncError.
- ``rows``: the row records a batch carries (PackRow, EventRow, ParticipantRow, AnswerRow).
- ``validate``: checking incoming rows in Python (validate_batch) and the limits on them.
- ``messages``: marks, Batch and StoreSpan, results, the report, the Destination interface.
- ``read``: reading what is new on the kiosk, as batches of rows or spans of row numbers.
- ``scrub``: the scrubber's second pass over incoming answers.
- ``apply``: applying a batch on the shared side; a kiosk's mark there; the integrity check.
- ``rules``: validate_batch's rules in SQL, for spans.
- ``span``: copying spans straight from the attached kiosk store, with a checker thread.
- ``shared_file``: a shared store file as a destination; sync_to_file.
- ``marks``: the kiosk's own note of where it has synced to.
- ``loop``: the sync itself, through the Destination interface alone.
- ``merge``: one shared store merged into another, through the same interface.
"""

from kiosk.store.sync.apply import apply_batch, check_integrity, destination_state
from kiosk.store.sync.errors import SyncError
from kiosk.store.sync.loop import BATCH_BYTES, BATCH_ROWS, SPAN_ROWS, sync
from kiosk.store.sync.marks import last_syncs
from kiosk.store.sync.merge import merge_shared
from kiosk.store.sync.messages import (
    Batch,
    BatchResult,
    Destination,
    DestinationState,
    KioskMark,
    Progress,
    StoreSpan,
    SyncReport,
    kept_back_line,
)
from kiosk.store.sync.rows import AnswerRow, EventRow, PackRow, ParticipantRow, Refusal
from kiosk.store.sync.scrub import BATCH_SCRUB_BUDGET, SCRUB_BUDGET, TOO_SLOW
from kiosk.store.sync.shared_file import SharedFile, into_file, sync_to_file
from kiosk.store.sync.span import SOURCE, attach_source, copy_span
from kiosk.store.sync.validate import (
    MAX_ANSWER_TEXT,
    MAX_NAME,
    MAX_PACK_SOURCE,
    MAX_SEQ,
    MAX_VALUE_TEXT,
    validate_batch,
)

__all__ = [
    "BATCH_BYTES", "BATCH_ROWS", "MAX_ANSWER_TEXT", "MAX_NAME", "MAX_PACK_SOURCE", "MAX_SEQ",
    "MAX_VALUE_TEXT", "SOURCE", "SPAN_ROWS", "AnswerRow", "Batch", "BatchResult", "Destination",
    "DestinationState", "EventRow", "KioskMark", "PackRow", "ParticipantRow", "Progress",
    "BATCH_SCRUB_BUDGET", "Refusal", "SCRUB_BUDGET", "TOO_SLOW", "kept_back_line",
    "SharedFile", "StoreSpan", "SyncError", "SyncReport", "apply_batch", "attach_source",
    "check_integrity", "copy_span", "destination_state", "last_syncs", "merge_shared", "sync",
    "into_file",
    "sync_to_file",
    "validate_batch",
]
