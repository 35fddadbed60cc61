"""Attack: another account on the kiosk or hub reading answers, staff settings or the hub token.

Every file the `kiosk` command makes is 0600 and every folder 0700, whatever the umask of the shell
it was started from (here 022, the usual one, under which the kiosk used to make 644/755). Each
command runs as a real process on real files.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from kiosk.store.hub.token import new_token
from tests.support.paths import ROOT


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _usual_umask() -> None:
    os.umask(0o022)


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    """`kiosk ARGS` as a staff member's shell would run it, with umask 022."""
    result = subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=120,
                            preexec_fn=_usual_umask)
    assert result.returncode == 0, result.stderr
    return result


def _everything_private(folder: Path) -> None:
    """The folder and all under it: files 0600, folders 0700."""
    assert _mode(folder) == 0o700, folder
    for path in folder.rglob("*"):
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), \
            f"{path.relative_to(folder)} is {oct(_mode(path))}"


def test_a_new_data_folder_its_store_and_staff_settings_are_the_owners_only(
        tmp_path: Path) -> None:
    data = tmp_path / "kiosk-data"
    _kiosk("staff-pin", "--data", str(data), "--pin", "246813")
    _kiosk("simulate", "--data", str(data), "--participants", "3")
    names = {p.name for p in data.iterdir()}
    assert "staff.json" in names and any(n.endswith((".db", ".sqlite")) for n in names), names
    _everything_private(data)


def test_exports_are_the_owners_only_even_over_an_older_readable_file(tmp_path: Path) -> None:
    data = tmp_path / "kiosk-data"
    _kiosk("simulate", "--data", str(data), "--participants", "3")
    out = tmp_path / "usb" / "exports"
    _kiosk("export", "--from", str(data), "--format", "csv", "--out", str(out / "answers.csv"))
    older = out / "answers.json"
    older.write_text("{}\n", encoding="utf-8")
    older.chmod(0o644)  # as an older kiosk left it
    _kiosk("export", "--from", str(data), "--format", "json", "--out", str(older))
    _kiosk("export", "--from", str(data), "--format", "xlsx", "--out", str(out / "a.xlsx"))
    assert sorted(p.name for p in out.iterdir()) == ["a.xlsx", "answers.csv", "answers.json"]
    _everything_private(out)
    assert _mode(out.parent) == 0o700  # the folder --out made
    # And the command's help says so.
    assert "readable by its owner only" in " ".join(_kiosk("export", "--help").stdout.split())


def test_hub_token_set_writes_a_private_file_and_show_tightens_an_older_one(
        tmp_path: Path) -> None:
    data = tmp_path / "kiosk-data"
    _kiosk("hub-token", "set", new_token(), "--data", str(data))
    _everything_private(data)

    older = tmp_path / "older-kiosk"
    older.mkdir()
    token = new_token()
    (older / "hub-token").write_text(token + "\n", encoding="utf-8")
    (older / "hub-token").chmod(0o644)
    assert token in _kiosk("hub-token", "show", "--data", str(older)).stdout
    assert _mode(older / "hub-token") == 0o600


def _start_hub(folder: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "hub", "--data", str(folder), "--host", "127.0.0.1",
         "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_usual_umask)
    assert process.stderr is not None
    first = process.stderr.readline()
    if not re.search(r"https://127\.0\.0\.1:\d+", first):
        process.kill()
        raise AssertionError(first + process.communicate(timeout=30)[1])
    return process


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.communicate(timeout=30)


def test_a_new_hub_folder_and_its_token_are_the_owners_only(tmp_path: Path) -> None:
    folder = tmp_path / "hub-data"
    hub = _start_hub(folder)
    try:
        assert (folder / "hub-token").is_file()
        _everything_private(folder)  # the shared store and its -wal/-shm too
    finally:
        _stop(hub)


def test_a_hub_tightens_an_older_readable_token_file(tmp_path: Path) -> None:
    folder = tmp_path / "hub-data"
    folder.mkdir()
    token = new_token()
    (folder / "hub-token").write_text(token + "\n", encoding="utf-8")
    (folder / "hub-token").chmod(0o644)
    hub = _start_hub(folder)
    try:
        assert _mode(folder / "hub-token") == 0o600
        assert (folder / "hub-token").read_text(encoding="utf-8").strip() == token  # kept
    finally:
        _stop(hub)
