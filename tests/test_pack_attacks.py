"""Attacks on question packs (issue 13): a pack too big to sync, brackets nested deep enough to
crash the TOML reader, recordings named outside the pack's folder, and pack rows forged in a
sync batch to poison every export.

Each attack is run through the real programs (`python -m kiosk` in a subprocess, real SQLite
files, a real hub over HTTP) and must end in one line naming the file or row and the fix, exit
status 2 for `kiosk packs validate`, no traceback, and nothing else lost.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.pack import MAX_AUDIO_BYTES, MAX_NESTING, MAX_PACK_BYTES, load_pack
from kiosk.store.db import Store, store_in
from kiosk.store.hub.tls import PinnedConnection
from kiosk.store.sync import MAX_PACK_SOURCE, PackRow, SharedFile, SyncError, sync
from kiosk.store.sync.validate import check_pack_source
from tests.support.hub import HubInfo, hub_token_of, pair, start_hub
from tests.support.kiosks import kiosk_answers, make_kiosk
from tests.support.paths import ROOT

PROBLEM = re.compile(r"^(?P<file>.+):(?P<line>\d+): (?P<severity>error|warning): (?P<message>.+)$")
DEEP = "[" * 150_000  # the reproduced attack: the TOML reader recursed until Python gave up

GOOD = """\
[pack]
id = "winter-forum"
title = "Winter forum"
languages = ["en"]
version = 2

