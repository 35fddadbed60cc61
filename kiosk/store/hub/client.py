"""A kiosk's side of the hub: the hub as a sync destination. Which targets are hubs is
`kiosk.store.hub.target`'s to say (its names are re-exported here)."""

from __future__ import annotations

import dataclasses
import http.client
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kiosk.store.db import Store
from kiosk.store.hub.pairing import (
    CODE_LENGTH,
    Pairing,
    normalise_code,
    pairing_proof,
    read_pairing,
)
from kiosk.store.hub.target import (  # noqa: F401 - re-exported for callers of this module
    STORE_SUFFIXES,
    merge_into_target,
    resolve_target,
    sync_to_target,
)
from kiosk.store.hub.tls import PinnedConnection
from kiosk.store.hub.token import MAX_REQUEST_BYTES, HubError, check_token, read_token
from kiosk.store.shared import SharedStoreError
from kiosk.store.sync import (
    Batch,
    BatchResult,
    DestinationState,
    KioskMark,
    Progress,
    SyncError,
    SyncReport,
    merge_shared,
    sync,
)


class HubDestination:
    """A hub as a sync destination (`kiosk sync --to https://HOST:PORT`).

    `credential` is the Authorization header's value: ``Kiosk ID KEY`` for a paired kiosk,
    ``Bearer TOKEN`` for staff. Over https the hub must show the certificate whose fingerprint
    is `fingerprint`; plain http only with `insecure` (the hub must allow it too).
    """

    copies_spans = False  # the hub cannot read the kiosk store: batches carry the rows

    def __init__(self, url: str, credential: str, fingerprint: str | None,
                 insecure: bool = False, timeout: float = 60):
        parsed = urlparse(url)
        if parsed.scheme not in ("https", "http") or not parsed.hostname:
            raise HubError(f"{url}: give the hub as https://HOST:PORT, as `kiosk hub` printed "
                           "it")
        if parsed.scheme == "http" and not insecure:
            raise HubError(f"{url}: plain http would show the hub's key and every answer to "
                           "anyone on the network; write https://, or add --insecure for a "
                           "hub of an older version")
        if parsed.scheme == "https" and fingerprint is None:
            raise HubError(f"{url}: no certificate fingerprint for this hub; pair with "
                           "`kiosk pair`, or give --fingerprint as `kiosk hub` printed it")
        self.base = url.rstrip("/")
        self.name = self.base
        self.host, self.port = parsed.hostname, parsed.port
        self.scheme = parsed.scheme
        self.credential = credential
        self.fingerprint = fingerprint
        self.timeout = timeout

    def _connection(self) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return PinnedConnection(self.host or "", self.port, self.fingerprint, self.timeout)
        return http.client.HTTPConnection(self.host or "", self.port, timeout=self.timeout)

    def _request(self, method: str, path: str, body: bytes | None = None) -> dict[str, Any]:
        return _exchange(self.base, self._connection, method, path, body,
                         {"Authorization": self.credential})

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
            # Fields a newer hub may add are left aside, so an older kiosk still reads the reply.
            known = {f.name for f in dataclasses.fields(BatchResult)}
            return BatchResult(**{k: v for k, v in data["result"].items() if k in known})
        except (KeyError, TypeError):
            raise HubError(f"{self.base}: sent a malformed reply; check the address") from None

    def attach(self, kiosk_store: Path) -> None:
        """Nothing to do: the batches carry the rows themselves."""

    def detach(self) -> None:
        """Nothing to do: nothing was attached."""


