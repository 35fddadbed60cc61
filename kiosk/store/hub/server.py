"""The hub: a shared store served over the local network, so kiosks sync without a USB stick.

``kiosk hub --data DIR`` serves DIR/kiosk-shared.db (or the DIR/shared.sqlite an older hub made);
kiosks pair once (``kiosk pair https://HOST:PORT CODE``, see pairing.py) and then run
``kiosk sync --to https://HOST:PORT``.

Sync travels over HTTPS with the hub's own certificate, which each kiosk pinned when it paired
(tls.py); plain HTTP reaches the sync addresses only when the hub was started with --insecure.
One port serves both: the first byte a client sends tells a TLS handshake from plain HTTP, so a
projector or a phone still opens http://HOST:PORT/results without a certificate warning.

Who may do what:
- a paired kiosk (``Authorization: Kiosk ID KEY``): its own mark, and batches of its own
  participants only (`check_ownership`);
- staff with the hub's token (``Authorization: Bearer TOKEN``, kept in DIR/hub-token and never
  printed): any kiosk's rows, for merging a stick's shared store into the hub's, and /moderate.

Requests (JSON):

- ``POST /pair`` with ``{"kiosk": ID, "proof": HMAC}`` -> ``{"key": ..., "store_id": ...}``
- ``GET /state?kiosk=ID`` -> ``{"store_id": ..., "mark": {...}}``
- ``POST /batch`` with a batch (see :class:`kiosk.store.sync.Batch`) -> ``{"result": {...}}``

Each batch is applied in one transaction, exactly as a file sync would, so a retried request
adds nothing. Each batch applied is told to `announce` (``kiosk hub`` prints it) as one line for
staff at the laptop: the hub's time, the kiosk's short id and what the batch added, in the words
of kiosk.store.tally; never an answer, a key or a token. The hub's time of each kiosk's last batch
is kept in `seen` for the status page.

Nobody on the network can hold the hub: every request has a time limit from its first byte
(a client that sends its headers slowly is cut off), connections are capped in all and per
address, and each credential has a request rate and a request size limit.

Any other address goes to the hub's `site`, when it was given one (``kiosk hub`` gives it the
results page, see kiosk/outputs/results.py): the site decides for itself what needs the token.
"""


from __future__ import annotations

import hmac
import json
import re
import socket
import sqlite3
import ssl
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlparse

from kiosk.store.hub.pairing import PairedKiosks
from kiosk.store.hub.tls import hub_certificate, is_tls_hello, peek, server_context
from kiosk.store.hub.token import MAX_REQUEST_BYTES, HubError, hub_token
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
# A request must be read whole within this time of its first byte (a batch of 4 MB takes a
# few seconds on venue Wi-Fi); a client sending its headers a byte at a time is cut off.
REQUEST_SECONDS = 30.0
# Longest wait for any one read: a client that opened a connection and went quiet.
IDLE_SECONDS = 10.0
# Connections served at once, in all and from one address: enough for every kiosk of an event
# and the browsers on the results page, too few for one machine to hold the hub.
MAX_CONNECTIONS = 64
MAX_PER_ADDRESS = 12
# Requests per credential (a kiosk, or staff): a burst, then a steady rate. A sync of 100,000
# answers is about 25 requests.
RATE_BURST = 40
RATE_PER_SECOND = 4.0
_KIOSK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Site(Protocol):
    """More pages served beside the hub's protocol (method, path with query, headers with
    lower-case names, body) -> (status, headers, body), or None for an address it lacks."""

    def __call__(self, method: str, path: str, headers: dict[str, str], body: bytes
                 ) -> tuple[int, dict[str, str], bytes] | None: ...


