"""The rules of `validate_batch` in SQL, so that a span of rows is checked at SQLite's speed.

They may be stricter than validate_batch, never looser: a row they refuse is looked at again by
validate_batch, which names the field or lets it pass (tests/test_sync.py checks both agree).
"""

from __future__ import annotations

from kiosk.core.answers import METHODS
from kiosk.core.pack import QUESTION_TYPES
from kiosk.store.sync.errors import SyncError
from kiosk.store.sync.rows import AnswerRow, ParticipantRow, columns
from kiosk.store.sync.validate import MAX_ANSWER_TEXT, MAX_SEQ, MAX_VALUE_TEXT, check_value


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


# A participant row (alias s) of the sending kiosk (:kiosk) that validate_batch would pass.
PARTICIPANT_OK = " AND ".join((
    _sql_id("s.id"), "s.kiosk_id IS :kiosk",
    f"(s.event_id IS NULL OR {_sql_id('s.event_id')})", _sql_pack_id("s.pack_id"),
    _sql_int("s.pack_version", 1, 2**31 - 1), _sql_language("s.language"),
    "(typeof(s.date) = 'text' AND length(CAST(s.date AS BLOB)) = 10 AND "
    "s.date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND s.date >= '0001-01-01' AND "
    # '+0 days' makes date() roll an impossible day over (2024-02-30 becomes 2024-03-01)
    "date(s.date, '+0 days') = s.date)",
    "(typeof(s.withdrawn) = 'integer' AND s.withdrawn IN (0, 1))"))
# A participant's withdrawal code hash (alias s) that validate_batch would pass: none, or 64 hex.
CODE_HASH_OK = ("(s.code_hash IS NULL OR (typeof(s.code_hash) = 'text' AND "
                "length(CAST(s.code_hash AS BLOB)) = 64 AND length(s.code_hash) = 64 AND "
                "s.code_hash NOT GLOB '*[^0-9a-f]*'))")
# A value is plainly a JSON string, or true/false; anything else (escapes, lists) is decoded by
# Python, exactly as validate_batch does. json_valid() refuses raw control characters in a
# string, as json.loads does (tests/test_sync.py checks this SQLite does).
VALUE_OK = (
    "(s.value IS NULL OR (typeof(s.value) = 'text' AND length(s.value) <= "
    f"{MAX_VALUE_TEXT} AND ((s.question_type IN ('open', 'choice', 'scale') AND "
    "s.value GLOB '\"*\"' AND instr(CAST(s.value AS BLOB), x'00') = 0 AND "
    "instr(s.value, '\\') = 0 AND json_valid(s.value)) OR "
    "(s.question_type = 'yesno' AND s.value IN ('true', 'false')) OR "
    "kiosk_value_fits(s.value, s.question_type))))")
# participant_id needs no rule here: the shared store's foreign key only lets in the id of a
# participant already there, and those passed these rules or validate_batch.
ANSWER_OK = " AND ".join((
    _sql_id("s.id"), _sql_pack_id("s.question_id"),
    _sql_in("s.question_type", QUESTION_TYPES), _sql_int("s.seq", 0, MAX_SEQ), VALUE_OK,
    _sql_text("s.text", MAX_ANSWER_TEXT), _sql_in("s.method", METHODS),
    _sql_language("s.language")))

# The columns copied, in the records' order without the kiosk's rowid (which is not copied).
PARTICIPANT_COLUMNS = columns(ParticipantRow, skip=1)
ANSWER_COLUMNS = columns(AnswerRow, skip=1)
# An open answer not stamped by this scrubber goes through it again; `changed` says whether
# that took anything out.
NEEDS_SCRUB = ("(s.question_type = 'open' AND (:ours IS NULL OR s.scrubbed_with IS NOT :ours))")
CHANGED = "kiosk_scrub_changed(s.text, s.value, s.language)"

# Which answers a span holds. Answers are never changed in a kiosk store, only added or deleted,
# so two snapshots that agree on this hold the same answers.
SPAN_FINGERPRINT = ("SELECT count(*), total(rowid) FROM {schema}answers "
                    "WHERE rowid > :start AND rowid <= :end")
# The answers of a span the rules refuse, as the fields of an AnswerRow.
SUSPECT_ANSWERS = (f"SELECT s.rowid, {columns(AnswerRow, 's', skip=1)} FROM {{schema}}answers s "
                   f"WHERE s.rowid > :start AND s.rowid <= :end AND NOT ({ANSWER_OK})")


def value_fits(value: str, question_type: str) -> bool:
    """SQL function kiosk_value_fits: validate_batch's verdict on an answer's value."""
    try:
        check_value(value, question_type, "value")
    except (SyncError, KeyError):
        return False
    return True