def _exchange(base: str, connect: Callable[[], http.client.HTTPConnection], method: str,
              path: str, body: bytes | None, headers: dict[str, str],
              retries: int = 30) -> dict[str, Any]:
    """One request and its JSON answer; a hub that says "too many requests" is waited for."""
    for _ in range(retries):
        connection = connect()
        try:
            connection.request(method, path, body=body,
                               headers={**headers, "Content-Type": "application/json"})
            response = connection.getresponse()
            raw = response.read(MAX_REQUEST_BYTES)
            status = response.status
            wait = response.getheader("Retry-After")
        except HubError:
            raise
        except (OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise HubError(f"{base}: cannot reach the hub ({reason}); check it is running "
                           "and this kiosk is on the same network") from None
        finally:
            connection.close()
        if status == 429:
            time.sleep(min(5.0, float(wait or 1)))
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            raise HubError(f"{base}: did not answer like a kiosk hub; check the address") \
                from None
        if not isinstance(data, dict):
            raise HubError(f"{base}: did not answer like a kiosk hub; check the address")
        if status != 200:
            message = data.get("error", response.reason)
            raise HubError(f"{base}: the hub refused ({status}): {message}")
        return data
    raise HubError(f"{base}: the hub is too busy; try again in a minute")


def pair_with_hub(url: str, code: str, data_dir: str | Path, kiosk_id: str,
                  fingerprint: str | None = None, timeout: float = 30) -> Pairing:
    """Pair this kiosk with the hub at `url` using the code the hub shows, and keep the
    pairing in `data_dir`. With `fingerprint` (as the hub printed it), any other certificate is
    refused; without, the one the hub shows is bound into the proof (see pairing.py)."""
    parsed = urlparse(url.strip())
    if parsed.scheme != "https" or not parsed.hostname:
        raise HubError(f"{url}: pair over https://HOST:PORT, as `kiosk hub` printed it")
    if len(normalise_code(code)) != CODE_LENGTH:
        raise HubError(f"{code}: a pairing code has {CODE_LENGTH} letters and digits, as the "
                       "hub shows it (for example ABCD-EFG-HJK)")
    base = f"https://{parsed.netloc}"
    # The first connection only learns the certificate; the proof is bound to it.
    probe = PinnedConnection(parsed.hostname or "", parsed.port, fingerprint, timeout)
    try:
        probe.connect()
    except HubError:
        raise
    except OSError as exc:
        raise HubError(f"{base}: cannot reach the hub ({exc}); check it is running and this "
                       "kiosk is on the same network") from None
    finally:
        probe.close()
    shown = probe.seen or ""
    body = json.dumps({"kiosk": kiosk_id, "proof": pairing_proof(code, shown, kiosk_id)})
    pinned = fingerprint or shown

    def connect_pinned() -> http.client.HTTPConnection:
        return PinnedConnection(parsed.hostname or "", parsed.port, pinned, timeout)

    data = _exchange(base, connect_pinned, "POST", "/pair", body.encode(), {})
    key = data.get("key")
    if not isinstance(key, str) or not key:
        raise HubError(f"{base}: did not answer like a kiosk hub; check the address")
    pairing = Pairing(base, pinned, kiosk_id, key)
    pairing.save(data_dir)
    return pairing


def sync_to_hub(store: Store, destination: HubDestination,
                progress: Progress | None = None) -> SyncReport:
    """Sync a kiosk store to a hub (see kiosk.store.sync.sync); HubError becomes SyncError."""
    try:
        return sync(store, destination, progress)
    except HubError as exc:
        raise SyncError(str(exc)) from None


def _same_hub(a: str, b: str) -> bool:
    one, other = urlparse(a), urlparse(b)
    return (one.hostname, one.port) == (other.hostname, other.port)


def _fingerprint_for(where: str, data_dir: str | Path, fingerprint: str | None) -> str | None:
    """The certificate to expect at `where`: as given, else the one this folder paired with."""
    if fingerprint:
        return fingerprint
    pairing = read_pairing(data_dir)
    return pairing.fingerprint if pairing is not None and _same_hub(pairing.url, where) else None


def hub_destination(store: Store, where: str, data_dir: str | Path, token: str | None = None,
                    pairing_code: str | None = None, fingerprint: str | None = None,
                    insecure: bool = False) -> HubDestination:
    """The hub at `where` as this kiosk's destination: with its pairing (made first from
    `pairing_code` when given), or as staff with `token`. Raises HubError saying what to do."""
    if urlparse(where).scheme == "http" and not insecure:
        raise HubError(f"{where}: plain http would show the hub's key and every answer to "
                       "anyone on the network; write https://, or add --insecure for a hub of "
                       "an older version")
    if token:
        return HubDestination(where, f"Bearer {check_token(token)}",
                              _fingerprint_for(where, data_dir, fingerprint), insecure)
    if pairing_code:
        pair_with_hub(where, pairing_code, data_dir, store.kiosk_id, fingerprint)
    pairing = read_pairing(data_dir)
    if pairing is None or not _same_hub(pairing.url, where):
        secure = "https://" + where.split("://", 1)[1].rstrip("/")
        raise HubError(f"{where}: this kiosk is not paired with that hub; run `kiosk pair "
                       f"{secure} CODE --data {data_dir}` with the code the hub shows")
    if pairing.kiosk_id != store.kiosk_id:
        raise HubError(f"{Path(data_dir)}: the hub pairing belongs to another kiosk's store; "
                       "pair this kiosk again with `kiosk pair`")
    scheme = urlparse(where).scheme
    url = where if scheme == "http" else pairing.url
    return HubDestination(url, f"Kiosk {pairing.kiosk_id} {pairing.key}", pairing.fingerprint,
                          insecure)


def sync_to_hub_at(store: Store, where: str, data_dir: str | Path, token: str | None = None,
                   progress: Progress | None = None, pairing_code: str | None = None,
                   fingerprint: str | None = None, insecure: bool = False) -> SyncReport:
    """`sync_to_target`'s hub half: sync to the hub at `where` (an http(s):// address), as the
    paired kiosk or as staff with the hub's token. Raises SyncError with one line."""
    try:
        destination = hub_destination(store, where, data_dir, token, pairing_code,
                                      fingerprint, insecure)
    except HubError as exc:
        raise SyncError(str(exc)) from None
    return sync_to_hub(store, destination, progress)


def merge_into_hub(source: str | Path, where: str, data_dir: str | Path,
                   token: str | None = None, progress: Progress | None = None,
                   fingerprint: str | None = None, insecure: bool = False) -> SyncReport:
    """`merge_into_target`'s hub half: merge the shared store `source` into the hub at `where`
    with the hub's token. Raises SyncError with one line."""
    token = token or read_token(data_dir)
    if not token:
        raise SyncError(f"no hub token for {where}; merging every kiosk's answers into a hub "
                        "needs the hub's token (`kiosk hub-token show --data HUB` on the "
                        "hub): pass --token")
    try:
        return merge_shared(source, HubDestination(
            where, f"Bearer {check_token(token)}",
            _fingerprint_for(where, data_dir, fingerprint), insecure), progress)
    except (HubError, SharedStoreError) as exc:
        raise SyncError(str(exc)) from None
