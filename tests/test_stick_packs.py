"""Sharing question packs by USB stick, with real folders standing in for the stick and the
kiosk's data folder, through the `kiosk packs from-stick` and `to-stick` commands as staff run
them (real processes). Several tests are attacks: a stick is anyone's, so what it carries must
never reach outside the pack's folder, replace a pack the kiosk has, or be half-copied."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from kiosk.core.pack import load_pack
from kiosk.staff.packs import available_packs, import_from_stick
from tests.support.paths import ROOT


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def pack_text(pack_id: str = "winter-forum", version: int = 1, question: str = "What helps?",
              audio: str | None = "helps-en.wav") -> str:
    audio_line = f'audio = {{ en = "{audio}" }}\n' if audio else ""
    return (f'[pack]\nid = "{pack_id}"\ntitle = "Winter forum"\nlanguages = ["en"]\n'
            f'version = {version}\n\n[[question]]\nid = "helps"\ntype = "open"\n'
            f'text = "{question}"\n{audio_line}')


def recording(path: Path, seconds: float = 0.2, level: int = 1000) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(level.to_bytes(2, "little", signed=True) * int(16000 * seconds))
    return path.read_bytes()


def stick_with(tmp_path: Path, files: dict[str, str]) -> Path:
    stick = tmp_path / "stick"
    (stick / "packs").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (stick / "packs" / name).write_text(text, encoding="utf-8")
    return stick


def data_folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    return data


def tree(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_a_valid_pack_arrives_with_its_recording_and_can_be_chosen(tmp_path: Path) -> None:
    stick = stick_with(tmp_path, {"winter-forum.toml": pack_text()})
    voice = recording(stick / "packs" / "helps-en.wav")
    data = data_folder(tmp_path)

    result = kiosk("packs", "from-stick", str(stick), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (f"added 'winter-forum' version 1 (1 question, 1 recording) to this kiosk as "
            f"{data / 'packs' / 'winter-forum.toml'}") in result.stdout
    assert result.stdout.splitlines()[-1] == f"{stick}/packs: 1 added, 0 already here, 0 not copied"
    assert (data / "packs" / "helps-en.wav").read_bytes() == voice
    assert data / "packs" / "winter-forum.toml" in available_packs(data)
    pack, problems = load_pack(data / "packs" / "winter-forum.toml")
    assert problems == [] and pack.questions[0].audio == {"en": "helps-en.wav"}
    assert not [p for p in (data / "packs").iterdir() if p.name.startswith(".")]

    # The same stick again: nothing changes, and it says so.
    before = tree(data / "packs")
    again = kiosk("packs", "from-stick", str(stick), "--data", str(data))
    assert again.returncode == 0, again.stderr
    assert "is already on this kiosk" in again.stdout and "1 already here" in again.stdout
    assert tree(data / "packs") == before


def test_an_invalid_pack_is_named_in_one_line_and_nothing_is_copied(tmp_path: Path) -> None:
    broken = pack_text().replace('type = "open"', 'type = "essay"')
    stick = stick_with(tmp_path, {"broken.toml": broken})
    recording(stick / "packs" / "helps-en.wav")
    data = data_folder(tmp_path)

    result = kiosk("packs", "from-stick", str(stick), "--data", str(data))
    assert result.returncode == 2
    errors = result.stderr.splitlines()
    assert (f"{stick / 'packs' / 'broken.toml'}:9: error: question 'helps' has unknown type "
            "'essay'; use one of open, choice, multi, scale, yesno") in errors
    assert f"{stick / 'packs' / 'broken.toml'}: not copied; fix the problems above and copy it " \
        "again" in errors
    assert "Traceback" not in result.stderr
    assert tree(data / "packs") == {}


def test_attack_a_recording_leading_out_of_the_packs_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.wav"
    recording(secret)
    up = pack_text("up", audio="../secret.wav")
    linked = pack_text("linked", audio="linked-en.wav")
    stick = stick_with(tmp_path, {"up.toml": up, "linked.toml": linked})
    (stick / "packs" / "linked-en.wav").symlink_to(secret)
    # And the pack file itself a link to a pack elsewhere.
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text(pack_text("elsewhere", audio=None))
    (stick / "packs" / "via-link.toml").symlink_to(elsewhere)
    data = data_folder(tmp_path)

    result = kiosk("packs", "from-stick", str(stick), "--data", str(data))
    assert result.returncode == 2
    err = result.stderr
    assert "audio '../secret.wav' (en) goes up out of the pack's folder with '..'" in err
    assert "audio 'linked-en.wav' (en) is a link to a file outside the pack's folder" in err
    assert f"{stick / 'packs' / 'via-link.toml'}: not copied: is a link" in err
    assert result.stdout.splitlines()[-1].endswith("0 added, 0 already here, 3 not copied")
    assert tree(data / "packs") == {}
    assert "Traceback" not in err


def test_attack_the_same_id_and_version_with_other_questions_is_refused(tmp_path: Path) -> None:
    data = data_folder(tmp_path)
    (data / "packs").mkdir()
    (data / "packs" / "winter-forum.toml").write_text(pack_text(audio=None))
    stick = stick_with(tmp_path, {"winter-forum.toml": pack_text(
        question="What gets in the way?", audio=None)})
    before = tree(data / "packs")

    result = kiosk("packs", "from-stick", str(stick), "--data", str(data))
    assert result.returncode == 2
    assert (f"{stick / 'packs' / 'winter-forum.toml'}: not copied: 'winter-forum' version 1 is "
            f"already on this kiosk as {data / 'packs' / 'winter-forum.toml'}, and this one "
            "differs from it; give the changed pack a new version (version = 2) and copy it again"
            ) in result.stderr.splitlines()
    assert tree(data / "packs") == before


def test_attack_a_recording_of_another_pack_is_never_replaced(tmp_path: Path) -> None:
    data = data_folder(tmp_path)
    (data / "packs").mkdir()
    (data / "packs" / "ours.toml").write_text(pack_text("ours"))
    ours = recording(data / "packs" / "helps-en.wav", level=500)
    stick = stick_with(tmp_path, {"theirs.toml": pack_text("theirs")})
    recording(stick / "packs" / "helps-en.wav", level=9000)
    before = tree(data / "packs")

    outcomes = import_from_stick(stick, data)
    assert [o.result for o in outcomes] == ["refused"]
    assert "its recording 'helps-en.wav' differs from the file of that name already on this " \
        "kiosk" in outcomes[0].line
    assert tree(data / "packs") == before and (data / "packs" / "helps-en.wav").read_bytes() == ours


def test_a_newer_version_is_added_beside_the_old_one(tmp_path: Path) -> None:
    data = data_folder(tmp_path)
    (data / "packs").mkdir()
    old = pack_text(audio=None)
    (data / "packs" / "winter-forum.toml").write_text(old)
    stick = stick_with(tmp_path, {"winter-forum.toml": pack_text(
        version=2, question="What gets in the way?")})
    recording(stick / "packs" / "helps-en.wav")

    result = kiosk("packs", "from-stick", str(stick), "--data", str(data))
    assert result.returncode == 0, result.stderr
    newer = data / "packs" / "winter-forum-v2.toml"
    assert f"added 'winter-forum' version 2 (1 question, 1 recording) to this kiosk as {newer}" \
        in result.stdout
    assert (data / "packs" / "winter-forum.toml").read_text() == old  # answers to v1 keep it
    assert load_pack(newer)[0].version == 2
    assert {p.name for p in available_packs(data)[1:]} == {"winter-forum.toml",
                                                           "winter-forum-v2.toml"}


def test_a_pack_needing_the_space_kept_for_answers_is_refused(tmp_path: Path) -> None:
    stick = stick_with(tmp_path, {"winter-forum.toml": pack_text()})
    recording(stick / "packs" / "helps-en.wav")
    data = data_folder(tmp_path)
    outcomes = import_from_stick(stick, data, min_free=2 ** 62)
    assert outcomes[0].result == "refused" and "keeping" in outcomes[0].line
    assert [p.name for p in (data / "packs").iterdir()] == []


def test_round_trip_to_a_stick_and_onto_another_kiosk(tmp_path: Path) -> None:
    first = tmp_path / "first"
    (first / "packs" / "voices").mkdir(parents=True)
    (first / "packs" / "winter-forum.toml").write_text(pack_text(audio="voices/helps-en.wav"))
    voice = recording(first / "packs" / "voices" / "helps-en.wav")
    stick = tmp_path / "stick"
    stick.mkdir()

    result = kiosk("packs", "to-stick", str(first / "packs" / "winter-forum.toml"), str(stick))
    assert result.returncode == 0, result.stderr
    assert f"to the stick as {stick / 'packs' / 'winter-forum.toml'}" in result.stdout
    assert (stick / "packs" / "voices" / "helps-en.wav").read_bytes() == voice
    again = kiosk("packs", "to-stick", str(first / "packs" / "winter-forum.toml"), str(stick))
    assert again.returncode == 0 and "already on the stick" in again.stdout

    second = data_folder(tmp_path)
    result = kiosk("packs", "from-stick", str(stick), "--data", str(second))
    assert result.returncode == 0, result.stderr
    assert tree(second / "packs") == tree(first / "packs")


def test_stick_mistakes_are_one_line(tmp_path: Path) -> None:
    data = data_folder(tmp_path)
    bare = tmp_path / "bare"
    bare.mkdir()
    result = kiosk("packs", "from-stick", str(bare), "--data", str(data))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"{bare}: has no packs/ folder; put the packs to share "
                                          "in a folder called packs at the top of the stick"]
    result = kiosk("packs", "to-stick", str(ROOT / "tests" / "packs" / "small.toml"),
                   str(tmp_path / "not-mounted"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"{tmp_path / 'not-mounted'}: no such folder; give the "
                                          "folder where the stick is mounted"]
    assert os.listdir(data) == []


def test_plugging_in_a_stick_with_packs_adds_them_and_says_so(tmp_path: Path) -> None:
    """deploy/usb-sync.sh, as the kiosk runs it when a stick is plugged in, on a folder standing
    in for a stick that carries only packs: one good, one broken."""
    kiosk_bin = Path(sys.executable).parent / "kiosk"
    if not kiosk_bin.exists():
        pytest.fail(f"{kiosk_bin}: the kiosk command is missing; run script/setup --test")
    stick = stick_with(tmp_path, {"winter-forum.toml": pack_text(),
                                  "broken.toml": pack_text("broken").replace('"open"', '"essay"')})
    recording(stick / "packs" / "helps-en.wav")
    data = data_folder(tmp_path)
    spoken = tmp_path / "spoken.txt"
    say = tmp_path / "say"
    say.write_text(f'#!/bin/sh\necho "$1" >> "{spoken}"\n')
    say.chmod(0o755)
    env = {**os.environ, "KIOSK_BIN": str(kiosk_bin), "KIOSK_DATA": str(data), "KIOSK_USER": "",
           "KIOSK_SAY": str(say)}
    result = subprocess.run([str(ROOT / "deploy" / "usb-sync.sh"), str(stick)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr

    message = ("Finished. 1 question pack added. 1 question pack could not be added; the reasons "
               "are in kiosk-packs.txt on the stick. You can remove the USB stick now.")
    status = json.loads((data / "usb-status.json").read_text())
    assert status["state"] == "safe-to-remove" and status["message"] == message
    assert spoken.read_text().splitlines() == [
        "Reading question packs from the USB stick. Please do not remove it yet.", message]
    assert load_pack(data / "packs" / "winter-forum.toml")[0].id == "winter-forum"
    assert not (data / "packs" / "broken.toml").exists()
    report = (stick / "kiosk-packs.txt").read_text()
    assert "has unknown type 'essay'" in report
    assert "1 added, 0 already here, 1 not copied" in report
    assert not (stick / "kiosk-shared.db").exists()  # a packs stick is not made a store
