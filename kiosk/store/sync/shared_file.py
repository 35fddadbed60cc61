"""A shared store file (on a USB stick, in a folder) as a sync destination."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path

from kiosk.store.db import Store
from kiosk.store.shared import SharedStoreError, one_line, open_shared_store
from kiosk.store.sync.apply import apply_batch, check_integrity, destination_state
from kiosk.store.sync.errors import SyncError
from kiosk.store.sync.loop import sync
from kiosk.store.sync.messages import (
    Batch,
    BatchResult,
    DestinationState,
    Progress,
    StoreSpan,
    SyncReport,
)
from kiosk.store.sync.scrub import SpanScrubs
from kiosk.store.sync.span import attach_source, copy_span, detach_source

# The page cache of a shared store file's connection during a sync, in KiB.
CACHE_KIB = 32 * 1024


class SharedFile:
    """A shared store file as a sync destination (a USB stick, a folder)."""

    copies_spans = True  # it copies rows straight from the attached kiosk store

    def __init__(self, path: str | Path):
        self.conn, self.store_id = open_shared_store(path)
        # Room for the answers' indexes of a store of some 100,000 answers (SQLite's default is
        # 2 MiB): a copy's new ids land at random places in them, and past the cache each one
        # is a read of the file (a copy took half as long again).
        self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.name = str(path)
        self.scrubs: SpanScrubs | None = None  # one sync's scrubbing results, while attached
        try:
            check_integrity(self.conn, path)
        except SharedStoreError:
            self.conn.close()
            raise

    def state(self, kiosk_id: str) -> DestinationState:
        """The store's id and this kiosk's mark there."""
        return destination_state(self.conn, self.store_id, kiosk_id)

    def apply(self, batch: Batch) -> BatchResult:
        """Apply one batch in one transaction."""
        if isinstance(batch, StoreSpan):
            return copy_span(self.conn, batch, self.scrubs)
        return apply_batch(self.conn, batch, "file")

    def attach(self, kiosk_store: Path) -> None:
        """Attach the kiosk store whose spans `apply` will copy."""
        attach_source(self.conn, kiosk_store)
        self.scrubs = SpanScrubs()

    def detach(self) -> None:
        """Let go of the kiosk store."""
        detach_source(self.conn)
        self.scrubs = None

    def close(self) -> None:
        """Close the shared store."""
        self.conn.close()


def into_file(shared_path: str | Path, send: Callable[[SharedFile], SyncReport],
              again: str = "sync again") -> SyncReport:
    """Run `send` into the shared store file at `shared_path` (created if missing), turning a
    store that cannot be opened or written into a one-line SyncError that ends with `again`."""
    try:
        destination = SharedFile(shared_path)
    except SharedStoreError as exc:
        raise SyncError(str(exc)) from None
    try:
        return send(destination)
    except SharedStoreError as exc:
        raise SyncError(str(exc)) from None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise SyncError(f"{shared_path}: could not be written ({one_line(exc)}); nothing from "
                        f"this batch was kept; check the stick and {again}") from None
    finally:
        destination.close()


def sync_to_file(store: Store, shared_path: str | Path,
                 progress: Progress | None = None) -> SyncReport:
    """Sync a kiosk store into a shared store file (created if missing). See `sync`."""
    return into_file(shared_path, partial(sync, store, progress=progress))
