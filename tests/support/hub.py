"""A real `kiosk hub` process for tests: its addresses, fingerprint and pairing code as it
prints them, and kiosks paired with it the way staff pair them (`kiosk pair`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from kiosk.commands.pair import command as pair_command
from kiosk.store.hub.token import read_token
from tests.support.paths import ROOT

# What `kiosk hub` prints on standard error before it serves.
HUB_LINES = 6


@dataclass
class HubInfo:
    """What staff read at the hub's console."""

    url: str  # https://127.0.0.1:PORT: where kiosks sync
    plain: str  # http://127.0.0.1:PORT: the pages for a projector
    fingerprint: str
    code: str
    lines: list[str]


def start_hub(data: Path, *extra: str, stdout: int | None = None,
              env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], HubInfo]:
    """Start `kiosk hub --data DATA` on a free port of 127.0.0.1 and read its console.

    Its standard error goes to DATA.log (read with `console`), not a pipe: a pipe nobody
    reads fills up and would stop the hub at its next line."""
    log = data.with_name(data.name + ".log")
    data.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as err:
        process = subprocess.Popen(
            [sys.executable, "-c", "from kiosk.commands.hub import command; command()",
             "--data", str(data), "--host", "127.0.0.1", "--port", "0", *extra],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=stdout, stderr=err, text=True,
            env=None if env is None else {**os.environ, **env})
    deadline = time.monotonic() + 60
    lines: list[str] = []
    while time.monotonic() < deadline and process.poll() is None:
        lines = log.read_text().splitlines(keepends=True)
        if len(lines) >= HUB_LINES:
            break
        time.sleep(0.05)
    assert len(lines) >= HUB_LINES, log.read_text()
    return process, read_console(lines[:HUB_LINES])


@contextmanager
def running_hub(data: Path, *extra: str, env: dict[str, str] | None = None
                ) -> Iterator[tuple[HubInfo, Path]]:
    """A hub on `data` for the length of a `with` block (or a fixture's yield), then stopped."""
    process, info = start_hub(data, *extra, env=env)
    try:
        yield info, data
    finally:
        process.terminate()
        process.wait(timeout=10)


def console(data: Path) -> str:
    """What the hub started on DATA has written on standard error so far."""
    return data.with_name(data.name + ".log").read_text()


def read_console(lines: list[str]) -> HubInfo:
    """The hub's address, fingerprint and pairing code from its first lines."""
    text = "".join(lines)
    url = re.search(r"https://127\.0\.0\.1:\d+", text)
    fingerprint = re.search(r"Certificate fingerprint: ([0-9A-F ]+)", text)
    code = re.search(r"Pairing code: ([A-Z0-9-]+)", text)
    assert url and fingerprint and code, text
    return HubInfo(url.group(0), url.group(0).replace("https://", "http://"),
                   fingerprint.group(1).strip(), code.group(1), lines)


def hub_token_of(data: Path) -> str:
    """The hub's token, as staff read it with `kiosk hub-token show` at the hub."""
    token = read_token(data)
    assert token
    return token


def pair(folder: Path, hub: HubInfo) -> str:
    """Pair a kiosk's data folder with the hub, as staff do; returns what was printed."""
    result = CliRunner().invoke(pair_command, [hub.url, hub.code, "--data", str(folder)])
    assert result.exit_code == 0, result.output
    return result.output
