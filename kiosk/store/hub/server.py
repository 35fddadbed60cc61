"""The hub: a shared store served over the local network, so kiosks sync without a USB stick.

``kiosk hub --data DIR`` serves DIR/kiosk-shared.db (or the DIR/shared.sqlite an older hub made);
kiosks run ``kiosk sync --to http://HOST:PORT``.
Every request carries the hub's token (``Authorization: Bearer TOKEN``); the hub keeps it in
DIR/hub-token and a kiosk in its own data folder (``kiosk hub-token set``). Each batch is applied
in one transaction on the hub, exactly as a file sync would, so a retried request adds nothing.

Requests (JSON):

- ``GET /state?kiosk=ID`` -> ``{"store_id": ..., "mark": {...}}``
- ``POST /batch`` with a batch (see :class:`kiosk.store.sync.Batch`) -> ``{"result": {...}}``

Each batch applied is told to `announce` (``kiosk hub`` prints it) as one line for staff at the
laptop: the hub's time, the kiosk's short id and what the batch added, in the words of
kiosk.store.tally; never an answer or a token. The hub's time of each kiosk's last batch is kept
in `seen` for the status page.

Any other address goes to the hub's `site`, when it was given one (``kiosk hub`` gives it the
results page, see kiosk/outputs/results.py): the site decides for itself what needs the token.
"""


from __future__ import annotations

import hmac
import json
import re
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlparse

from kiosk.store.hub.token import MAX_REQUEST_BYTES, hub_token
from kiosk.store.shared import SharedStoreError, open_shared_store, shared_store_in
from kiosk.store.sync import (
    Batch,
    BatchResult,
    DestinationState,
    SyncError,
    apply_batch,
    check_integrity,
    destination_state,
)

# Largest request body the hub reads for its site (forms): far below a batch.
MAX_SITE_REQUEST_BYTES = 64_000


class Site(Protocol):
    """More pages served beside the hub's protocol (method, path with query, headers with
    lower-case names, body) -> (status, headers, body), or None for an address it lacks."""

    def __call__(self, method: str, path: str, headers: dict[str, str], body: bytes
                 ) -> tuple[int, dict[str, str], bytes] | None: ...


class Hub:
    """Serves one shared store to kiosks on the local network."""

    def __init__(self, data_dir: str | Path, host: str = "0.0.0.0", port: int = 8765,
                 site: Site | None = None):
        self.site = site
        self.data_dir = Path(data_dir)
        self.path = shared_store_in(self.data_dir)
        self.token = hub_token(self.data_dir)
        # Opened (created, checked, migrated) now, so a bad store stops the hub at once.
        self.conn, self.store_id = open_shared_store(self.path)
        try:
            check_integrity(self.conn, self.path)
        finally:
            self.conn.close()
        self._lock = threading.Lock()  # one batch at a time: SQLite has one writer anyway
        # Told one line per batch applied (see sync_line); None: nothing is said.
        self.announce: Callable[[str], None] | None = None
        # Each kiosk's last batch since the hub started, by the hub's clock (kiosks' clocks may
        # be wrong: a Raspberry Pi has none of its own without a network).
        self.seen: dict[str, datetime] = {}
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
                result = apply_batch(conn, batch, "hub")
            finally:
                conn.close()
            now = datetime.now()
            self.seen[batch.kiosk_id] = now
        if self.announce is not None:
            self.announce(sync_line(now, batch.kiosk_id, result))
        return result

    def serve_forever(self) -> None:
        """Serve until interrupted."""
        self.server.serve_forever()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


def short_id(kiosk_id: str) -> str:
    """A kiosk's id as staff see it: its first eight characters."""
    return kiosk_id[:8] + ("…" if len(kiosk_id) > 8 else "")


def sync_line(when: datetime, kiosk_id: str, result: BatchResult) -> str:
    """One batch applied, for the hub's console: time, kiosk, what it added (counts only)."""
    parts = []
    if result.participants_added:
        n = result.participants_added
        parts.append(f"+{n} session{'' if n == 1 else 's'}")
    if result.answers_added:
        n = result.answers_added
        parts.append(f"+{n} answer{'' if n == 1 else 's'} (every version)")
    if result.withdrawals_applied:
        n = result.withdrawals_applied
        parts.append(f"{n} {'person' if n == 1 else 'people'} withdrawn")
    if result.redacted:
        parts.append(f"personal details removed from {result.redacted}")
    return f"{when:%H:%M}  kiosk {short_id(kiosk_id)}  " + \
        (", ".join(parts) if parts else "up to date, nothing new")


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

        def log_message(self, format: str, *args: Any) -> None:
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

        def _site(self, method: str) -> bool:
            """Serve the request from the hub's site if it is one of its addresses."""
            if hub.site is None or urlparse(self.path).path in ("/state", "/batch"):
                return False
            body = b""
            if method == "POST":
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                except ValueError:
                    length = -1
                if not 0 <= length <= MAX_SITE_REQUEST_BYTES:
                    self._reply(413, {"error": "request too large"})
                    self.close_connection = True
                    return True
                body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = hub.site(method, self.path, headers, body)
            if reply is None:
                return False
            status, extra, data = reply
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return True

        def do_GET(self) -> None:
            if self._site("GET"):
                return
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

        def do_POST(self) -> None:
            if self._site("POST"):
                return
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
