"""Checking incoming rows in Python: types, lengths, known values, before anything is written.

The last word on every row: the SQL rules (`rules`) that check a span at SQLite's speed may be
stricter, never looser, and a row they refuse is brought here to be named or let through.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from kiosk.core.answers import METHODS
from kiosk.core.pack import MAX_PACK_BYTES, QUESTION_TYPES, source_problem
from kiosk.store.sync.errors import SyncError
from kiosk.store.sync.rows import AnswerRow, EventRow, PackRow, ParticipantRow, Refusal

if TYPE_CHECKING:
    from kiosk.store.sync.messages import Batch

# Limits on incoming rows: longer means a broken or hostile source.
MAX_ANSWER_TEXT = 10_000
MAX_VALUE_TEXT = 30_000
MAX_NAME = 500
MAX_PACK_SOURCE = MAX_PACK_BYTES  # the limit `kiosk packs validate` keeps to (kiosk.core.pack)
MAX_SEQ = 1_000_000

ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PACK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SCRUBBER = re.compile(r"^[0-9a-f]{16}$")
_SYNCED_AT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")

_Row = TypeVar("_Row", PackRow, EventRow, ParticipantRow, AnswerRow)


def _check(ok: bool, where: str, problem: str) -> None:
    if not ok:
        raise SyncError(f"{where}: {problem}")


def is_int(value: Any) -> bool:
    """A whole number, and not True or False (which Python counts as 1 and 0)."""
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


def check_value(value: Any, qtype: str, where: str) -> None:
    """Check an answer's value (JSON text, or None) fits its question type; raises SyncError,
    or KeyError for a question type that is not one."""
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


def _shaped(row: Any, fields: int) -> bool:
    # A list from JSON, or a record (a tuple) from this kiosk.
    return isinstance(row, (list, tuple)) and len(row) == fields


def _label(row: Any, id_field: int) -> Any:
    # A row is named by its id in messages, even before its shape is known.
    return row[id_field] if isinstance(row, (list, tuple)) and len(row) > id_field else "?"


def as_record(record: type[_Row], row: Any) -> _Row:
    """`row` as a `record`, once `_shaped` has said it has the record's number of fields."""
    return row if type(row) is record else record._make(row)


def as_records(record: type[_Row], rows: list[Any]) -> list[Any]:
    """Each row of the record's shape as a record; any other left as sent, for validate_batch
    to name."""
    size = len(record._fields)
    return [record._make(r) if type(r) is not record and _shaped(r, size) else r for r in rows]


def check_pack_source(pack: PackRow, where: str) -> None:
    """Check a pack row's source is the one its kiosk recorded (its sha256) and within the
    limits every pack keeps to (kiosk.core.pack.source_problem), so the exports and the report,
    which parse it, can always read it. Raises SyncError naming the pack and the fix."""
    # The kiosk changed, or a sender forged, the pack: starting a session with the pack again
    # records it afresh, with its hash.
    fix = "start a session with the pack on that kiosk to record it again, then sync"
    try:
        digest = hashlib.sha256(pack.source.encode("utf-8")).hexdigest()
    except UnicodeEncodeError:
        raise SyncError(f"{where}: is not valid Unicode text; {fix}") from None
    _check(digest == pack.sha256, where, f"does not match its sha256, so it was changed after "
           f"the kiosk recorded it; {fix}")
    problem = source_problem(pack.source)
    if problem is not None:
        line, message = problem
        raise SyncError(f"{where}: line {line}: {message}")


def check_participant(raw_participant: Any, kiosk_id: str) -> None:
    """Check one participant row of kiosk `kiosk_id`; raises SyncError naming the field."""
    where = f"participant {_label(raw_participant, 1)}"
    _check(_shaped(raw_participant, 9), where, "must have 9 fields")
    p = as_record(ParticipantRow, raw_participant)
    _check(is_int(p.rowid) and p.rowid > 0, f"{where} rowid", "must be a whole number")
    _text(p.id, f"{where} id", 64, ID)
    _check(p.kiosk_id == kiosk_id, f"{where} kiosk_id", "is not the sending kiosk")
    if p.event_id is not None:
        _text(p.event_id, f"{where} event_id", 64, ID)
    _text(p.pack_id, f"{where} pack_id", 64, _PACK_ID)
    _check(is_int(p.pack_version) and 1 <= p.pack_version < 2**31, f"{where} pack_version",
           "must be a whole number")
    _text(p.language, f"{where} language", 6, _LANGUAGE)
    _date(p.date, f"{where} date")
    _check(p.withdrawn in (0, 1) and not isinstance(p.withdrawn, bool), f"{where} withdrawn",
           "must be 0 or 1")


def check_answer(raw_answer: Any) -> None:
    """Check one answer row; raises SyncError naming the field."""
    where = f"answer {_label(raw_answer, 1)}"
    _check(_shaped(raw_answer, 10), where, "must have 10 fields")
    a = as_record(AnswerRow, raw_answer)
    _check(is_int(a.rowid) and a.rowid > 0, f"{where} rowid", "must be a whole number")
    _text(a.id, f"{where} id", 64, ID)
    _text(a.participant_id, f"{where} participant_id", 64, ID)
    _text(a.question_id, f"{where} question_id", 64, _PACK_ID)
    _check(a.question_type in QUESTION_TYPES, f"{where} question_type",
           f"'{str(a.question_type)[:20]}' is not one of {', '.join(QUESTION_TYPES)}")
    _check(is_int(a.seq) and 0 <= a.seq <= MAX_SEQ, f"{where} seq", "must be a whole number")
    check_value(a.value, a.question_type, f"{where} value")
    _text(a.text, f"{where} text", MAX_ANSWER_TEXT, empty=True)
    _check(a.method in METHODS, f"{where} method",
           f"'{str(a.method)[:20]}' is not one of {', '.join(METHODS)}")
    _text(a.language, f"{where} language", 6, _LANGUAGE)


