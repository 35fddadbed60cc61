"""Kiosk data folders filled by the real session logic, for the sync, hub and fault tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.core.pack import default_pack_path, load_pack
from kiosk.devtools.simulate import read_pack_source, simulate
from kiosk.store.db import Store, store_in


def make_kiosk(folder: Path, participants: int, seed: int) -> Path:
    """A kiosk data folder filled by the real session logic."""
    pack, _ = load_pack(default_pack_path())
    store = Store(store_in(folder))
    simulate(store, pack, participants, seed, read_pack_source(default_pack_path()))
    store.close()
    return folder


def kiosk_answers(folder: Path) -> set[str]:
    """The ids of the answers in a kiosk data folder's store."""
    conn = sqlite3.connect(store_in(folder))
    ids = {r[0] for r in conn.execute("SELECT id FROM answers")}
    conn.close()
    return ids