class Hub:
    """Serves one shared store to kiosks on the local network."""

    def __init__(self, data_dir: str | Path, host: str = "0.0.0.0", port: int = 8765,
                 site: Site | None = None, insecure: bool = False):
        self.site = site
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = shared_store_in(self.data_dir)
        self.token = hub_token(self.data_dir)
        cert, key, self.fingerprint = hub_certificate(self.data_dir)
        self.tls = server_context(cert, key)
        self.paired = PairedKiosks(self.data_dir)
        # Sync over plain HTTP, for a hub that kiosks of an older version still use.
        self.insecure = insecure
        self._rates: dict[str, tuple[float, float]] = {}
        # Opened (created, checked, migrated) now, so a bad store stops the hub at once.
        self.conn, self.store_id = open_shared_store(self.path)
        try:
            check_integrity(self.conn, self.path)
        finally:
            self.conn.close()
        self._lock = threading.Lock()  # one batch at a time: SQLite has one writer anyway
        self._lock_rates = threading.Lock()
        # Told one line per batch applied (see sync_line); None: nothing is said.
        self.announce: Callable[[str], None] | None = None
        # Each kiosk's last batch since the hub started, by the hub's clock (kiosks' clocks may
        # be wrong: a Raspberry Pi has none of its own without a network).
        self.seen: dict[str, datetime] = {}
        self.server = _Server((host, port), _handler(self), self.tls)
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

    def apply(self, batch: Batch, sender: str | None = None) -> BatchResult:
        """Apply one batch; `sender` is the paired kiosk that sent it (None: staff, with the
        hub's token). A kiosk's batch must hold its own rows only (HubError otherwise)."""
        with self._lock:
            conn = self._connection()
            try:
                if sender is not None:
                    check_ownership(conn, batch, sender)
                result = apply_batch(conn, batch, "hub")
            finally:
                conn.close()
            now = datetime.now()
            self.seen[batch.kiosk_id] = now
        if self.announce is not None:
            self.announce(sync_line(now, batch.kiosk_id, result))
        return result

    def pair(self, kiosk_id: str, proof: str) -> str:
        """A new key for a kiosk that proved it knows the pairing code (HubError if not)."""
        key = self.paired.pair(kiosk_id, proof, self.fingerprint)
        if self.announce is not None:
            self.announce(f"{datetime.now():%H:%M}  kiosk {short_id(kiosk_id)}  paired")
        return key

    def allow(self, who: str) -> bool:
        """Whether a credential may make another request now (a token bucket per credential)."""
        now = time.monotonic()
        with self._lock_rates:
            tokens, last = self._rates.get(who, (float(RATE_BURST), now))
            tokens = min(float(RATE_BURST), tokens + (now - last) * RATE_PER_SECOND)
            if tokens < 1:
                self._rates[who] = (tokens, now)
                return False
            self._rates[who] = (tokens - 1, now)
            return True

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
    if result.refused:
        n = len(result.refused)
        parts.append(f"{n} row{'' if n == 1 else 's'} refused (kept back on the kiosk)")
    return f"{when:%H:%M}  kiosk {short_id(kiosk_id)}  " + \
        (", ".join(parts) if parts else "up to date, nothing new")


def check_ownership(conn: sqlite3.Connection, batch: Batch, sender: str) -> None:
    """Refuse (HubError) a paired kiosk's batch that holds anything but its own rows: another
    kiosk's id, participants or events, answers to another kiosk's participants, or
    withdrawals of them. An honest kiosk never sends such a batch, so the whole batch goes."""
    def refuse(what: str) -> HubError:
        return HubError(f"kiosk {short_id(sender)}: the batch holds {what}; a kiosk may send "
                        "only its own participants' rows, so nothing of it was kept")

    if batch.kiosk_id != sender:
        raise refuse(f"the rows of kiosk {short_id(batch.kiosk_id)}")
    if any(p.kiosk_id != sender for p in batch.participants):
        raise refuse("another kiosk's participants")
    if any(e.kiosk_id != sender for e in batch.events):
        raise refuse("another kiosk's sessions")
    ours = {p.id for p in batch.participants}
    # Participants named by answers or withdrawals that this batch does not bring must not be
    # another kiosk's. One the store lacks altogether is let through: apply_batch leaves its
    # answers out and names them, and the kiosk sends them again with their participant (a
    # mark that had moved past it).
    named = ({a.participant_id for a in batch.answers} | set(batch.withdrawn or [])) - ours
    others: set[str] = set()
    listed = sorted(named)
    for start in range(0, len(listed), 500):
        chunk = listed[start:start + 500]
        others.update(row[0] for row in conn.execute(
            f"SELECT id FROM participants WHERE kiosk_id != ? AND id IN "
            f"({', '.join('?' * len(chunk))})", (sender, *chunk)))
    if others & {a.participant_id for a in batch.answers}:
        raise refuse("answers of participants that are not this kiosk's")
    if others:
        raise refuse("withdrawals of participants that are not this kiosk's")


