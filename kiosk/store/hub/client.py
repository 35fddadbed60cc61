"""A kiosk's side of the hub: the hub as a sync destination, and the one place that tells a hub
address from a shared store file."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kiosk.store.db import Store
from kiosk.store.hub.token import MAX_REQUEST_BYTES, HubError, check_token, read_token
from kiosk.store.shared import SharedStoreError, shared_store_in
from kiosk.store.sync import (
    Batch,
    BatchResult,
    DestinationState,
    KioskMark,
    Progress,
    SyncError,
    SyncReport,
    into_file,
    merge_shared,
    sync,
    sync_to_file,
)


class HubDestination:
    """A hub as a sync destination (`kiosk sync --to http://HOST:PORT`)."""

    copies_spans = False  # the hub cannot read the kiosk store: batches carry the rows

    def __init__(self, url: str, token: str, timeout: float = 60):
        parsed = urlparse(url)
        if parsed.scheme != "http" or not parsed.hostname:
            raise HubError(f"{url}: give the hub as http://HOST:PORT, as `kiosk hub` printed it")
        self.base = url.rstrip("/")
        self.name = self.base
        self.token = check_token(token)
        self.timeout = timeout

    def _request(self, method: str, path: str, body: bytes | None = None) -> dict[str, Any]:
        request = urllib.request.Request(
            self.base + path, data=body, method=method,
            headers={"Authorization": f"Bearer {self.token}",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = json.loads(response.read(MAX_REQUEST_BYTES))
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read(10_000)).get("error", exc.reason)
            except (ValueError, AttributeError):
                message = exc.reason
            raise HubError(f"{self.base}: the hub refused ({exc.code}): {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise HubError(f"{self.base}: cannot reach the hub ({reason}); check it is running "
                           "and this kiosk is on the same network") from None
        except ValueError:
            raise HubError(f"{self.base}: did not answer like a kiosk hub; check the address") \
                from None
        if not isinstance(data, dict):
            raise HubError(f"{self.base}: did not answer like a kiosk hub; check the address")
        return data

    def state(self, kiosk_id: str) -> DestinationState:
        """The hub store's id and this kiosk's mark there."""
        data = self._request("GET", f"/state?kiosk={kiosk_id}")
        try:
            mark = KioskMark(**data["mark"])
            store_id = data["store_id"]
        except (KeyError, TypeError):
            raise HubError(f"{self.base}: did not answer like a kiosk hub; check the address") \
                from None
        if not isinstance(store_id, str) or not all(
                isinstance(getattr(mark, k), int) for k in ("answers_mark", "participants_mark",
                                                            "withdrawals")):
            raise HubError(f"{self.base}: sent a malformed state; check the address")
        return DestinationState(store_id, mark)

    def apply(self, batch: Batch) -> BatchResult:
        """Send one batch; the hub applies it atomically."""
        body = json.dumps(batch.to_json(), ensure_ascii=False).encode("utf-8")
        data = self._request("POST", "/batch", body)
        try:
            return BatchResult(**data["result"])
        except (KeyError, TypeError):
            raise HubError(f"{self.base}: sent a malformed reply; check the address") from None

    def attach(self, kiosk_store: Path) -> None:
        """Nothing to do: the batches carry the rows themselves."""

    def detach(self) -> None:
        """Nothing to do: nothing was attached."""


def sync_to_hub(store: Store, url: str, token: str,
                progress: Progress | None = None) -> SyncReport:
    """Sync a kiosk store to a hub (see kiosk.store.sync.sync); HubError becomes SyncError."""
    try:
        return sync(store, HubDestination(url, token), progress)
    except HubError as exc:
        raise SyncError(str(exc)) from None


STORE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
# host:port, or a bare IPv4 address: an address typed without http://, not a file name.
_ADDRESS = re.compile(r"^(localhost|[\w.-]*\d[\w.-]*|[\w-]+(\.[\w-]+)+)(:\d{1,5})(/.*)?$"
                      r"|^\d{1,3}(\.\d{1,3}){3}$")


def resolve_target(target: str) -> str | Path:
    """Where a sync goes: a hub's http:// address, or the shared store file a path names.

    A path is a store file (created if missing, in a folder that exists) or a folder holding
    one known shared store (or none yet: one is made there). Anything else is refused with
    one line saying what to write instead, before anything is created: a typo must never
    send answers to a new file that looks like a success.
    """
    text = target.strip()
    if text.startswith(("http://", "https://")):
        return text
    if "://" in text:
        raise SyncError(f"{target}: not a hub address; give a hub as http://HOST:PORT, as "
                        "`kiosk hub` printed it")
    if _ADDRESS.match(text):
        raise SyncError(f"{target}: looks like a hub address; write http://{text}")
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
                        "or .sqlite, or a hub as http://HOST:PORT")
    return path


def _hub_token(where: str, data_dir: str | Path, token: str | None) -> str:
    token = token or read_token(data_dir)
    if not token:
        raise SyncError(f"no hub token for {where}; run `kiosk hub-token set TOKEN --data "
                        f"{data_dir}` with the token the hub printed, or pass --token")
    return token


def sync_to_target(store: Store, target: str, data_dir: str | Path, token: str | None = None,
                   progress: Progress | None = None) -> SyncReport:
    """Sync to a shared store file or, for http://HOST:PORT, to a hub (with the kept token).

    The one place that tells the two apart (see `resolve_target`), for the command line and
    the staff screen alike. Raises SyncError with one line saying what to do.
    """
    where = resolve_target(target)
    if isinstance(where, str):
        return sync_to_hub(store, where, _hub_token(where, data_dir, token), progress)
    return sync_to_file(store, where, progress)


def merge_into_target(source: str | Path, target: str, data_dir: str | Path,
                      token: str | None = None, progress: Progress | None = None) -> SyncReport:
    """Merge the shared store `source` (a file, or a folder holding one) into a target named as
    for `sync_to_target`: a shared store file, a folder, or a hub. Each row arrives once.
    Raises SyncError with one line saying what to do."""
    where = resolve_target(target)
    if isinstance(where, str):
        try:
            return merge_shared(source, HubDestination(where, _hub_token(where, data_dir, token)),
                                progress)
        except (HubError, SharedStoreError) as exc:
            raise SyncError(str(exc)) from None
    return into_file(where, partial(merge_shared, source, progress=progress), "merge again")
