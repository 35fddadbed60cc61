"""Where a sync or a merge goes: the one place that tells a hub address from a shared store file.

Kept apart from `client` so that a sync to a stick or a folder (most of them) does not load the
hub's client, TLS and HTTP code: `kiosk sync` to a file starts about a tenth of a second sooner.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from kiosk.store.db import Store
from kiosk.store.shared import SharedStoreError, shared_store_in
from kiosk.store.sync import Progress, SyncError, SyncReport, into_file, merge_shared, sync_to_file

STORE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
# host:port, or a bare IPv4 address: an address typed without http://, not a file name.
_ADDRESS = re.compile(r"^(localhost|[\w.-]*\d[\w.-]*|[\w-]+(\.[\w-]+)+)(:\d{1,5})(/.*)?$"
                      r"|^\d{1,3}(\.\d{1,3}){3}$")


def resolve_target(target: str) -> str | Path:
    """Where a sync goes: a hub's https:// address, or the shared store file a path names.

    A path is a store file (created if missing, in a folder that exists) or a folder holding
    one known shared store (or none yet: one is made there). Anything else is refused with
    one line saying what to write instead, before anything is created: a typo must never
    send answers to a new file that looks like a success.
    """
    text = target.strip()
    if text.startswith(("http://", "https://")):
        return text
    if "://" in text:
        raise SyncError(f"{target}: not a hub address; give a hub as https://HOST:PORT, as "
                        "`kiosk hub` printed it")
    if _ADDRESS.match(text):
        raise SyncError(f"{target}: looks like a hub address; write https://{text}")
    path = Path(text).expanduser()
    if path.is_dir():
        try:
            return shared_store_in(path)
        except SharedStoreError as exc:
            raise SyncError(str(exc)) from None
    if not path.parent.is_dir():
        raise SyncError(f"{path.parent}: no such folder; check the stick is plugged in and "
                        "the path is right")
    if not path.exists() and path.suffix.lower() not in STORE_SUFFIXES:
        raise SyncError(f"{target}: not a shared store; give a folder, a file ending in .db "
                        "or .sqlite, or a hub as https://HOST:PORT")
    return path


def sync_to_target(store: Store, target: str, data_dir: str | Path, token: str | None = None,
                   progress: Progress | None = None, pairing_code: str | None = None,
                   fingerprint: str | None = None, insecure: bool = False) -> SyncReport:
    """Sync to a shared store file or, for https://HOST:PORT, to a hub (as the paired kiosk,
    or as staff with the hub's token).

    The one place that tells the two apart (see `resolve_target`), for the command line and
    the staff screen alike. Raises SyncError with one line saying what to do.
    """
    where = resolve_target(target)
    if isinstance(where, str):
        from kiosk.store.hub.client import sync_to_hub_at  # only for a hub: HTTP, TLS

        return sync_to_hub_at(store, where, data_dir, token, progress, pairing_code,
                              fingerprint, insecure)
    return sync_to_file(store, where, progress)


def merge_into_target(source: str | Path, target: str, data_dir: str | Path,
                      token: str | None = None, progress: Progress | None = None,
                      fingerprint: str | None = None, insecure: bool = False) -> SyncReport:
    """Merge the shared store `source` (a file, or a folder holding one) into a target named as
    for `sync_to_target`: a shared store file, a folder, or a hub (with the hub's token: every
    kiosk's rows travel, which only staff may send). Each row arrives once.
    Raises SyncError with one line saying what to do."""
    where = resolve_target(target)
    if isinstance(where, str):
        from kiosk.store.hub.client import merge_into_hub  # only for a hub: HTTP, TLS

        return merge_into_hub(source, where, data_dir, token, progress, fingerprint, insecure)
    return into_file(where, partial(merge_shared, source, progress=progress), "merge again")
