"""What a sync exchanges with a destination: marks, batches, results, the report, and the
Destination interface a shared store file and a hub both implement."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kiosk.store.sync.errors import SyncError
from kiosk.store.sync.rows import AnswerRow, EventRow, PackRow, ParticipantRow, Refusal
from kiosk.store.sync.validate import as_records, sort_out, validate_batch

# Progress: called with (rows sent so far, rows to send in this sync).
Progress = Callable[[int, int], None]


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
    """Rows to apply to a shared store in one transaction, as records that travel as JSON
    arrays (see `rows`)."""

    kiosk_id: str
    sync_id: str
    synced_at: str  # YYYY-MM-DD HH:MM: staff information, never attached to participants
    base: KioskMark  # the mark this batch continues from
    mark: KioskMark  # the mark once this batch is in
    packs: list[PackRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    participants: list[ParticipantRow] = field(default_factory=list)
    answers: list[AnswerRow] = field(default_factory=list)
    withdrawn: list[str] | None = None  # every withdrawn participant of the kiosk, when sent
    # Per answer, the scrubber that made its text (None: unknown). Missing from older kiosks'
    # batches, and ignored by older hubs, which scrub everything: both stay correct.
    scrubbed_with: list[str | None] | None = None
    # Per participant, the hash of their withdrawal code (None: no code), beside the rows as
    # scrubbed_with is: missing from older kiosks' batches (no codes), ignored by older hubs.
    code_hashes: list[str | None] | None = None
    # Rows already taken out of a batch read from JSON (validate.sort_out), for apply_batch to
    # report: never sent (to_json leaves it out), so a receiver checks every row itself.
    refused: list[Refusal] = field(default_factory=list)

    def rows(self) -> int:
        """Participants and answers carried (what progress counts)."""
        return len(self.participants) + len(self.answers)

    def to_json(self) -> dict[str, Any]:
        """The batch as a JSON object (for the hub); each row an array in field order."""
        # The rows are immutable records of plain values, so copying the lists copies the batch;
        # asdict would rebuild each of the hundred thousand rows a sync may send.
        data: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            if item.name == "refused":
                continue
            value = getattr(self, item.name)
            if isinstance(value, KioskMark):
                value = asdict(value)
            elif isinstance(value, list):
                value = list(value)
            data[item.name] = value
        return data

    @classmethod
    def from_json(cls, data: Any) -> Batch:
        """A checked batch from a JSON object, its rows as records; raises SyncError naming the
        first field that is wrong."""
        if not isinstance(data, dict):
            raise SyncError("batch: must be a JSON object")
        try:
            base = KioskMark(**_dict(data.get("base"), "base"))
            mark = KioskMark(**_dict(data.get("mark"), "mark"))
            fields: dict[str, Any] = {
                k: data.get(k) for k in ("kiosk_id", "sync_id", "synced_at", "packs", "events",
                                         "participants", "answers", "withdrawn", "scrubbed_with",
                                         "code_hashes")}
        except TypeError as exc:
            raise SyncError(f"batch: unexpected mark fields ({exc})") from None
        for key in ("packs", "events", "participants", "answers"):
            if not isinstance(fields[key], list):
                raise SyncError(f"batch: field '{key}' must be a list")
        # Records first, made once: a row of another shape stays as sent, and validate_batch
        # names it; once it passes, every row is a record.
        fields["packs"] = as_records(PackRow, fields["packs"])
        fields["events"] = as_records(EventRow, fields["events"])
        fields["participants"] = as_records(ParticipantRow, fields["participants"])
        fields["answers"] = as_records(AnswerRow, fields["answers"])
        batch = cls(base=base, mark=mark, **fields)
        # The participants and answers are checked one by one, so that one bad row is refused
        # alone (named in the result by apply_batch) and every row left is a checked record.
        validate_batch(batch, rows=False)
        batch.refused = sort_out(batch)
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


def kept_back_line(count: int, reason: str) -> str:
    """`N rows kept back on this kiosk: REASON; see kiosk doctor` (the first reason)."""
    return (f"{count} row{'' if count == 1 else 's'} kept back on this kiosk: {reason}; "
            "see kiosk doctor")


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
    # Added after the first hubs: fields with defaults, so a reply without them still reads.
    # The rows refused one by one, each with its reason (from a hub's JSON: [table, id, reason]).
    refused: list[Refusal] = field(default_factory=list)
    # Answers left out because their participant is not in the shared store, as [answer id,
    # participant id]: not refused; the sender keeps them back with a participant it was told
    # was refused, else sends its rows again (a mark that skipped the participant).
    missing: list[tuple[str, str]] = field(default_factory=list)
    # Answers not reached in the scrubbing time one batch may take, neither taken nor refused:
    # the mark does not move past them, and the sender sends them again.
    deferred: int = 0


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
    kept_back: list[Refusal] = field(default_factory=list)  # refused rows, kept on the kiosk
    missing: list[tuple[str, str]] = field(default_factory=list)  # see BatchResult.missing
    deferred: int = 0  # see BatchResult.deferred

    def add(self, result: BatchResult) -> None:
        """Count one applied batch."""
        self.batches += 1
        self.participants_added += result.participants_added
        self.answers_added += result.answers_added
        self.withdrawals_applied += result.withdrawals_applied
        self.redacted += result.redacted
        if not isinstance(result.deferred, int) or isinstance(result.deferred, bool):
            raise SyncError("the shared store sent a malformed count of answers left for "
                            "later; update the hub to this kiosk's version")
        self.deferred += result.deferred
        for rows, size in ((result.refused, 3), (result.missing, 2)):
            if not all(isinstance(row, (list, tuple)) and len(row) == size
                       and all(isinstance(v, str) for v in row) for row in rows):
                raise SyncError("the shared store sent a malformed list of refused rows; "
                                "update the hub to this kiosk's version")
        self.kept_back.extend(Refusal(*row) for row in result.refused)
        self.missing.extend((answer, participant) for answer, participant in result.missing)

    def kept_back_line(self) -> str | None:
        """One line for staff when rows were refused and kept back, else None."""
        if not self.kept_back:
            return None
        return kept_back_line(len(self.kept_back), self.kept_back[0].reason)

    def message(self) -> str:
        """One sentence for staff."""
        if not (self.participants_added or self.answers_added or self.withdrawals_applied):
            return f"{self.destination}: already up to date; nothing new to send."
        # Labelled as kiosk.store.tally counts: a sync carries every session begun and every
        # version of an answer (changed ones too), not only what an export keeps.
        text = (f"{self.destination}: added {self.participants_added} "
                f"session{'' if self.participants_added == 1 else 's'} and "
                f"{self.answers_added} answer{'' if self.answers_added == 1 else 's'} "
                "(every version, changed ones included)")
        if self.withdrawals_applied:
            text += (f"; removed the answers of {self.withdrawals_applied} "
                     f"{'person' if self.withdrawals_applied == 1 else 'people'} who withdrew")
        if self.redacted:
            text += f"; removed personal details from {self.redacted} answers"
        return text + "."


class Destination(Protocol):
    """Where a sync sends batches: a shared store file, or a hub.

    `sync` works through this interface alone: it asks `copies_spans` which kind of batch to
    read, and brackets the batches with `attach` and `detach`."""

    name: str
    # True: batches name spans of rows (StoreSpan) that the destination copies from the kiosk
    # store itself, once attached; False: batches carry the rows.
    copies_spans: bool

    def state(self, kiosk_id: str) -> DestinationState:
        """The shared store's id and this kiosk's mark there."""

    def apply(self, batch: Batch) -> BatchResult:
        """Apply one batch atomically; safe to repeat."""

    def attach(self, kiosk_store: Path) -> None:
        """Before the first batch: the kiosk store the batches come from."""

    def detach(self) -> None:
        """After the last batch, or a failed one: let go of the kiosk store."""
