"""One shared-store name everywhere, `--from FOLDER` wherever the help says so, and one shared
store merged into another (`kiosk sync --from-shared STICK --to HUB`), exactly once (issue 17,
item 5). Driven as staff type it: the real commands on real kiosk folders and sticks."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.commands.export import command as export_command
from kiosk.commands.results import command as results_command
from kiosk.commands.sync import command as sync_command
from kiosk.core.answers import Answer, ParticipantSession
from kiosk.core.pack import default_pack_path, load_pack
from kiosk.ids import new_id
from kiosk.outputs.results import store_file
from kiosk.store.db import Store, store_in
from kiosk.store.hub.server import Hub
from kiosk.store.hub.token import read_token
from kiosk.store.shared import SharedStoreError, shared_store_in


def run(command: object, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(command, [*args])  # type: ignore[arg-type]
    return result.exit_code, result.output


def sync(kiosk: Path, target: Path | str) -> str:
    code, output = run(sync_command, "--data", str(kiosk), "--to", str(target), "--quiet")
    assert code == 0, output
    return output


def merge(source: Path, target: Path | str, *extra: str) -> str:
    code, output = run(sync_command, "--from-shared", str(source), "--to", str(target),
                       "--quiet", *extra)
    assert code == 0, output
    return output


def contents(path: Path) -> dict[str, set[tuple[object, ...]]]:
    """What a shared store holds, whatever the order it arrived in."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {
            "packs": set(conn.execute("SELECT id, version, sha256 FROM packs")),
            "events": set(conn.execute("SELECT id, name, venue, date, kiosk_id FROM events")),
            "participants": set(conn.execute(
                "SELECT id, kiosk_id, event_id, pack_id, pack_version, language, date, "
                "withdrawn FROM participants")),
            "answers": set(conn.execute(
                "SELECT id, participant_id, question_id, seq, value, text, method, language "
                "FROM answers")),
            "marks": set(conn.execute(
                "SELECT id, answers_mark, answers_mark_id, participants_mark FROM kiosks")),
        }
    finally:
        conn.close()


def answer_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
    finally:
        conn.close()


def withdraw_one(kiosk: Path) -> str:
    """Withdraw a participant who gave answers, as the thanks screen does."""
    store = Store(store_in(kiosk))
    try:
        pid = store.conn.execute(
            "SELECT participant_id FROM answers ORDER BY rowid LIMIT 1").fetchone()[0]
        store.withdraw(pid)
        return str(pid)
    finally:
        store.close()


def add_participant(kiosk: Path) -> None:
    """One more participant with one answer, after the kiosk's last sync."""
    pack, _ = load_pack(default_pack_path())
    store = Store(store_in(kiosk))
    try:
        pid = new_id()
        store.begin_participant(ParticipantSession(pid, pack.id, pack.version, "en",
                                                   date.today().isoformat()))
        question = next(q for q in pack.questions if q.type == "open")
        store.save_answer(Answer(new_id(), pid, question.id, question.type, 1, "later on",
                                 "later on", "typed", "en"))
    finally:
        store.close()


@pytest.fixture(scope="module")
def kiosk_sizes() -> tuple[tuple[int, int], tuple[int, int]]:
    """Small kiosks: every test here syncs them several times."""
    return (30, 1), (20, 2)


