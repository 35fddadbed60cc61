"""The hub: a shared store served over the local network, so kiosks sync without a USB stick.

``kiosk hub --data DIR`` serves DIR/shared.sqlite; kiosks run ``kiosk sync --to http://HOST:PORT``.
Every request carries the hub's token (``Authorization: Bearer TOKEN``); the hub keeps it in
DIR/hub-token and a kiosk in its own data folder (``kiosk hub-token set``). Each batch is applied
in one transaction on the hub, exactly as a file sync would, so a retried request adds nothing.

Requests (JSON):

- ``GET /state?kiosk=ID`` -> ``{"store_id": ..., "mark": {...}}``
- ``POST /batch`` with a batch (see :class:`kiosk.store.sync.Batch`) -> ``{"result": {...}}``
"""

from __future__ import annotations

import hmac
import json
import os
import re
import secrets
import sqlite3
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from kiosk.store.db import Store
from kiosk.store.shared import SHARED_FILE_NAME, SharedStoreError, open_shared_store
from kiosk.store.sync import (
    Batch,
    BatchResult,
    DestinationState,
    KioskMark,
    Progress,
    SyncError,
    SyncReport,
    apply_batch,
    check_integrity,
    destination_state,
    sync,
    sync_to_file,
)

TOKEN_FILE_NAME = "hub-token"
# Largest request body the hub reads; a batch is kept well below it by the sender.
MAX_REQUEST_BYTES = 16_000_000
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


class HubError(Exception):
    """A hub that cannot be reached or used, with a one-line reason and what to do."""


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")


