"""The kiosk's own note of where it has synced to (``kiosk.sqlite.sync-marks.json``).

Only to tell staff when a shared store was swapped or restored from an older copy: the shared
store's own mark always decides what is sent."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kiosk.private import write_private
from kiosk.store.db import Store
from kiosk.store.sync.messages import KioskMark


def _marks_path(store: Store) -> Path:
    return store.path.with_name(store.path.name + ".sync-marks.json")


def read_marks(store: Store) -> dict[str, Any]:
    """The note, by shared store id; empty when missing or unreadable."""
    try:
        data = json.loads(_marks_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_marks(store: Store, store_id: str, mark: KioskMark, synced_at: str) -> None:
    """Note the mark a sync left in the shared store `store_id`."""
    # Written whole to a temporary file and renamed, so it is never half-written.
    marks = read_marks(store)
    marks[store_id] = {**asdict(mark), "synced_at": synced_at}
    path = _marks_path(store)
    write_private(path, json.dumps(marks, indent=1))


def last_syncs(store: Store) -> dict[str, dict[str, Any]]:
    """Each shared store this kiosk has synced to (by id): its mark and when (to the minute)."""
    return read_marks(store)