class _Server(ThreadingHTTPServer):
    """The HTTP server: plain HTTP or TLS on one port, with connection caps, saying in one line
    (never a traceback) why a request failed."""

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 tls: ssl.SSLContext):
        self.tls = tls
        self._count_lock = threading.Lock()
        self._open: dict[str, int] = {}
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve in a thread of its own, unless the hub or this address has too many open."""
        host = str(client_address[0])
        with self._count_lock:
            if sum(self._open.values()) >= MAX_CONNECTIONS or \
                    self._open.get(host, 0) >= MAX_PER_ADDRESS:
                refused = True
            else:
                refused = False
                self._open[host] = self._open.get(host, 0) + 1
        if refused:
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._release(host)
            raise

    def _release(self, host: str) -> None:
        with self._count_lock:
            self._open[host] -= 1
            if not self._open[host]:
                del self._open[host]

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Serve one connection, then free its place."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release(str(client_address[0]))

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Tell TLS from plain HTTP by the first byte, shake hands in this thread (within the
        time limit), then serve."""
        request.settimeout(IDLE_SECONDS)
        try:
            first = peek(request)
        except OSError:
            return
        if is_tls_hello(first):
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                return  # not a TLS client after all, or it gave up: nothing was read
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A kiosk that went away mid-request (unplugged, switched off, killed) is expected:
        its batch was applied whole or not at all, and its next sync carries on."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError, socket.timeout)):
            why = "a client went away or was too slow in the middle of a request"
        else:
            why = f"a request failed ({type(error).__name__}: {error})"
        sys.stderr.write(f"hub: {why}; nothing half-done was kept, and the kiosk's next sync "
                         "carries on\n")


