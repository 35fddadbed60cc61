"""Staff settings (kiosk/staff/settings.py) and `kiosk staff-pin`, on a real data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main as cli
from kiosk.staff.settings import LOCKOUT_SECONDS, MAX_FAILURES, StaffError, StaffSettings


class Clock:
    """A clock the test moves by hand, so lockouts expire without sleeping."""

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
    # A second kiosk with the same PIN gets a different salt, so a different hash.
    StaffSettings(tmp_path / "other").set_pin(pin)
    other = json.loads((tmp_path / "other" / "staff.json").read_text(encoding="utf-8"))
    assert other["pin_salt"] != data["pin_salt"] and other["pin_hash"] != data["pin_hash"]


def test_right_and_wrong_pin(tmp_path: Path) -> None:
    settings = StaffSettings(tmp_path)
    assert not settings.has_pin()
    assert not settings.check_pin("1234")  # no PIN set: staff mode stays closed
    settings.set_pin("2468")
    assert settings.has_pin()
    assert settings.check_pin("2468")
    assert not settings.check_pin("2469")
    assert not settings.check_pin("")
    assert StaffSettings(tmp_path).check_pin("2468")  # read back from the file


def test_lockout_after_five_wrong_pins_survives_a_restart_and_expires(tmp_path: Path) -> None:
    clock = Clock()
    settings = StaffSettings(tmp_path, clock=clock)
    settings.set_pin("2468")
    for _ in range(MAX_FAILURES - 1):
        assert not settings.check_pin("0000")
    assert settings.seconds_locked() == 0
    assert not settings.check_pin("0000")
    assert settings.seconds_locked() == LOCKOUT_SECONDS

    restarted = StaffSettings(tmp_path, clock=clock)  # a new process reading the same file
    assert restarted.seconds_locked() == LOCKOUT_SECONDS
    assert not restarted.check_pin("2468")  # even the right PIN is refused while locked
    clock.now += LOCKOUT_SECONDS - 1
    assert restarted.seconds_locked() == 1
    assert not restarted.check_pin("2468")
    clock.now += 1
    assert restarted.seconds_locked() == 0
    assert restarted.check_pin("2468")


def test_a_right_pin_resets_the_count_of_wrong_ones(tmp_path: Path) -> None:
    clock = Clock()
    settings = StaffSettings(tmp_path, clock=clock)
    settings.set_pin("2468")
    for _ in range(MAX_FAILURES - 1):
        settings.check_pin("1111")
    assert settings.check_pin("2468")
    for _ in range(MAX_FAILURES - 1):
        settings.check_pin("1111")
    assert settings.seconds_locked() == 0  # not five in a row


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "", " 1234", "1234\n",
                                 "١٢٣٤", "²³⁴⁵"])
def test_the_pin_must_be_4_to_12_digits(tmp_path: Path, pin: str) -> None:
    with pytest.raises(StaffError) as caught:
        StaffSettings(tmp_path).set_pin(pin)
    assert str(caught.value) == "the PIN must be 4 to 12 digits; choose another"
    assert not (tmp_path / "staff.json").exists()


def test_writes_are_atomic_and_leave_no_temporary_file(tmp_path: Path) -> None:
    settings = StaffSettings(tmp_path / "data")
    settings.set_pin("2468")
    settings.update(pack="winter.toml", event_id="abc123")
    settings.check_pin("0000")
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
        settings.check_pin("1234")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'staff.json'}: unreadable")
    assert message.endswith("delete it and set the PIN again with: kiosk staff-pin")
    assert (tmp_path / "staff.json").read_bytes() == content  # left for staff to look at


def test_staff_pin_command(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = CliRunner().invoke(cli, ["staff-pin", "--data", str(data), "--pin", "13579"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Staff PIN set.\n"
    assert StaffSettings(data).check_pin("13579")

    # Asked for twice, hidden, when not given.
    result = CliRunner().invoke(cli, ["staff-pin", "--data", str(data)], input="8642\n8642\n")
    assert result.exit_code == 0, result.output
    assert "8642" not in result.output
    assert StaffSettings(data).check_pin("8642")

    result = CliRunner().invoke(cli, ["staff-pin", "--data", str(data), "--pin", "12"])
    assert result.exit_code == 1
    assert result.stderr == "Error: the PIN must be 4 to 12 digits; choose another\n"
    assert StaffSettings(data).check_pin("8642")  # the old PIN still works

    (data / "staff.json").write_text("{oops", encoding="utf-8")
    result = CliRunner().invoke(cli, ["staff-pin", "--data", str(data), "--pin", "1234"])
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
