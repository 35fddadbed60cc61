"""Helper process for the store's reliability test: saves answers until it is killed.

Usage: python tests/support/store_writer.py STORE PARTICIPANT_ID

Prints "ready" once the store is open, then for each answer its seq, only AFTER save_answer has
returned (that is, after the commit). The parent kills this process with SIGKILL at a random
moment and checks that every seq printed is in the store.
"""

from __future__ import annotations

import sys
from datetime import date

from kiosk.core.answers import Answer, ParticipantSession
from kiosk.ids import new_id
from kiosk.store.db import Store


def main(store_path: str, participant_id: str) -> None:
    """Save answers in a loop, reporting each one after its commit."""
    store = Store(store_path)
    session = ParticipantSession(participant_id, "reliability", 1, "en", date.today().isoformat())
    store.begin_participant(session)
    print("ready", flush=True)
    seq = 0
    while True:
        seq += 1
        # Alternate the kinds of value; one question per answer, so each one stays current.
        value: str | tuple[str, ...] | bool = (
            f"answer number {seq}" if seq % 3 == 0 else ("a", "b") if seq % 3 == 1 else True)
        store.save_answer(Answer(new_id(), participant_id, f"q{seq}", "open", seq, value,
                                 f"answer number {seq}", "typed", "en"))
        print(seq, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
