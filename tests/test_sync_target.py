"""Where `kiosk sync --to` sends answers: a typo is refused before anything is written.

Driven as staff type it: the real command on a real kiosk folder. The staff screen's Sync form
goes through the same `sync_to_target`, so it refuses the same targets with the same words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.commands.sync import command as sync_command
from kiosk.store.hub.client import resolve_target
from kiosk.store.sync import SyncError
from tests.support.kiosks import make_kiosk


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_kiosk(tmp_path_factory.mktemp("target") / "kioskA", 6, 3)


def sync(kiosk: Path, target: str, cwd: Path, monkeypatch: pytest.MonkeyPatch
         ) -> tuple[int, str]:
    """Run `kiosk sync --to target` from an empty folder; nothing may appear in it."""
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(sync_command, ["--data", str(kiosk), "--to", target, "--quiet"])
    left = sorted(p.name for p in cwd.iterdir())
    assert left == [], f"{target!r} left files behind: {left}"
    return result.exit_code, result.output


@pytest.mark.parametrize("target, hint", [
    ("127.0.0.1:8799", "looks like a hub address; write https://127.0.0.1:8799"),
    ("localhost:8765", "write https://localhost:8765"),
    ("hub.local:8765/", "write https://hub.local:8765/"),
    ("192.168.1.20", "write https://192.168.1.20"),
    ("ftp://192.168.1.20", "not a hub address"),
    ("results", "not a shared store; give a folder, a file ending in .db"),
    ("missing/kiosk-shared.db", "missing: no such folder; check the stick is plugged in"),
])
def test_a_typo_is_refused_and_nothing_is_written(kiosk: Path, tmp_path: Path, target: str,
                                                  hint: str, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    code, output = sync(kiosk, target, tmp_path / "cwd", monkeypatch)
    assert code == 1, output
    assert hint in output and "Traceback" not in output
    assert len(output.strip().splitlines()) == 1, output


def test_a_folder_uses_the_store_it_holds_or_makes_one(kiosk: Path, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    assert resolve_target(str(stick)) == stick / "kiosk-shared.db"
    runner = CliRunner()
    first = runner.invoke(sync_command, ["--data", str(kiosk), "--to", str(stick), "--quiet"])
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in stick.iterdir() if not p.name.endswith(("-wal", "-shm"))) \
        == ["kiosk-shared.db"]
    # The second sync goes into the same store (nothing new to add), not a second one beside.
    again = runner.invoke(sync_command, ["--data", str(kiosk), "--to", str(stick), "--quiet"])
    assert again.exit_code == 0 and "already up to date" in again.output, again.output
    # A hub's folder keeps its older name; both in one folder is ambiguous and refused.
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "shared.sqlite").write_bytes((stick / "kiosk-shared.db").read_bytes())
    assert resolve_target(str(hub)) == hub / "shared.sqlite"
    (hub / "kiosk-shared.db").touch()
    with pytest.raises(SyncError, match="more than one shared store"):
        resolve_target(str(hub))


def test_hub_addresses_and_store_files_pass(tmp_path: Path) -> None:
    assert resolve_target("http://127.0.0.1:8799") == "http://127.0.0.1:8799"
    assert resolve_target(str(tmp_path / "event.sqlite")) == tmp_path / "event.sqlite"
    existing = tmp_path / "old-name"
    existing.write_bytes(b"")
    assert resolve_target(str(existing)) == existing  # an existing file is the store's own