[[question]]
id = "meaning"
type = "open"
text = "What does co-production mean to you?"
"""


def kiosk(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m kiosk ARGS`, a real process, as staff run it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def refused_with_one_line(run: subprocess.CompletedProcess[str], file: str, needle: str) -> str:
    """The single problem line `kiosk packs validate` printed, after checking it refused."""
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and "Error" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, run.stderr
    assert PROBLEM.match(errors[0]) and errors[0].startswith(f"{file}:"), errors[0]
    assert needle in errors[0], errors[0]
    assert "ok:" not in run.stdout
    return errors[0]


# Size: validate keeps to the limit sync keeps to -------------------------------------------------

def test_a_pack_too_big_to_sync_fails_validate_with_one_line(tmp_path: Path) -> None:
    padding = "# " + "x" * 98 + "\n"
    big = GOOD + padding * (MAX_PACK_BYTES // len(padding) + 1)
    (tmp_path / "big.toml").write_text(big, encoding="utf-8")
    assert len(big.encode()) > MAX_PACK_BYTES
    line = refused_with_one_line(kiosk(["packs", "validate", "big.toml"], tmp_path), "big.toml",
                                 f"a pack may be at most {MAX_PACK_BYTES:,}")
    assert line.startswith("big.toml:1: error: the pack is ")
    assert "Split it into smaller packs" in line


def test_the_largest_pack_validate_accepts_syncs(tmp_path: Path) -> None:
    """The limits are one: a pack just under validate's limit travels to a shared store."""
    assert MAX_PACK_SOURCE == MAX_PACK_BYTES
    padding = "# " + "ü" * 48 + "\n"  # two bytes a letter: the limit is in bytes, not letters
    text = GOOD + padding * ((MAX_PACK_BYTES - len(GOOD.encode()) - 1) // len(padding.encode()))
    path = tmp_path / "largest.toml"
    path.write_text(text, encoding="utf-8")
    pack, _ = load_pack(path)
    assert MAX_PACK_BYTES - 200 < len(text.encode()) <= MAX_PACK_BYTES

    folder = make_kiosk(tmp_path / "k", 3, 41)
    store = Store(store_in(folder))
    store.record_pack(pack.id, pack.version, "Winter forum", text)
    report = sync(store, SharedFile(tmp_path / "shared.db"))
    store.close()
    assert report.answers_added == len(kiosk_answers(folder))
    conn = sqlite3.connect(tmp_path / "shared.db")
    assert conn.execute("SELECT source FROM packs WHERE id = 'winter-forum'").fetchone()[0] == text


# Nesting: one line from validate and list, never a traceback ------------------------------------

def test_deeply_nested_toml_is_one_line_from_validate_and_list(tmp_path: Path) -> None:
    deep = tmp_path / "data" / "packs" / "deep.toml"
    deep.parent.mkdir(parents=True)
    deep.write_text(GOOD + f"extra = {DEEP}\n", encoding="utf-8")
    (deep.parent / "fine.toml").write_text(GOOD.replace("winter-forum", "fine"),
                                           encoding="utf-8")
    run = kiosk(["packs", "validate", str(deep)], tmp_path)
    line = refused_with_one_line(run, str(deep), f"nested more than {MAX_NESTING} deep")
    assert line.startswith(f"{deep}:{GOOD.count(chr(10)) + 1}: error: brackets")
    assert len(run.stderr.splitlines()) == 1

    listed = kiosk(["packs", "list", "--data", str(tmp_path / "data")], tmp_path)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr + listed.stdout
    assert f"{deep}: cannot be used (1 problems); see: kiosk packs validate {deep}" \
        in listed.stdout
    assert any(line.startswith("fine\tversion 2") for line in listed.stdout.splitlines())


@pytest.mark.parametrize("hidden", [
    f'note = "{"[" * 40}"', f"note = '{'[' * 40}'", f'note = """\n{"[" * 40}\n"""',
    f"note = '''{'[' * 40}''''", f"# {'[' * 40}"])
def test_brackets_inside_strings_and_comments_are_not_nesting(tmp_path: Path,
                                                             hidden: str) -> None:
    """The depth is counted as TOML reads it: brackets in a text or a comment are words."""
    from kiosk.core.pack import source_problem

    assert source_problem(f"{hidden}\nlist = [[[1]]]\n") is None
    # ...and a string closed with extra quotes does not hide the brackets after it.
    assert source_problem(f"{hidden}\nlist = {'[' * (MAX_NESTING + 1)}\n") is not None


# Recordings: inside the pack's folder, regular files, not too big ---------------------------------

def _pack_with_audio(folder: Path, recording: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "recorded.toml"
    path.write_text(GOOD + f"audio = {json.dumps(recording)}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("recording, needle", [
    ("../../../../etc/passwd", "goes up out of the pack's folder"),
    ("voices/../../secret.wav", "goes up out of the pack's folder"),
    ("..\\..\\secret.wav", "goes up out of the pack's folder"),
    ("/proc/self/environ", "is an absolute path"),
    ("C:\\Windows\\win.ini", "is an absolute path"),
    ("\\\\server\\share\\a.wav", "is an absolute path"),
    ("", "is empty"),
])
def test_an_audio_name_leading_out_of_the_pack_is_refused(tmp_path: Path, recording: str,
                                                         needle: str) -> None:
    path = _pack_with_audio(tmp_path / "pack", recording)
    line = refused_with_one_line(kiosk(["packs", "validate", str(path)], tmp_path), str(path),
                                 needle)
    assert f":{GOOD.count(chr(10)) + 1}: error: question 'meaning' audio" in line
    assert "put the recording in the pack's folder" in line


def _link_out(folder: Path, outside: Path) -> str:
    (folder / "voice.wav").symlink_to(outside)
    return "voice.wav"


def _folder_link_out(folder: Path, outside: Path) -> str:
    (folder / "voices").symlink_to(outside.parent, target_is_directory=True)
    return f"voices/{outside.name}"


def _dangling_link_out(folder: Path, outside: Path) -> str:
    (folder / "later.wav").symlink_to(outside.parent / "not-there-yet.wav")
    return "later.wav"


def _sparse(folder: Path, outside: Path) -> str:
    with open(folder / "huge.wav", "wb") as handle:
        handle.truncate(3_000_000_000)  # 3 GB that take no room on the disk
    return "huge.wav"


def _fifo(folder: Path, outside: Path) -> str:
    os.mkfifo(folder / "pipe.wav")
    return "pipe.wav"


def _folder(folder: Path, outside: Path) -> str:
    (folder / "dir.wav").mkdir()
    return "dir.wav"


@pytest.mark.parametrize("make, needle", [
    (_link_out, "is a link to a file outside the pack's folder"),
    (_folder_link_out, "is a link to a file outside the pack's folder"),
    (_dangling_link_out, "is a link to a file outside the pack's folder"),
    (_sparse, f"a recording may be at most {MAX_AUDIO_BYTES:,}"),
    (_fifo, "is not a regular file"),
    (_folder, "is not a regular file"),
], ids=lambda v: v.__name__.strip("_") if callable(v) else "")
def test_an_audio_file_that_is_not_a_recording_in_the_folder_is_refused(
        tmp_path: Path, make: object, needle: str) -> None:
    outside = tmp_path / "private" / "secret.wav"
    outside.parent.mkdir()
    outside.write_bytes(b"RIFF" + b"\0" * 40)
    folder = tmp_path / "pack"
    folder.mkdir()
    assert callable(make)
    path = _pack_with_audio(folder, make(folder, outside))
    line = refused_with_one_line(kiosk(["packs", "validate", str(path)], tmp_path), str(path),
                                 needle)
    assert "question 'meaning' audio" in line
    assert outside.read_bytes()[:4] == b"RIFF"  # looked at, never touched


def test_recordings_inside_the_folder_still_validate(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    (folder / "voices").mkdir(parents=True)
    (folder / "voices" / "meaning.wav").write_bytes(b"RIFF" + b"\0" * 40)
    (folder / "alias.wav").symlink_to(folder / "voices" / "meaning.wav")
    for recording in ("voices/meaning.wav", "alias.wav", "./voices/meaning.wav"):
        path = _pack_with_audio(folder, recording)
        run = kiosk(["packs", "validate", str(path)], tmp_path)
        assert run.returncode == 0 and run.stderr == "", run.stderr
        assert f"{path}: ok: 'winter-forum' version 2" in run.stdout
    missing = _pack_with_audio(folder, "not-recorded-yet.wav")
    run = kiosk(["packs", "validate", str(missing)], tmp_path)
    assert run.returncode == 0 and "warning: question 'meaning' audio" in run.stderr


# Sync: each pack row's source is checked against its sha256, its size and its nesting ------------

def _tamper_pack(folder: Path, source: str, rehash: bool) -> None:
    conn = sqlite3.connect(store_in(folder))
    with conn:
        digest = hashlib.sha256(source.encode()).hexdigest()
        conn.execute("UPDATE packs SET source = ?" + (", sha256 = ?" if rehash else ""),
                     (source, digest) if rehash else (source,))
    conn.close()


@pytest.mark.parametrize("rehash, needle", [
    (False, "does not match its sha256, so it was changed after the kiosk recorded it"),
    (True, f"line 1: brackets are nested more than {MAX_NESTING} deep"),
])
def test_a_poisoned_pack_row_stops_a_file_sync_with_one_line(
        tmp_path: Path, rehash: bool, needle: str) -> None:
    folder = make_kiosk(tmp_path / "k", 8, 42)
    (tmp_path / "stick").mkdir()
    _tamper_pack(folder, DEEP, rehash)
    answers = kiosk_answers(folder)
    before = store_in(folder).read_bytes()
    run = kiosk(["sync", "--data", str(folder), "--to", str(tmp_path / "stick"), "--quiet"],
                tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], run.stderr
    assert re.match(r"^Error: pack 1 '\S+' version \d+ source: ", lines[0]), lines[0]
    assert "start a session with the pack on that kiosk" in lines[0] or rehash
    # Nothing reached the shared store; the kiosk keeps every answer as it was.
    shared = next((tmp_path / "stick").glob("*.db"), None)
    if shared is not None:
        conn = sqlite3.connect(shared)
        assert conn.execute("SELECT COUNT(*) FROM packs").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
        conn.close()
    assert kiosk_answers(folder) == answers
    assert store_in(folder).read_bytes() == before


def test_pack_rows_refused_in_python_name_the_row_and_the_reason() -> None:
    good = GOOD
    digest = hashlib.sha256(good.encode()).hexdigest()
    check_pack_source(PackRow("winter-forum", 2, "Winter forum", good, digest), "pack 1")
    for source, sha, needle in [
        (good + "#", digest, "does not match its sha256"),
        ("a = \ud800", digest, "is not valid Unicode text"),
        (DEEP, hashlib.sha256(DEEP.encode()).hexdigest(), "nested more than"),
    ]:
        with pytest.raises(SyncError) as info:
            check_pack_source(PackRow("winter-forum", 2, "Winter forum", source, sha), "pack 1")
        assert str(info.value).startswith("pack 1: ") and needle in str(info.value)
        assert "\n" not in str(info.value)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[HubInfo, str, Path]]:
    data = tmp_path / "hub"
    process, info = start_hub(data)
    try:
        yield info, hub_token_of(data), data / "kiosk-shared.db"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_hub_refuses_forged_pack_rows_and_keeps_what_it_had(
        hub: tuple[HubInfo, str, Path], tmp_path: Path) -> None:
    info, token, shared_path = hub
    honest = make_kiosk(tmp_path / "honest", 6, 43)
    pair(honest, info)
    run = kiosk(["sync", "--data", str(honest), "--to", info.url, "--quiet"], tmp_path)
    assert run.returncode == 0, run.stderr

    def post(source: str, sha256: str) -> tuple[int, str]:
        # With the hub's own token: staff may send any kiosk's rows, and still no forged pack.
        batch = {"kiosk_id": "forger1", "sync_id": "s1", "synced_at": "2024-05-01 10:00",
                 "base": {"answers_mark": 0, "answers_mark_id": None, "participants_mark": 0,
                          "withdrawals": 0},
                 "mark": {"answers_mark": 0, "answers_mark_id": None, "participants_mark": 0,
                          "withdrawals": 0},
                 "packs": [["poison", 1, "Poison", source, sha256]], "events": [],
                 "participants": [], "answers": [], "withdrawn": None}
        host, port = info.url.removeprefix("https://").split(":")
        connection = PinnedConnection(host, int(port), info.fingerprint, 30)
        try:
            connection.request("POST", "/batch", body=json.dumps(batch).encode(),
                               headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            data = json.loads(response.read())
        finally:
            connection.close()
        return response.status, data.get("error", "")

    cases = [
        (DEEP, "0" * 64, "does not match its sha256"),
        (DEEP, hashlib.sha256(DEEP.encode()).hexdigest(), "nested more than"),
        ("x" * (MAX_PACK_BYTES + 1), "0" * 64, f"the limit is {MAX_PACK_BYTES}"),
        ("é" * (MAX_PACK_BYTES // 2 + 1),
         hashlib.sha256(("é" * (MAX_PACK_BYTES // 2 + 1)).encode()).hexdigest(),
         f"a pack may be at most {MAX_PACK_BYTES:,}"),
    ]
    for source, sha, needle in cases:
        status, error = post(source, sha)
        assert status == 422 and needle in error, (status, error[:300])
        assert error.startswith("pack 1 ") and " source: " in error and "\n" not in error
    conn = sqlite3.connect(shared_path)
    assert "poison" not in {r[0] for r in conn.execute("SELECT id FROM packs")}
    assert {r[0] for r in conn.execute("SELECT id FROM answers")} == kiosk_answers(honest)
    assert conn.execute("SELECT COUNT(*) FROM kiosks WHERE id = 'forger1'").fetchone()[0] == 0
    conn.close()


# Exports: a stored pack that cannot be read is one warning, and the export goes on ---------------

@pytest.mark.parametrize("poison", [DEEP, "not toml at all [", "[pack]\nid = 1\n"])
def test_exports_go_on_past_a_pack_that_cannot_be_read(tmp_path: Path, poison: str) -> None:
    """A shared store written before sync checked packs may hold a poisoned pack row."""
    folder = make_kiosk(tmp_path / "k", 8, 44)
    (tmp_path / "stick").mkdir()
    run = kiosk(["sync", "--data", str(folder), "--to", str(tmp_path / "stick"), "--quiet"],
                tmp_path)
    assert run.returncode == 0, run.stderr
    shared = next((tmp_path / "stick").glob("*.db"))
    conn = sqlite3.connect(shared)
    with conn:
        conn.execute("UPDATE packs SET source = ?", (poison,))
        pack_id, version = conn.execute("SELECT id, version FROM packs").fetchone()
    conn.close()
    answers = kiosk_answers(folder)

    out = tmp_path / "answers.csv"
    run = kiosk(["export", "--from", str(shared), "--format", "csv", "--out", str(out)],
                tmp_path)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    warnings = run.stderr.strip().splitlines()
    assert len(warnings) == 1, run.stderr
    assert warnings[0].startswith(f"{shared}: pack '{pack_id}' version {version}: warning: its "
                                  "questions cannot be read (line ")
    assert warnings[0].endswith("its answers are exported under their question ids instead "
                                "of the questions' words")
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(row["question"] == row["question_id"] for row in rows)
    kept = sqlite3.connect(shared).execute("SELECT COUNT(*) FROM current_answers "
                                           "WHERE value IS NOT NULL").fetchone()[0]
    assert len(rows) == kept and kept <= len(answers)

    for fmt, name in (("json", "answers.jsonl"), ("xlsx", "answers.xlsx"),
                      ("report", "report")):
        target = tmp_path / name
        extra = ["--no-audio"] if fmt == "report" else []
        run = kiosk(["export", "--from", str(shared), "--format", fmt, "--out", str(target),
                     *extra], tmp_path)
        assert run.returncode == 0 and "Traceback" not in run.stderr, (fmt, run.stderr)
        assert run.stderr.strip().splitlines() == warnings
        assert target.exists()


def test_import_refuses_a_form_whose_recording_links_out_and_keeps_the_old_pack(
        tmp_path: Path) -> None:
    from tests.test_xlsform import form

    outside = tmp_path / "private" / "secret.wav"
    outside.parent.mkdir()
    outside.write_bytes(b"RIFF" + b"\0" * 40)
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "meaning.wav").symlink_to(outside)
    (folder / "pack.toml").write_text(GOOD, encoding="utf-8")
    form(folder, [["type", "name", "label::English (en)", "audio::English (en)"],
                  ["text", "meaning", "What does it mean?", "meaning.wav"]],
         settings=[["form_title", "form_id", "version"], ["Winter forum", "winter-forum", "3"]])
    run = kiosk(["packs", "import", "form.xlsx", "--out", "pack.toml"], folder)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.splitlines() == [
        "form.xlsx: error: question 'meaning' audio 'meaning.wav' (en) is a link to a file "
        "outside the pack's folder; copy the recording itself into the pack's folder",
        "form.xlsx: 1 recording cannot be used; pack.toml was not written. Fix the audio "
        "column or the files and import again"]
    assert (folder / "pack.toml").read_text(encoding="utf-8") == GOOD