@pytest.fixture
def two(kiosks: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """Copies of the two kiosks, one participant of each withdrawn."""
    a, b = (Path(shutil.copytree(k, tmp_path / k.name)) for k in kiosks)
    withdraw_one(a)
    withdraw_one(b)
    return a, b


def sticks(a: Path, b: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Kiosk A synced to one stick, kiosk B to another, each through its folder."""
    one, two = tmp_path / "stick-one", tmp_path / "stick-two"
    for kiosk, stick in ((a, one), (b, two)):
        stick.mkdir()
        sync(kiosk, stick)
    return one / "kiosk-shared.db", two / "kiosk-shared.db"


def test_two_sticks_merged_into_a_hub_folder_equal_syncing_both_kiosks_there(
        two: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two
    one, other = sticks(a, b, tmp_path)
    direct = tmp_path / "direct.db"
    sync(a, direct)
    sync(b, direct)

    hub = tmp_path / "hub"
    hub.mkdir()
    first = merge(one, hub)
    assert "added" in first and "into" in first, first
    merge(other.parent, hub)  # a stick's folder names its store too
    assert sorted(p.name for p in hub.iterdir()) == ["kiosk-shared.db"]
    merged = hub / "kiosk-shared.db"
    assert contents(merged) == contents(direct)
    assert answer_count(merged) == answer_count(direct) > 0

    # Again, from either stick: nothing is added, nothing doubled.
    before = contents(merged)
    for stick in (one, other):
        again = merge(stick, hub)
        assert "already up to date" in again, again
    assert contents(merged) == before
    # The kiosks' own next syncs to the hub find everything already there.
    for kiosk in (a, b):
        assert "already up to date" in sync(kiosk, hub)
    assert contents(merged) == before

    # The exports of the merged store and the direct one say the same.
    out = {}
    for name, source in (("merged", hub), ("direct", direct)):
        code, output = run(export_command, "--from", str(source), "--format", "csv",
                           "--out", str(tmp_path / f"{name}.csv"))
        assert code == 0, output
        out[name] = sorted((tmp_path / f"{name}.csv").read_text().splitlines())
    assert out["merged"] == out["direct"] and len(out["direct"]) > 10


def test_merging_both_ways_converges_and_withdrawals_travel(
        two: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two
    one, other = sticks(a, b, tmp_path)
    # Kiosk A also visits the second stick later, with one more participant, then withdraws
    # another participant and goes to the first stick only.
    add_participant(a)
    sync(a, other)
    gone = withdraw_one(a)
    add_participant(a)
    sync(a, one)

    merge(one, other)
    merge(other, one)
    assert contents(one) == contents(other)
    merged = contents(other)
    assert (gone,) in {(p[0],) for p in merged["participants"] if p[7] == 1}
    assert not [x for x in merged["answers"] if x[1] == gone]
    # Kiosk A's mark in both is the further one: its next sync to either adds nothing.
    assert "already up to date" in sync(a, one)
    assert "already up to date" in sync(a, other)
    # And a kiosk that syncs both directly holds exactly the union.
    direct = tmp_path / "direct.db"
    sync(a, direct)
    sync(b, direct)
    assert contents(direct)["answers"] == merged["answers"]
    assert contents(direct)["participants"] == merged["participants"]


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[str, list[str], Path]]:
    data = tmp_path / "hub"
    server = Hub(data, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.address
        token = read_token(data)
        assert token
        # Staff merge with the hub's token, and the certificate fingerprint the hub printed.
        yield f"https://{host}:{port}", ["--token", token, "--fingerprint", server.fingerprint], \
            server.path
    finally:
        server.close()
        thread.join(timeout=10)


def test_a_stick_merges_into_a_running_hub_once(two: tuple[Path, Path], tmp_path: Path,
                                                hub: tuple[str, list[str], Path]) -> None:
    url, staff, hub_store = hub
    assert hub_store.name == "kiosk-shared.db"  # a new hub's store has the one name
    a, b = two
    one, other = sticks(a, b, tmp_path)
    # Without the fingerprint the token is not sent: it could go to anyone at that address.
    code, output = run(sync_command, "--from-shared", str(one), "--to", url, "--quiet",
                       *staff[:2])
    assert code == 1 and "--fingerprint" in output, output
    merge(one, url, *staff)
    merge(other, url, *staff)
    direct = tmp_path / "direct.db"
    sync(a, direct)
    sync(b, direct)
    assert contents(hub_store) == contents(direct)
    assert "already up to date" in merge(one, url, *staff)
    assert contents(hub_store) == contents(direct)


def test_a_store_is_not_merged_into_itself_and_a_typo_is_refused(
        two: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two
    one, _ = sticks(a, b, tmp_path)
    before = contents(one)
    code, output = run(sync_command, "--from-shared", str(one), "--to", str(one.parent))
    assert code == 1 and "same shared store" in output, output
    code, output = run(sync_command, "--from-shared", str(one), "--to", "127.0.0.1:8765")
    assert code == 1 and "write https://127.0.0.1:8765" in output, output
    code, output = run(sync_command, "--from-shared", str(store_in(a)), "--to",
                       str(tmp_path / "new.db"))
    assert code == 1 and "kiosk's own store, not a shared store" in output, output
    assert len(output.strip().splitlines()) == 1
    assert contents(one) == before


def test_from_folder_works_for_every_kind_of_folder(two: tuple[Path, Path],
                                                    tmp_path: Path) -> None:
    a, b = two
    one, _ = sticks(a, b, tmp_path)
    old_hub = tmp_path / "old-hub"
    old_hub.mkdir()
    shutil.copy(one, old_hub / "shared.sqlite")  # the hub's name before
    for folder in (a, one.parent, old_hub):
        code, output = run(export_command, "--from", str(folder), "--format", "csv",
                           "--out", str(tmp_path / f"{folder.name}.csv"))
        assert code == 0 and "wrote csv" in output, output
    assert store_file(old_hub) == old_hub / "shared.sqlite"
    assert store_file(a) == store_in(a)
    # A kiosk syncing to the old hub folder uses the store there, and makes no second one.
    sync(b, old_hub)
    assert sorted(p.name for p in old_hub.iterdir()) == ["shared.sqlite"]
    # And the hub keeps serving it.
    server = Hub(old_hub, "127.0.0.1", 0)
    try:
        assert server.path == old_hub / "shared.sqlite"
    finally:
        server.server.server_close()  # never served: nothing to shut down
    # Two stores in one folder: refused in one line, naming the fix.
    shutil.copy(one, old_hub / "kiosk-shared.db")
    with pytest.raises(SharedStoreError, match="more than one shared store"):
        shared_store_in(old_hub)
    for command, args in ((export_command, ["--format", "csv", "--out",
                                            str(tmp_path / "x.csv")]),
                          (results_command, ["--port", "0"])):
        code, output = run(command, "--from", str(old_hub), *args)
        assert code == 1 and "more than one shared store" in output, output
        assert "kiosk sync --from-shared" in output
