"""The hub on 127.0.0.1: a real `kiosk hub` process; kiosks sync with right and wrong tokens."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.commands.hub_token import command as hub_token_command
from kiosk.commands.sync import command as sync_command
from kiosk.store.db import store_in
from kiosk.store.hub.token import new_token, read_token
from tests.support.kiosks import kiosk_answers, make_kiosk
from tests.support.paths import ROOT


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    data = tmp_path / "hub"
    process = subprocess.Popen(
        [sys.executable, "-c", "from kiosk.commands.hub import command; command()",
         "--data", str(data), "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert url, first
        token = process.stderr.readline().split("Token:")[1].strip()
        yield url.group(0), token, data / "kiosk-shared.db"
    finally:
        process.terminate()
        process.wait(timeout=10)


def sync(folder: Path, url: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(sync_command, ["--data", str(folder), "--to", url, "--quiet",
                                               *extra])
    return result.exit_code, result.output


def test_kiosks_sync_to_the_hub_exactly_once(hub: tuple[str, str, Path], tmp_path: Path) -> None:
    url, token, shared_path = hub
    a, b = make_kiosk(tmp_path / "a", 60, 11), make_kiosk(tmp_path / "b", 40, 12)
    result = CliRunner().invoke(hub_token_command, ["set", token, "--data", str(a)])
    assert result.exit_code == 0, result.output
    for folder, extra in ((a, ()), (b, ("--token", token)), (a, ()), (b, ("--token", token))):
        code, output = sync(folder, url, *extra)
        assert code == 0, output
    conn = sqlite3.connect(shared_path)
    ids = [r[0] for r in conn.execute("SELECT id FROM answers")]
    assert len(ids) == len(set(ids))
    assert set(ids) == kiosk_answers(a) | kiosk_answers(b)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert {r[0] for r in conn.execute("SELECT via FROM syncs")} == {"hub"}


def test_wrong_or_missing_token_is_refused(hub: tuple[str, str, Path], tmp_path: Path) -> None:
    url, token, shared_path = hub
    a = make_kiosk(tmp_path / "a", 10, 13)
    before = store_in(a).read_bytes()
    code, output = sync(a, url, "--token", "not-the-right-token-at-all")
    assert code == 1 and "wrong hub token" in output and "Traceback" not in output
    code, output = sync(a, url)
    assert code == 1 and "kiosk hub-token set" in output
    conn = sqlite3.connect(shared_path)
    assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
    assert store_in(a).read_bytes() == before


def test_hub_refuses_oversized_and_hostile_batches(hub: tuple[str, str, Path],
                                                   tmp_path: Path) -> None:
    url, token, shared_path = hub

    def post(body: bytes, length: int | None = None) -> int:
        request = urllib.request.Request(url + "/batch", data=body, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Length": str(length or len(body))})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert post(b"x", length=50_000_000) == 413
    assert post(b"{not json") == 400
    hostile = {"kiosk_id": "k1", "sync_id": "s1", "synced_at": "2024-05-01 10:00",
               "base": {"answers_mark": 0, "answers_mark_id": None, "participants_mark": 0,
                        "withdrawals": 0},
               "mark": {"answers_mark": 1, "answers_mark_id": "a1", "participants_mark": 0,
                        "withdrawals": 0},
               "packs": [], "events": [], "participants": [],
               "answers": [[1, "a1", "p1", "q", "open", 1, json.dumps("hi"), "x" * 50_000,
                            "voice", "en"]], "withdrawn": None}
    assert post(json.dumps(hostile).encode()) == 422
    conn = sqlite3.connect(shared_path)
    assert conn.execute("SELECT COUNT(*) FROM syncs").fetchone()[0] == 0


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
    assert said[:2] == ["hub: a kiosk went away in the middle of a request; nothing half-done "
                        "was kept, and the kiosk's next sync carries on"] * 2
    assert len(said) == 3 and "RuntimeError: something else" in said[2]


def test_a_new_token_never_looks_like_an_option(tmp_path: Path) -> None:
    # A token beginning with "-" could not be pasted after `kiosk hub-token set`.
    assert all(new_token()[0].isalnum() for _ in range(2000))
    older = "-" + "x" * 31
    result = CliRunner().invoke(hub_token_command, ["set", "--data", str(tmp_path), "--", older])
    assert result.exit_code == 0, result.output
    assert read_token(tmp_path) == older
