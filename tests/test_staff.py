"""Staff settings (kiosk/staff/settings.py) and `kiosk staff-pin`, on a real data folder."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main as cli
from kiosk.staff.settings import (
    LOCKOUT_SECONDS,
    MAX_FAILURES,
    NO_PIN,
    PIN_INVALID,
    PIN_SET,
    SCRYPT_KDF,
    StaffError,
    StaffSettings,
)
from tests.support.paths import ROOT


class Clock:
    """A monotonic clock the test moves by hand, so lockouts expire without sleeping."""

    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_pin_is_stored_hashed(tmp_path: Path) -> None:
    pin = "918273645501"  # long, so it cannot turn up by chance inside the hex of salt and hash
    StaffSettings(tmp_path).set_pin(pin)
    stored = (tmp_path / "staff.json").read_text(encoding="utf-8")
    assert pin not in stored
    data = json.loads(stored)
    assert len(data["pin_hash"]) == 64 and len(data["pin_salt"]) == 32
    # scrypt (memory-hard), checked against hashlib's own, not the kiosk's code.
    assert data["pin_kdf"] == SCRYPT_KDF == "scrypt:16:8:1"
    assert data["pin_hash"] == hashlib.scrypt(pin.encode(), salt=bytes.fromhex(data["pin_salt"]),
                                              n=2 ** 16, r=8, p=1, maxmem=1 << 27,
                                              dklen=32).hex()
    # A second kiosk with the same PIN gets a different salt, so a different hash.
    StaffSettings(tmp_path / "other").set_pin(pin)
    other = json.loads((tmp_path / "other" / "staff.json").read_text(encoding="utf-8"))
    assert other["pin_salt"] != data["pin_salt"] and other["pin_hash"] != data["pin_hash"]


def test_right_and_wrong_pin(tmp_path: Path) -> None:
    settings = StaffSettings(tmp_path)
    assert not settings.has_pin() and settings.pin_status() == NO_PIN
    assert not settings.check_pin("123456")  # no PIN set: staff mode stays closed
    settings.set_pin("246813")
    assert settings.has_pin() and settings.pin_status() == PIN_SET
    assert settings.check_pin("246813")
    assert not settings.check_pin("246814")
    assert not settings.check_pin("")
    assert StaffSettings(tmp_path).check_pin("246813")  # read back from the file


def test_lockout_after_five_wrong_pins_expires(tmp_path: Path) -> None:
    clock = Clock()
    settings = StaffSettings(tmp_path, clock=clock)
    settings.set_pin("246813")
    for _ in range(MAX_FAILURES - 1):
        assert not settings.check_pin("000000")
    assert settings.seconds_locked() == 0
    assert not settings.check_pin("000000")
    assert settings.seconds_locked() == LOCKOUT_SECONDS

    again = StaffSettings(tmp_path, clock=clock)  # staff mode opened again in the same kiosk
    assert again.seconds_locked() == LOCKOUT_SECONDS
    assert not again.check_pin("246813")  # even the right PIN is refused while locked
    clock.now += LOCKOUT_SECONDS - 1
    assert again.seconds_locked() == 1
    assert not again.check_pin("246813")
    clock.now += 1
    assert again.seconds_locked() == 0
    assert again.check_pin("246813")


_LOCKED_IN_A_NEW_PROCESS = """
import sys
from pathlib import Path
from kiosk.staff.settings import StaffSettings
settings = StaffSettings(Path(sys.argv[1]))
print(settings.seconds_locked(), settings.check_pin(sys.argv[2]), settings.seconds_locked())
"""


def test_a_lockout_survives_a_restart_in_full(tmp_path: Path) -> None:
    """A kiosk restarted (a new process) finds the lock in staff.json and keeps it for a full
    LOCKOUT_SECONDS from its start: restarting does not open staff mode early."""
    settings = StaffSettings(tmp_path)
    settings.set_pin("246813")
    for _ in range(MAX_FAILURES):
        settings.check_pin("000000")
    result = subprocess.run([sys.executable, "-c", _LOCKED_IN_A_NEW_PROCESS, str(tmp_path),
                             "246813"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    before, opened, after = result.stdout.split()
    assert int(before) == LOCKOUT_SECONDS and opened == "False"
    assert LOCKOUT_SECONDS - 5 <= int(after) <= LOCKOUT_SECONDS


def test_attack_editing_the_count_of_wrong_pins_does_not_reset_the_lockout(
        tmp_path: Path) -> None:
    """Setting "failures" back to 0 by hand (or deleting its seal) makes the PIN invalid: staff
    mode stays closed until the PIN is set again with `kiosk staff-pin` (shell access)."""
    settings = StaffSettings(tmp_path)
    settings.set_pin("246813")
    for _ in range(MAX_FAILURES - 1):
        assert not settings.check_pin("000000")
    path = tmp_path / "staff.json"
    for edit in ({"failures": 0}, {"failures": 0, "failures_seal": ""},
                 {"failures": 0, "pin_kdf": ""}):
        data = json.loads(path.read_text(encoding="utf-8"))
        saved = dict(data)
        data.update(edit)
        path.write_text(json.dumps(data), encoding="utf-8")
        fresh = StaffSettings(tmp_path)
        assert fresh.pin_status() == PIN_INVALID and not fresh.has_pin()
        assert not fresh.check_pin("246813")  # not even the right PIN
        path.write_text(json.dumps(saved), encoding="utf-8")
    assert StaffSettings(tmp_path).failures() == MAX_FAILURES - 1  # the unedited count holds

    result = CliRunner().invoke(cli, ["staff-pin", "--data", str(tmp_path), "--pin", "975312"])
    assert result.exit_code == 0, result.output
    assert StaffSettings(tmp_path).pin_status() == PIN_SET
    assert StaffSettings(tmp_path).check_pin("975312")


def test_attack_putting_back_an_older_staff_file_does_not_reset_a_running_lockout(
        tmp_path: Path) -> None:
    """A copy of staff.json from before the wrong guesses is validly sealed; the running kiosk
    keeps its own count in memory, so putting it back does not open staff mode."""
    settings = StaffSettings(tmp_path)
    settings.set_pin("246813")
    path = tmp_path / "staff.json"
    before = path.read_bytes()
    for _ in range(MAX_FAILURES):
        settings.check_pin("000000")
    path.write_bytes(before)
    again = StaffSettings(tmp_path)
    assert again.pin_status() == PIN_SET
    assert again.seconds_locked() > LOCKOUT_SECONDS - 5
    assert not again.check_pin("246813")


def test_attack_moving_the_wall_clock_neither_ends_nor_lengthens_a_lockout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock is timed by time.monotonic: a day forward does not open staff mode, a day back
    does not lock it for a day (the old code locked for 86,700 s)."""
    settings = StaffSettings(tmp_path)  # the real monotonic clock
    settings.set_pin("246813")
    for _ in range(MAX_FAILURES):
        settings.check_pin("000000")
    assert LOCKOUT_SECONDS - 5 <= settings.seconds_locked() <= LOCKOUT_SECONDS
    real_time = time.time
    for jump in (86_400, -86_400):
        monkeypatch.setattr(time, "time", lambda jump=jump: real_time() + jump)
        assert LOCKOUT_SECONDS - 5 <= StaffSettings(tmp_path).seconds_locked() \
            <= LOCKOUT_SECONDS
        assert not StaffSettings(tmp_path).check_pin("246813")