def validate_batch(batch: Batch, rows: bool = True) -> None:
    """Check every row of a batch: types, lengths, known values. Raises SyncError on the first
    problem, naming the row and field, before anything is written.

    Rows may be records or, from a sender's JSON, plain lists; a list's fields are read by name
    once its length is checked. With `rows` False, the participants and answers are left to
    `sort_out`, which refuses each bad one on its own instead of the whole batch."""
    _text(batch.kiosk_id, "batch kiosk_id", 64, ID)
    _text(batch.sync_id, "batch sync_id", 64, ID)
    _text(batch.synced_at, "batch synced_at", 16, _SYNCED_AT)
    for name, mark in (("base", batch.base), ("mark", batch.mark)):
        for key in ("answers_mark", "participants_mark", "withdrawals"):
            v = getattr(mark, key)
            _check(is_int(v) and 0 <= v < 2**62, f"batch {name}.{key}", "must be a whole number")
        if mark.answers_mark_id is not None:
            _text(mark.answers_mark_id, f"batch {name}.answers_mark_id", 64, ID)
    for i, raw_pack in enumerate(batch.packs):
        where = f"pack {i + 1}"
        _check(_shaped(raw_pack, 5), where, "must have 5 fields")
        pack = as_record(PackRow, raw_pack)
        _text(pack.id, f"{where} id", 64, _PACK_ID)
        _check(is_int(pack.version) and 1 <= pack.version < 2**31, f"{where} version",
               "must be a whole number")
        _text(pack.title, f"{where} title", MAX_NAME * 4)
        _text(pack.source, f"{where} source", MAX_PACK_SOURCE)
        _text(pack.sha256, f"{where} sha256", 64, SHA256)
        check_pack_source(pack, f"{where} '{pack.id}' version {pack.version} source")
    for raw_event in batch.events:
        where = f"event {_label(raw_event, 0)}"
        _check(_shaped(raw_event, 5), where, "must have 5 fields")
        event = as_record(EventRow, raw_event)
        _text(event.id, f"{where} id", 64, ID)
        _text(event.name, f"{where} name", MAX_NAME)
        _text(event.venue, f"{where} venue", MAX_NAME, empty=True)
        _date(event.date, f"{where} date")
        _check(event.kiosk_id == batch.kiosk_id, f"{where} kiosk_id", "is not the sending kiosk")
    if rows:
        for raw_participant in batch.participants:
            check_participant(raw_participant, batch.kiosk_id)
        for raw_answer in batch.answers:
            check_answer(raw_answer)
    if batch.withdrawn is not None:
        _check(isinstance(batch.withdrawn, list), "batch withdrawn", "must be a list")
        for pid in batch.withdrawn:
            _text(pid, "withdrawn participant id", 64, ID)
    if batch.code_hashes is not None:
        _check(isinstance(batch.code_hashes, list)
               and len(batch.code_hashes) == len(batch.participants), "batch code_hashes",
               "must be a list with one entry per participant")
        for digest in batch.code_hashes if rows else ():
            if digest is not None:
                _text(digest, "batch code_hashes", 64, SHA256)
    if batch.scrubbed_with is not None:
        _check(isinstance(batch.scrubbed_with, list)
               and len(batch.scrubbed_with) == len(batch.answers), "batch scrubbed_with",
               "must be a list with one entry per answer")
        for stamp in batch.scrubbed_with if rows else ():
            if stamp is not None:
                _text(stamp, "batch scrubbed_with", 16, _SCRUBBER)


def sort_out(batch: Batch) -> list[Refusal]:
    """Take the participants and answers that break a rule out of a batch whose other fields
    `validate_batch(batch, rows=False)` has passed; return one Refusal per row taken out.

    One bad row must never stop the rest: the sender keeps it back with the reason, and every
    other row goes in. An answer whose participant is taken out goes with it."""
    refused: list[Refusal] = []
    keep_p: list[Any] = []
    keep_h: list[str | None] = []
    hashes = batch.code_hashes or [None] * len(batch.participants)
    for raw, digest in zip(batch.participants, hashes, strict=True):
        try:
            check_participant(raw, batch.kiosk_id)
            if digest is not None:
                _text(digest, f"participant {_label(raw, 1)} code_hash", 64, SHA256)
        except SyncError as exc:
            refused.append(Refusal("participants", _row_id(raw, 1), str(exc)))
            continue
        keep_p.append(raw)
        keep_h.append(digest)
    gone = {r.id for r in refused}
    keep_a: list[Any] = []
    keep_s: list[str | None] = []
    stamps = batch.scrubbed_with or [None] * len(batch.answers)
    for raw_a, stamp in zip(batch.answers, stamps, strict=True):
        try:
            check_answer(raw_a)
            if stamp is not None:
                _text(stamp, f"answer {_label(raw_a, 1)} scrubbed_with", 16, _SCRUBBER)
            if raw_a[2] in gone:
                raise SyncError(f"answer {raw_a[1]}: its participant {raw_a[2]} was kept back")
        except SyncError as exc:
            refused.append(Refusal("answers", _row_id(raw_a, 1), str(exc)))
            continue
        keep_a.append(raw_a)
        keep_s.append(stamp)
    if refused:
        batch.participants, batch.answers = keep_p, keep_a
        if batch.code_hashes is not None:
            batch.code_hashes = keep_h
        if batch.scrubbed_with is not None:
            batch.scrubbed_with = keep_s
    return refused


def _row_id(row: Any, id_field: int) -> str:
    # The id the sender keeps the row under, as text a reply can carry (even a hostile one's).
    return str(_label(row, id_field))[:64]
