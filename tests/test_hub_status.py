"""Issue 17, item 9: the hub says what each sync brought, on its console and at /status, and every
count (simulate, the staff menu's store figures, sync, export, the status page) agrees, its
differences named by kind (withdrawals, changed answers, empty sessions)."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.commands.export import command as export_command
from kiosk.commands.simulate import command as simulate_command
from kiosk.commands.sync import command as sync_command
from kiosk.outputs.status import StatusSite
from kiosk.store.db import Store, store_in
from kiosk.store.hub.server import sync_line
from kiosk.store.sync import BatchResult
from kiosk.store.tally import Tally, tally
from tests.support.hub import hub_token_of, pair, start_hub


def numbers(line: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", line)]


def figure(text: str, words: str) -> int:
    """The number written just before `words` in `text`."""
    found = re.search(r"(\d+) " + re.escape(words), text)
    assert found, (words, text)
    return int(found.group(1))


class Hub:
    """A real `kiosk hub` process; its console lines are read as they come."""

    def __init__(self, data: Path):
        self.process, self.info = start_hub(data, stdout=subprocess.PIPE)
        assert self.process.stdout is not None
        self.data = data
        self.token = hub_token_of(data)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def get(self, path: str) -> tuple[str, str]:
        with urllib.request.urlopen(self.info.plain + path, timeout=30) as response:
            return response.headers["Content-Type"], response.read().decode("utf-8")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    running = Hub(tmp_path / "hub")
    try:
        yield running
    finally:
        running.stop()


class Table(HTMLParser):
    """The status page's table: its caption, header cells and rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.caption = ""
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.refresh = ""
        self._in: str | None = None
        self._scope: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("http-equiv") == "refresh":
            self.refresh = found.get("content") or ""
        if tag == "tr":
            self.rows.append([])
        if tag in ("caption", "th", "td"):
            self._in, self._scope = tag, found.get("scope")
            if tag in ("th", "td") and self.rows:
                self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "caption":
            self.caption += data
        elif self._in in ("th", "td"):
            self.rows[-1][-1] += data
            if self._in == "th" and self._scope == "col":
                self.headers.append(data)