def test_an_older_kiosks_pin_still_works_and_is_hashed_again_with_scrypt(
        tmp_path: Path) -> None:
    """staff.json as kiosks before scrypt wrote it: a 4-digit PIN under PBKDF2, a wall-clock
    lock field, no seal."""
    salt = "00112233445566778899aabbccddeeff"
    old_hash = hashlib.pbkdf2_hmac("sha256", b"2468", bytes.fromhex(salt), 200_000).hex()
    path = tmp_path / "staff.json"
    path.write_text(json.dumps({"pin_hash": old_hash, "pin_salt": salt, "failures": 1,
                                "locked_until": 0.0, "pack": "winter.toml", "event_id": "e1",
                                "sync_target": ""}, indent=2), encoding="utf-8")
    path.chmod(0o644)
    settings = StaffSettings(tmp_path)
    assert settings.pin_status() == PIN_SET and settings.seconds_locked() == 0
    assert not settings.check_pin("1357")  # a wrong one counts as before
    assert settings.failures() == 2
    assert settings.check_pin("2468")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["pin_kdf"] == SCRYPT_KDF and data["pin_hash"] != old_hash
    assert data["pin_salt"] != salt and data["failures"] == 0 and data["failures_seal"]
    assert data["pin_hash"] == hashlib.scrypt(b"2468", salt=bytes.fromhex(data["pin_salt"]),
                                              n=2 ** 16, r=8, p=1, maxmem=1 << 27,
                                              dklen=32).hex()
    assert (data["pack"], data["event_id"]) == ("winter.toml", "e1")  # the rest kept
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert StaffSettings(tmp_path).check_pin("2468")  # the 4-digit PIN still opens it
    assert not StaffSettings(tmp_path).check_pin("2469")


def test_staff_json_is_the_owners_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a library caller's usual umask: the file is still 0600
    try:
        StaffSettings(tmp_path / "data").set_pin("246813")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "data" / "staff.json").stat().st_mode) == 0o600