def _handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kiosk-hub"
        sys_version = ""
        timeout = IDLE_SECONDS  # each read; REQUEST_SECONDS bounds the whole request

        def setup(self) -> None:
            super().setup()
            self._deadline = threading.Timer(REQUEST_SECONDS, self._cut)
            self._deadline.daemon = True
            self._deadline.start()

        def _cut(self) -> None:
            # The request was not in within its time: a slow (or hostile) client lets go.
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def _read_all(self) -> None:
            """The request is in: its time limit stops (applying a batch may take longer)."""
            self._deadline.cancel()

        def finish(self) -> None:
            self._deadline.cancel()
            try:
                super().finish()
            except OSError:
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass  # no request log: it would hold times of day next to kiosk ids

        @property
        def secure(self) -> bool:
            return isinstance(self.connection, ssl.SSLSocket)

        def _reply(self, status: int, body: dict[str, Any],
                   extra: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _who(self) -> tuple[bool, str | None]:
            """(allowed, kiosk): the staff token gives (True, None), a paired kiosk's key
            (True, its id). Anything else is answered here and gives (False, None)."""
            if not self.secure and not hub.insecure:
                self._reply(403, {"error": "sync goes over https:// to this hub; pair the "
                                           "kiosk with `kiosk pair https://HOST:PORT CODE`"})
                return False, None
            given = self.headers.get("Authorization", "")
            kind, _, rest = given.partition(" ")
            kiosk: str | None = None
            if kind == "Bearer" and hmac.compare_digest(rest.encode("utf-8"),
                                                        hub.token.encode("utf-8")):
                ok = True
            elif kind == "Kiosk":
                kiosk, _, key = rest.partition(" ")
                ok = bool(_KIOSK_ID.match(kiosk)) and hub.paired.kiosk_for(kiosk, key)
            else:
                ok = False
            if not ok:
                self._reply(401, {"error": "this kiosk is not paired with this hub (or the "
                                           "hub token is wrong); pair it with `kiosk pair "
                                           "https://HOST:PORT CODE` using the code the hub "
                                           "shows"})
                return False, None
            if not hub.allow(kiosk or "staff"):
                self._reply(429, {"error": "too many requests; wait a moment"},
                            {"Retry-After": "1"})
                return False, None
            return True, kiosk

        def _body(self, limit: int) -> bytes | None:
            """The request's body, at most `limit` bytes (None: answered here)."""
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                self._reply(411, {"error": "Content-Length required"})
                return None
            if not 0 <= length <= limit:
                self._reply(413, {"error": f"a request must be at most {limit} bytes"})
                self.close_connection = True
                return None
            data = self.rfile.read(length)
            self._read_all()
            return data

        def _site(self, method: str) -> bool:
            """Serve the request from the hub's site if it is one of its addresses."""
            if hub.site is None or urlparse(self.path).path in ("/state", "/batch", "/pair"):
                return False
            body = b""
            if method == "POST":
                read = self._body(MAX_SITE_REQUEST_BYTES)
                if read is None:
                    return True
                body = read  # _body stopped the time limit; a GET's caller did
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
            self._read_all()
            if self._site("GET"):
                return
            allowed, kiosk_key = self._who()
            if not allowed:
                return
            url = urlparse(self.path)
            if url.path != "/state":
                self._reply(404, {"error": "unknown address; use /state or /batch"})
                return
            kiosk = parse_qs(url.query).get("kiosk", [""])[0]
            if not _KIOSK_ID.match(kiosk):
                self._reply(400, {"error": "kiosk: missing or not an id"})
                return
            if kiosk_key is not None and kiosk != kiosk_key:
                self._reply(403, {"error": "a kiosk may ask for its own mark only"})
                return
            try:
                state = hub.state(kiosk)
            except (SharedStoreError, SyncError, sqlite3.Error) as exc:
                self._reply(503, {"error": f"hub store: {exc}"})
                return
            self._reply(200, {"store_id": state.store_id, "mark": asdict(state.mark)})

        def _pair(self) -> None:
            if not self.secure:
                self._reply(403, {"error": "pairing goes over https:// only; give the hub "
                                           "as https://HOST:PORT"})
                return
            if not hub.allow("pairing"):
                self._reply(429, {"error": "too many requests; wait a moment"},
                            {"Retry-After": "1"})
                return
            body = self._body(4_000)
            if body is None:
                return
            try:
                data = json.loads(body)
                kiosk, proof = str(data["kiosk"]), str(data["proof"])
            except (ValueError, KeyError, TypeError):
                self._reply(400, {"error": "pairing: not a pairing request"})
                return
            if not _KIOSK_ID.match(kiosk):
                self._reply(400, {"error": "kiosk: not an id"})
                return
            try:
                key = hub.pair(kiosk, proof)
            except HubError as exc:
                self._reply(403, {"error": str(exc)})
                return
            self._reply(200, {"key": key, "store_id": hub.store_id})

        def do_POST(self) -> None:
            if self._site("POST"):
                return
            if urlparse(self.path).path == "/pair":
                self._pair()
                return
            allowed, kiosk = self._who()
            if not allowed:
                return
            if urlparse(self.path).path != "/batch":
                self._reply(404, {"error": "unknown address; use /state or /batch"})
                return
            body = self._body(MAX_REQUEST_BYTES)
            if body is None:
                return
            try:
                batch = Batch.from_json(json.loads(body))
                result = hub.apply(batch, kiosk)
            except ValueError:
                self._reply(400, {"error": "batch: not JSON"})
                return
            except SyncError as exc:
                self._reply(422, {"error": str(exc)})
                return
            except HubError as exc:
                self._reply(403, {"error": str(exc)})
                return
            except (SharedStoreError, sqlite3.Error) as exc:
                self._reply(503, {"error": f"hub store: {exc}"})
                return
            self._reply(200, {"result": asdict(result)})

    return Handler
