"""The rows a batch carries, as records read by name (``row.question_id``, not ``row[3]``).

On the wire (a batch sent to a hub as JSON) each row is a plain array in field order, as it has
always been: a NamedTuple encodes as a JSON array, so kiosks and hubs of older versions read the
rows of newer ones and the other way round. NamedTuples also keep the hot paths as cheap as the
plain lists they replace: no per-row dictionary, fields read by index under the hood.

A record made from a sender's array holds whatever the sender sent until `validate_batch` has
passed it; the annotations say what each field holds after that.
"""

from __future__ import annotations

from typing import NamedTuple


class PackRow(NamedTuple):
    """A question pack a kiosk used (its source, so reports show the questions as asked)."""

    id: str
    version: int
    title: str
    source: str
    sha256: str


class EventRow(NamedTuple):
    """A named session (an event) a kiosk ran."""

    id: str
    name: str
    venue: str
    date: str
    kiosk_id: str


class ParticipantRow(NamedTuple):
    """One participant, with the row number the kiosk store gave it (what marks count)."""

    rowid: int
    id: str
    kiosk_id: str
    event_id: str | None
    pack_id: str
    pack_version: int
    language: str
    date: str
    withdrawn: int  # 0 or 1


class AnswerRow(NamedTuple):
    """One answer, with the row number the kiosk store gave it (what marks count)."""

    rowid: int
    id: str
    participant_id: str
    question_id: str
    question_type: str
    seq: int
    value: str | None  # the answer as JSON text; None: a cleared answer
    text: str
    method: str
    language: str


class Refusal(NamedTuple):
    """A row the shared side would not take, and why: the kiosk keeps it back (quarantine)."""

    table: str  # "participants" or "answers"
    id: str
    reason: str


def columns(record: type[PackRow | EventRow | ParticipantRow | AnswerRow], alias: str = "",
            skip: int = 0) -> str:
    """The record's fields as an SQL column list (from field `skip` on), so that the SQL that
    reads or writes rows keeps the records' field order; with `alias`, each prefixed by it."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + name for name in record._fields[skip:])