def test_the_pin_guess_benchmark_prints_guesses_per_second() -> None:
    from kiosk.devtools.bench import Results, bench_pin, format_table

    table = format_table(Results(bench_pin(2), {}, quick=True))
    print(table)
    assert "staff PIN: one guess (scrypt)" in table and "older kiosks' PBKDF2" in table
    assert "guesses per second on one core; every 6-digit PIN:" in table


def test_a_right_pin_resets_the_count_of_wrong_ones(tmp_path: Path) -> None:
    clock = Clock()
    settings = StaffSettings(tmp_path, clock=clock)
    settings.set_pin("246813")
    for _ in range(MAX_FAILURES - 1):
        settings.check_pin("111111")
    assert settings.check_pin("246813")
    for _ in range(MAX_FAILURES - 1):
        settings.check_pin("111111")
    assert settings.seconds_locked() == 0  # not five in a row


@pytest.mark.parametrize("pin", ["123", "1234", "12345", "1234567890123", "12a456", "",
                                 " 123456", "123456\n", "١٢٣٤٥٦", "²³⁴⁵⁶⁷"])
def test_a_new_pin_must_be_6_to_12_digits(tmp_path: Path, pin: str) -> None:
    with pytest.raises(StaffError) as caught:
        StaffSettings(tmp_path).set_pin(pin)
    assert str(caught.value) == "the PIN must be 6 to 12 digits; choose another"
    assert not (tmp_path / "staff.json").exists()


def test_writes_are_atomic_and_leave_no_temporary_file(tmp_path: Path) -> None:
    settings = StaffSettings(tmp_path / "data")
    settings.set_pin("246813")
    settings.update(pack="winter.toml", event_id="abc123")
    settings.check_pin("000000")
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["staff.json"]
    config = settings.load()
    assert (config.pack, config.event_id, config.failures) == ("winter.toml", "abc123", 1)


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe{}", b"[]", b'"text"',
                                     b'{"failures": "many"}', b'{"locked_until": "later"}',
                                     b'{"pin_hash": 5}'])
def test_an_unreadable_staff_file_is_one_line_with_the_fix(tmp_path: Path,
                                                           content: bytes) -> None:
    (tmp_path / "staff.json").write_bytes(content)
    settings = StaffSettings(tmp_path)
    with pytest.raises(StaffError) as caught:
        settings.load()
        settings.check_pin("123456")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'staff.json'}: unreadable")
    assert message.endswith("delete it and set the PIN again with: kiosk staff-pin")
    assert (tmp_path / "staff.json").read_bytes() == content  # left for staff to look at


def test_staff_pin_command(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = CliRunner().invoke(cli, ["staff-pin", "--data", str(data), "--pin", "135790"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Staff PIN set.\n"
    assert StaffSettings(data).check_pin("135790")

    # Asked for twice, hidden, when not given.
    result = CliRunner().invoke(cli, ["staff-pin", "--data", str(data)], input="864202\n864202\n")
    assert result.exit_code == 0, result.output
    assert "864202" not in result.output
    assert StaffSettings(data).check_pin("864202")

    result = CliRunner().invoke(cli, ["staff-pin", "--data", str(data), "--pin", "12"])
    assert result.exit_code == 1
    assert result.stderr == "Error: the PIN must be 6 to 12 digits; choose another\n"
    assert StaffSettings(data).check_pin("864202")  # the old PIN still works

    (data / "staff.json").write_text("{oops", encoding="utf-8")
    result = CliRunner().invoke(cli, ["staff-pin", "--data", str(data), "--pin", "123456"])
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "unreadable" in result.stderr and "kiosk staff-pin" in result.stderr
    assert not isinstance(result.exception, StaffError)  # handled, not a traceback


def test_the_chosen_pack_is_found_from_any_working_folder(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.bootstrap import LaunchOptions, active_pack
    from kiosk.core.pack import default_pack_path

    monkeypatch.chdir(tmp_path)
    packs = Path("kioskA") / "packs"
    packs.mkdir(parents=True)
    (packs / "cop-event.toml").write_text(default_pack_path().read_text(encoding="utf-8"),
                                          encoding="utf-8")
    StaffSettings(Path("kioskA")).choose_pack(packs / "cop-event.toml")  # relative, as typed
    assert json.loads((tmp_path / "kioskA" / "staff.json").read_text())["pack"] \
        == "packs/cop-event.toml"  # kept relative to the data folder, which may move
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    pack = active_pack(LaunchOptions(data_dir=tmp_path / "kioskA"))
    assert Path(pack.source).resolve() == (tmp_path / "kioskA" / "packs" / "cop-event.toml")
    # What older kiosks wrote (relative to the working folder of the day) is still found.
    settings = StaffSettings(tmp_path / "kioskA")
    settings.update(pack="kioskA/packs/cop-event.toml")
    assert settings.chosen_pack() == tmp_path / "kioskA" / "packs" / "cop-event.toml"
    settings.choose_pack(None)
    assert settings.chosen_pack() is None
