"""The kiosk's SQLite store: anonymous contributions, written durably the moment they are confirmed.

A plain SQLite database that staff can open with sqlite-utils or Datasette. Tables:

- ``kiosk``: one row, this store's random kiosk id (a shared store lists every kiosk in ``kiosks``).
- ``packs``: each question pack used, by id and version, with its TOML source.
- ``events``: staff-named sessions (event name, venue, date) that participants take part in.
- ``participants``: one row per participant session: random id, pack, language, date (no time),
  whether they withdrew (their answers are then deleted; the row stays as a tombstone so that a
  withdrawal also reaches any shared store).
- ``answers``: one row per confirmed answer, append-only; a later ``seq`` for the same question
  replaces an earlier one; ``value`` is JSON (``null`` = the participant cleared the answer).
- ``current_answers`` (view): each participant's latest, non-cleared answer per question, without
  withdrawn participants: what exports report.
"""

from kiosk.store.db import SCHEMA_VERSION, Store, StoreError

__all__ = ["SCHEMA_VERSION", "Store", "StoreError"]
