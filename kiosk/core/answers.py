"""Answers and participant sessions: the anonymous records the kiosk keeps.

Anonymous by design: ids are random, a participant session carries its date but no time of day,
and the order of answers is kept by a sequence number rather than a timestamp. The ids and the
date are made outside the core (kiosk.ids.new_id, the clock) and passed in.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

# How an answer was given.
METHODS = ("voice", "tap", "typed")
# The longest answer a participant can give, typed or spoken ("add more" included), in
# characters: well under what sync accepts in one row, so one long answer never stops a sync.
MAX_ANSWER_CHARS = 4000

# The value of an answer: free text (open), a choice id (choice, scale), a list of choice ids
# (multi), True/False (yesno), or None when the participant cleared an answer they had given.
AnswerValue = str | tuple[str, ...] | bool | None


@dataclass(frozen=True)
class ParticipantSession:
    """One person's visit to the kiosk, from consent to thank you."""

    id: str
    pack_id: str
    pack_version: int
    language: str
    date: str  # ISO date only, never a time of day
    event_id: str | None = None
    # The hash of the participant's withdrawal code (kiosk.core.withdrawal.code_hash), never the
    # code itself; None if they were given none.
    code_hash: str | None = None

    @classmethod
    def begin(cls, pack_id: str, pack_version: int, language: str, today: datetime.date,
              event_id: str | None = None, *, new_id: Callable[[], str],
              code_hash: str | None = None) -> ParticipantSession:
        """A new session with a fresh id from `new_id` (kiosk.ids.new_id), dated `today`."""
        return cls(new_id(), pack_id, pack_version, language, today.isoformat(), event_id,
                   code_hash)


@dataclass(frozen=True)
class Answer:
    """One confirmed answer. A later answer to the same question replaces it (by `seq`)."""

    id: str
    participant_id: str
    question_id: str
    question_type: str
    seq: int
    value: AnswerValue
    text: str  # what the participant confirmed, in their language, personal details removed
    method: str
    language: str
    # The scrubber_version() that removed personal details from `text`; None if none did (a
    # choice, or an older kiosk), so sync scrubs it again.
    scrubbed_with: str | None = None
