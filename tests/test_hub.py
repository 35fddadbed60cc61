"""The hub on 127.0.0.1: a real `kiosk hub` process. Kiosks pair with it and sync over HTTPS
with keys of their own; each attack from the hub's security review is tried here."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kiosk.commands.hub_token import command as hub_token_command
from kiosk.commands.pair import command as pair_command
from kiosk.commands.sync import command as sync_command
from kiosk.store.db import store_in
from kiosk.store.hub.pairing import pairing_proof, read_pairing
from kiosk.store.hub.tls import PinnedConnection
from kiosk.store.hub.token import new_token, read_token
from tests.support.hub import HubInfo, console, hub_token_of, pair, running_hub, start_hub
from tests.support.kiosks import kiosk_answers, make_kiosk


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[HubInfo, Path]]:
    with running_hub(tmp_path / "hub") as running:
        yield running


def sync(folder: Path, url: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(sync_command, ["--data", str(folder), "--to", url, "--quiet",
                                               *extra])
    return result.exit_code, result.output


def request(info: HubInfo, method: str, path: str, body: Any = None,
            credential: str | None = None, fingerprint: str | None = None,
            length: int | None = None) -> tuple[int, dict[str, Any]]:
    """One request over the pinned TLS connection, as a client of our own making would."""
    host, port = info.url.removeprefix("https://").split(":")
    connection = PinnedConnection(host, int(port), fingerprint or info.fingerprint, 30)
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    headers = {"Authorization": credential} if credential else {}
    if length is not None:
        headers["Content-Length"] = str(length)
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def kiosk_key(folder: Path) -> str:
    pairing = read_pairing(folder)
    assert pairing is not None
    return f"Kiosk {pairing.kiosk_id} {pairing.key}"


def shared_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {table: sorted(conn.execute(f"SELECT * FROM {table}"))
                for table in ("participants", "answers")}
    finally:
        conn.close()


def test_paired_kiosks_sync_to_the_hub_exactly_once(hub: tuple[HubInfo, Path],
                                                    tmp_path: Path) -> None:
    info, data = hub
    a, b = make_kiosk(tmp_path / "a", 60, 11), make_kiosk(tmp_path / "b", 40, 12)
    for folder in (a, b):
        assert "Paired with https://127.0.0.1" in pair(folder, info)
    for folder in (a, b, a, b):
        code, output = sync(folder, info.url)
        assert code == 0, output
    conn = sqlite3.connect(data / "kiosk-shared.db")
    ids = [r[0] for r in conn.execute("SELECT id FROM answers")]
    assert len(ids) == len(set(ids))
    assert set(ids) == kiosk_answers(a) | kiosk_answers(b)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert {r[0] for r in conn.execute("SELECT via FROM syncs")} == {"hub"}
    # Keys and the hub's secrets are private files; the hub keeps a hash of each key only,
    # and its console shows neither the token nor any key.
    for path in (a / "hub-pairing.json", data / "kiosks.json", data / "hub-key.pem",
                 data / "hub-token"):
        assert path.stat().st_mode & 0o777 == 0o600, path
    keys = [kiosk_key(f).split()[2] for f in (a, b)]
    assert not any(key in (data / "kiosks.json").read_text() for key in keys)
    said = console(data)
    assert hub_token_of(data) not in said and not any(key in said for key in keys)


def test_unpaired_plain_or_wrongly_paired_kiosks_are_refused(
        hub: tuple[HubInfo, Path], tmp_path: Path) -> None:
    info, data = hub
    a = make_kiosk(tmp_path / "a", 10, 13)
    before = store_in(a).read_bytes()
    code, output = sync(a, info.url)
    assert code == 1 and f"kiosk pair {info.url} CODE" in output, output
    code, output = sync(a, info.plain)
    assert code == 1 and "plain http" in output and "--insecure" in output, output
    pair(a, info)
    # Plain http to a hub that did not allow it: refused by the hub, before any row is read.
    code, output = sync(a, info.plain, "--insecure")
    assert code == 1 and "over https://" in output, output
    # A wrong pairing code: refused, and after five the code is spent for everyone.
    b = make_kiosk(tmp_path / "b", 5, 14)
    for _ in range(5):
        result = CliRunner().invoke(pair_command, [info.url, "ABCD-EFG-HJK", "--data", str(b)])
        assert result.exit_code == 1 and "wrong pairing code" in result.output, result.output
    result = CliRunner().invoke(pair_command, [info.url, info.code, "--data", str(b)])
    assert result.exit_code == 1 and "expired" in result.output, result.output
    assert read_pairing(b) is None
    conn = sqlite3.connect(data / "kiosk-shared.db")
    assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
    assert store_in(a).read_bytes() == before
    assert "Traceback" not in output + result.output


def test_a_paired_kiosk_cannot_speak_for_another(hub: tuple[HubInfo, Path],
                                                 tmp_path: Path) -> None:
    info, data = hub
    a, b = make_kiosk(tmp_path / "a", 10, 15), make_kiosk(tmp_path / "b", 10, 16)
    for folder in (a, b):
        pair(folder, info)
        assert sync(folder, info.url)[0] == 0
    shared = data / "kiosk-shared.db"
    before = shared_rows(shared)
    conn = sqlite3.connect(store_in(b))
    b_id = conn.execute("SELECT id FROM kiosk").fetchone()[0] if conn.execute(
        "SELECT name FROM sqlite_master WHERE name = 'kiosk'").fetchone() else None
    victim, question = conn.execute(
        "SELECT participant_id, question_id FROM answers LIMIT 1").fetchone()
    conn.close()
    b_id = read_pairing(b).kiosk_id  # type: ignore[union-attr]
    a_pairing = read_pairing(a)
    assert a_pairing is not None
    mark = {"answers_mark": 0, "answers_mark_id": None, "participants_mark": 0,
            "withdrawals": 0}

    def batch(kiosk: str, **rows: Any) -> dict[str, Any]:
        return {"kiosk_id": kiosk, "sync_id": "s-attack", "synced_at": "2026-11-30 10:00",
                "base": mark, "mark": mark, "packs": [], "events": [], "participants": [],
                "answers": [], "withdrawn": None, **rows}

    forged_answer = [1, "a-forged", victim, question, "open", 999_999,
                     json.dumps("forged"), "forged", "typed", "en"]
    attacks = [
        batch(b_id, withdrawn=[victim]),  # b's id, a's key
        batch(a_pairing.kiosk_id, answers=[forged_answer]),  # an answer for b's participant
        batch(a_pairing.kiosk_id, withdrawn=[victim]),  # a withdrawal of b's participant
    ]
    for attack in attacks:
        status, reply = request(info, "POST", "/batch", attack, kiosk_key(a))
        assert status == 403 and "only its own participants" in reply["error"], reply
    status, reply = request(info, "GET", f"/state?kiosk={b_id}", None, kiosk_key(a))
    assert status == 403, reply
    # A key for one kiosk id is not a key for another.
    status, _ = request(info, "GET", f"/state?kiosk={b_id}",
                        None, f"Kiosk {b_id} {a_pairing.key}")
    assert status == 401
    assert shared_rows(shared) == before
    code, output = sync(b, info.url)
    assert code == 0 and "up to date" in output, output


def test_someone_in_the_middle_learns_nothing_and_another_hub_is_refused(
        hub: tuple[HubInfo, Path], tmp_path: Path) -> None:
    info, data = hub
    # A relay on the venue network that records every byte both ways.
    relay, seen = _relay(info)
    a = make_kiosk(tmp_path / "a", 20, 17)
    via = HubInfo(relay, relay.replace("https", "http"), info.fingerprint, info.code, [])
    pair(a, via)
    code, output = sync(a, relay)
    assert code == 0, output
    wire = b"".join(seen)
    key = read_pairing(a).key  # type: ignore[union-attr]
    conn = sqlite3.connect(store_in(a))
    texts = [r[0] for r in conn.execute(
        "SELECT text FROM answers WHERE length(text) > 12 LIMIT 20")]
    kiosk_id = conn.execute("SELECT kiosk_id FROM participants LIMIT 1").fetchone()[0]
    conn.close()
    assert len(wire) > 10_000 and texts
    for secret in (key, kiosk_id, info.code.replace("-", ""), *texts):
        assert secret.encode() not in wire, secret
    # Another machine answering at the paired address (its own certificate) gets nothing.
    other_data = tmp_path / "other-hub"
    other, other_info = start_hub(other_data)
    try:
        pairing = read_pairing(a)
        assert pairing is not None
        pairing.url = other_info.url
        pairing.save(a)
        code, output = sync(a, other_info.url)
        assert code == 1 and "is not the hub this kiosk paired with" in output, output
        conn = sqlite3.connect(other_data / "kiosk-shared.db")
        assert conn.execute("SELECT COUNT(*) FROM syncs").fetchone()[0] == 0
        conn.close()
        # A proof made over another certificate (what a kiosk paired through a machine in the
        # middle would send) does not pair, though it was made with the right code.
        proof = pairing_proof(info.code, other_info.fingerprint, "k-mitm")
        status, reply = request(info, "POST", "/pair", {"kiosk": "k-mitm", "proof": proof})
        assert status == 403 and "wrong pairing code" in reply["error"], reply
    finally:
        other.terminate()
        other.wait(timeout=10)


def _relay(info: HubInfo) -> tuple[str, list[bytes]]:
    """A TCP relay to the hub on a port of its own, keeping every byte it passes."""
    host, port = info.url.removeprefix("https://").split(":")
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                seen.append(chunk)
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve() -> None:
        while True:
            client, _ = listener.accept()
            upstream = socket.create_connection((host, int(port)))
            for args in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=args, daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return f"https://127.0.0.1:{listener.getsockname()[1]}", seen


def test_slow_clients_and_floods_cannot_hold_the_hub(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    # Listening on every loopback address, so the attacker (127.0.0.2) and the kiosk
    # (127.0.0.1) come from different addresses, as on a venue network.
    process, info = start_hub(data)
    process.terminate()
    process.wait(timeout=10)
    import subprocess
    import sys

    from tests.support.paths import ROOT
    with open(tmp_path / "hub2.log", "w") as err:
        process = subprocess.Popen(
            [sys.executable, "-c", "from kiosk.commands.hub import command; command()",
             "--data", str(data), "--host", "0.0.0.0", "--port", "0"],
            cwd=ROOT, stdin=subprocess.PIPE, stderr=err, text=True)
    try:
        deadline = time.monotonic() + 60
        while "Pairing code" not in (tmp_path / "hub2.log").read_text():
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        text = (tmp_path / "hub2.log").read_text()
        port = int(text.split("https://0.0.0.0:")[1].split()[0])
        code = text.split("Pairing code: ")[1].split()[0]
        url = f"https://127.0.0.1:{port}"
        info = HubInfo(url, url.replace("https", "http"), "", code, [])
        a = make_kiosk(tmp_path / "a", 30, 18)
        pair(a, info)
        slow = []
        for _ in range(1024):  # headers begun, never finished
            s = socket.socket()
            s.bind(("127.0.0.2", 0))
            try:
                s.connect(("127.0.0.1", port))
                s.sendall(b"POST /batch HTTP/1.1\r\nHost: hub\r\nContent-Le")
            except OSError:
                pass
            slow.append(s)
        started = time.monotonic()
        code_, output = sync(a, url)
        took = time.monotonic() - started
        assert code_ == 0, output
        print(f"sync with 1,024 slow connections open: {took:.1f} s")
        threads = int(next(line.split()[1] for line in
                           Path(f"/proc/{process.pid}/status").read_text().splitlines()
                           if line.startswith("Threads:")))
        assert threads < 40, threads  # capped per address, not one thread per attacker
        for s in slow:
            s.close()
        # A flood of requests with a kiosk's own key is slowed, not served without end.
        pairing = read_pairing(a)
        assert pairing is not None
        statuses = [request(info, "GET", f"/state?kiosk={pairing.kiosk_id}", None,
                            kiosk_key(a), pairing.fingerprint)[0] for _ in range(80)]
        assert 429 in statuses and statuses[0] == 200
        # A body over the limit is refused unread.
        time.sleep(2)  # the flood above spent this kiosk's requests for a moment
        status, reply = request(info, "POST", "/batch", b"x", kiosk_key(a),
                                pairing.fingerprint, length=50_000_000)
        assert status == 413, reply
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_kiosk_gone_mid_request_is_one_line_on_the_hub_console(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.store.hub.server import Hub

    hub = Hub(tmp_path / "hub", "127.0.0.1", 0)
    try:
        for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset"),
                      RuntimeError("something else")):
            try:
                raise error
            except Exception:  # as socketserver calls it: inside the except
                hub.server.handle_error(None, ("127.0.0.1", 1))
    finally:
        hub.server.server_close()
    said = capsys.readouterr().err.splitlines()
    assert said[:2] == ["hub: a client went away or was too slow in the middle of a request; "
                        "nothing half-done was kept, and the kiosk's next sync carries on"] * 2
    assert len(said) == 3 and "RuntimeError: something else" in said[2]


def test_a_new_token_never_looks_like_an_option(tmp_path: Path) -> None:
    # A token beginning with "-" could not be pasted after `kiosk hub-token set`.
    assert all(new_token()[0].isalnum() for _ in range(2000))
    older = "-" + "x" * 31
    result = CliRunner().invoke(hub_token_command, ["set", "--data", str(tmp_path), "--", older])
    assert result.exit_code == 0, result.output
    assert read_token(tmp_path) == older