def test_hub_console_status_and_every_count_agree(hub: Hub, tmp_path: Path) -> None:
    kiosks = [tmp_path / "a", tmp_path / "b"]
    said = {}
    for folder, (people, seed) in zip(kiosks, ((60, 3), (45, 11)), strict=True):
        result = CliRunner().invoke(simulate_command, ["--data", str(folder), "--participants",
                                                       str(people), "--seed", str(seed)])
        assert result.exit_code == 0, result.output
        said[folder] = result.output
        pair(folder, hub.info)

    # Before any sync: the status page says so, in large print, refreshing without scripts.
    kind, page = hub.get("/status")
    assert kind.startswith("text/html") and "No kiosk has synced" in page
    assert "<script" not in page

    synced = {}
    for folder in kiosks:
        result = CliRunner().invoke(sync_command, ["--data", str(folder), "--to",
                                                   hub.info.url, "--quiet"])
        assert result.exit_code == 0, result.output
        synced[folder] = result.output
    again = CliRunner().invoke(sync_command, ["--data", str(kiosks[0]), "--to",
                                              hub.info.url, "--quiet"])
    assert "already up to date" in again.output

    # The console: a line per batch, time, short kiosk id and what it added; never a token
    # or an answer's words.
    # (after a line for each kiosk's pairing).
    for _ in range(100):
        if len(hub.lines) >= 5:
            break
        threading.Event().wait(0.1)
    assert len(hub.lines) == 5, hub.lines
    ids = [Store(store_in(folder)).kiosk_id for folder in kiosks]
    line_pattern = re.compile(r"^\d\d:\d\d  kiosk [0-9a-f]{8}…  ")
    assert all(line_pattern.match(line) for line in hub.lines), hub.lines
    assert [line.split()[-1] for line in hub.lines[:2]] == ["paired", "paired"]
    assert hub.lines[2].split()[2] == ids[0][:8] + "…"
    assert hub.lines[4].endswith("up to date, nothing new")
    shared = sqlite3.connect(tmp_path / "hub" / "kiosk-shared.db")  # a new hub folder's store
    texts = [r[0] for r in shared.execute("SELECT text FROM answers WHERE length(text) > 12")]
    assert texts and not any(t in line for t in texts for line in hub.lines)
    assert not any(hub.token in line for line in hub.lines)

    status = json.loads(hub.get("/status.json")[1])
    by_id = {k["kiosk"]: k for k in status["kiosks"]}
    assert set(by_id) == set(ids)
    kind, page = hub.get("/status")
    table = Table()
    table.feed(page)
    assert table.caption.startswith("2 kiosks synced")
    assert table.refresh == "30"
    assert "Answers kept (latest per question)" in table.headers
    assert "People who withdrew" in table.headers and "Empty sessions (nothing kept)" in \
        table.headers
    assert 'href="/status.css"' in page

    total = Tally()
    for folder, kiosk_id, console in zip(kiosks, ids, hub.lines[2:], strict=False):
        store = Store(store_in(folder))
        held = store.tally()  # what the staff menu shows (Store.counts is the same figures)
        counts = store.counts()
        store.close()
        assert (counts.participants, counts.answers, counts.withdrawn) == \
            (held.took_part, held.kept, held.withdrew)
        total = total + held

        # simulate: sessions = took part + withdrew + empty; answers given = kept + changed +
        # those removed with the people who withdrew.
        lines = said[folder].splitlines()
        first = next(line for line in lines if "kiosk.sqlite:" in line)
        sessions, given = numbers(first.split("kiosk.sqlite:")[1])
        assert sessions == held.sessions == held.took_part + held.withdrew + held.empty
        assert figure(said[folder], "people took part") == held.took_part
        assert figure(said[folder], "withdrew") == held.withdrew
        assert figure(said[folder], "answers kept (latest per question)") == held.kept
        assert figure(said[folder], "changed") == held.changed
        removed = figure(said[folder], "answers, with") if "Removed:" in said[folder] else 0
        assert given == held.kept + held.changed + removed
        assert (removed > 0) == (held.withdrew > 0)

        # sync: every session and every version of an answer travel.
        report = synced[folder]
        assert figure(report, "sessions and") == held.sessions
        assert figure(report, "answers (every version") == held.answers_held
        assert figure(report, "people took part") == held.took_part
        assert figure(report, "answers kept (latest per question)") == held.kept

        # the hub's console line, and its status page, for this kiosk.
        assert figure(console, "sessions") == held.sessions
        assert figure(console, "answers (every version)") == held.answers_held
        row = by_id[kiosk_id]
        assert Tally(*(row[k] for k in Tally().as_json())) == held
        assert row["clock"] == "hub"
        assert row["last_sync"][:10] == datetime.now().strftime("%Y-%m-%d")
        # The first kiosk synced twice: its last sync brought nothing new.
        brought = (0, 0) if folder == kiosks[0] else (held.sessions, held.answers_held)
        assert row["last_sync_added"] == {"sessions": brought[0], "answers": brought[1],
                                          "withdrawals": 0}
        assert row["syncs"] == (2 if folder == kiosks[0] else 1)
        html_row = next(r for r in table.rows if r and r[0] == kiosk_id[:8] + "…")
        assert [int(v) for v in html_row[3:]] == [held.took_part, held.withdrew, held.empty,
                                                   held.kept, held.changed]

    assert Tally(**status["total"]) == total
    assert tally(shared) == total

    # export: the answers it writes are the answers kept, and it names what it left out.
    result = CliRunner().invoke(export_command, ["--from", str(tmp_path / "hub" /
                                                               "kiosk-shared.db"),
                                                 "--format", "csv", "--out",
                                                 str(tmp_path / "out.csv")])
    assert result.exit_code == 0, result.output
    assert figure(result.output, "answers kept (latest per question)") == total.kept
    assert figure(result.output, "people who took part") == total.took_part
    assert figure(result.output, "changed answers") == total.changed
    assert figure(result.output, "who withdrew") == total.withdrew
    assert figure(result.output, "empty sessions") == total.empty
    written = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").count("\n") - 1
    assert written == total.kept
    shared.close()


def test_sync_line_says_what_it_counts() -> None:
    when = datetime(2025, 5, 1, 14, 5)
    line = sync_line(when, "3f2a9c1e77aa", BatchResult(8, 24, 1, 0))
    assert line == ("14:05  kiosk 3f2a9c1e…  +8 sessions, +24 answers (every version), "
                    "1 person withdrawn")
    assert sync_line(when, "3f2a9c1e77aa", BatchResult()).endswith("up to date, nothing new")


def test_status_page_without_a_store_and_its_themes(tmp_path: Path) -> None:
    site = StatusSite(tmp_path / "missing.sqlite")
    status, headers, body = site("GET", "/status?theme=black-on-cream&refresh=0", {}, b"")
    page = body.decode()
    assert status == 200 and 'class="black-on-cream"' in page
    assert "http-equiv" not in page  # refresh=0: the page stays still
    assert site("GET", "/results", {}, b"") is None
    status, headers, body = site("GET", "/status.css", {}, b"")
    assert "caption" in body.decode() and "--bg" in body.decode()