def read_token(data_dir: str | Path) -> str | None:
    """The hub token kept in a data folder, or None."""
    try:
        token = (Path(data_dir) / TOKEN_FILE_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return token or None


def check_token(token: str) -> str:
    """The token if it is well formed; HubError otherwise."""
    token = token.strip()
    if not _TOKEN.match(token):
        raise HubError("hub token: must be 16 to 128 letters, digits, '-' or '_'; copy it exactly "
                       "as `kiosk hub` printed it")
    return token


def save_token(data_dir: str | Path, token: str) -> Path:
    """Keep a hub token in a data folder (readable by its owner only); returns the file."""
    path = Path(data_dir) / TOKEN_FILE_NAME
    _write_private(path, check_token(token))
    return path


def hub_token(data_dir: str | Path) -> str:
    """The hub's token: read from its data folder, or made and kept there the first time."""
    token = read_token(data_dir)
    if token is None:
        token = secrets.token_urlsafe(24)
        save_token(data_dir, token)
    return check_token(token)


class Hub:
    """Serves one shared store to kiosks on the local network."""

    def __init__(self, data_dir: str | Path, host: str = "0.0.0.0", port: int = 8765):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / SHARED_FILE_NAME
        self.token = hub_token(self.data_dir)
        # Opened (created, checked, migrated) now, so a bad store stops the hub at once.
        self.conn, self.store_id = open_shared_store(self.path)
        try:
            check_integrity(self.conn, self.path)
        finally:
            self.conn.close()
        self._lock = threading.Lock()  # one batch at a time: SQLite has one writer anyway
        self.server = _Server((host, port), _handler(self))
        self.server.daemon_threads = True

    @property
    def address(self) -> tuple[str, int]:
        """The host and port the hub listens on."""
        host, port = self.server.server_address[:2]
        return str(host), int(port)

    def _connection(self) -> sqlite3.Connection:
        conn, store_id = open_shared_store(self.path, create=False)
        if store_id != self.store_id:
            conn.close()
            raise SharedStoreError(f"{self.path}: was replaced while the hub ran; restart the hub")
        return conn

    def state(self, kiosk_id: str) -> DestinationState:
        """This kiosk's mark in the hub's store."""
        conn = self._connection()
        try:
            return destination_state(conn, self.store_id, kiosk_id)
        finally:
            conn.close()

    def apply(self, batch: Batch) -> BatchResult:
        """Apply one batch from a kiosk."""
        with self._lock:
            conn = self._connection()
            try:
                return apply_batch(conn, batch, "hub")
            finally:
                conn.close()

    def serve_forever(self) -> None:
        """Serve until interrupted."""
        self.server.serve_forever()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


class _Server(ThreadingHTTPServer):
    """The HTTP server, saying in one line (never a traceback) why a request failed."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A kiosk that went away mid-request (unplugged, switched off, killed) is expected:
        its batch was applied whole or not at all, and its next sync carries on."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            why = "a kiosk went away in the middle of a request"
        else:
            why = f"a request failed ({type(error).__name__}: {error})"
        sys.stderr.write(f"hub: {why}; nothing half-done was kept, and the kiosk's next sync "
                         "carries on\n")


def _handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kiosk-hub"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # no request log: it would hold times of day next to kiosk ids

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            given = self.headers.get("Authorization", "")
            expected = f"Bearer {hub.token}"
            if hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
                return True
            self._reply(401, {"error": "wrong hub token; run `kiosk hub-token set TOKEN` with "
                                       "the token the hub printed"})
            return False

        def do_GET(self) -> None:  # noqa: N802
            if not self._authorised():
                return
            url = urlparse(self.path)
            if url.path != "/state":
                self._reply(404, {"error": "unknown address; use /state or /batch"})
                return
            kiosk = parse_qs(url.query).get("kiosk", [""])[0]
            if not re.match(r"^[A-Za-z0-9_-]{1,64}$", kiosk):
                self._reply(400, {"error": "kiosk: missing or not an id"})
                return
            try:
                state = hub.state(kiosk)
            except (SharedStoreError, SyncError, sqlite3.Error) as exc:
                self._reply(503, {"error": f"hub store: {exc}"})
                return
            self._reply(200, {"store_id": state.store_id, "mark": asdict(state.mark)})

        def do_POST(self) -> None:  # noqa: N802
            if not self._authorised():
                return
            if urlparse(self.path).path != "/batch":
                self._reply(404, {"error": "unknown address; use /state or /batch"})
                return
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                self._reply(411, {"error": "Content-Length required"})
                return
            if not 0 < length <= MAX_REQUEST_BYTES:
                self._reply(413, {"error": f"a batch must be at most {MAX_REQUEST_BYTES} bytes"})
                self.close_connection = True
                return
            try:
                batch = Batch.from_json(json.loads(self.rfile.read(length)))
                result = hub.apply(batch)
            except ValueError:
                self._reply(400, {"error": "batch: not JSON"})
                return
            except SyncError as exc:
                self._reply(422, {"error": str(exc)})
                return
            except (SharedStoreError, sqlite3.Error) as exc:
                self._reply(503, {"error": f"hub store: {exc}"})
                return
            self._reply(200, {"result": asdict(result)})

    return Handler


class HubDestination:
    """A hub as a sync destination (`kiosk sync --to http://HOST:PORT`)."""

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


def sync_to_hub(store: Store, url: str, token: str,
                progress: Progress | None = None) -> SyncReport:
    """Sync a kiosk store to a hub (see kiosk.store.sync.sync); HubError becomes SyncError."""
    try:
        return sync(store, HubDestination(url, token), progress)
    except HubError as exc:
        raise SyncError(str(exc)) from None


def sync_to_target(store: Store, target: str, data_dir: str | Path, token: str | None = None,
                   progress: Progress | None = None) -> SyncReport:
    """Sync to a shared store file or, for http://HOST:PORT, to a hub (with the kept token).

    The one place that tells the two apart, for the command line and the staff screen alike.
    Raises SyncError with one line saying what to do.
    """
    if target.startswith(("http://", "https://")):
        token = token or read_token(data_dir)
        if not token:
            raise SyncError(f"no hub token for {target}; run `kiosk hub-token set TOKEN --data "
                            f"{data_dir}` with the token the hub printed, or pass --token")
        return sync_to_hub(store, target, token, progress)
    return sync_to_file(store, Path(target).expanduser(), progress)
