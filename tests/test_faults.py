"""Fault tests: the kiosk loses nothing when killed, when the disk fills, when the microphone or
the speech engine goes away, and on hostile or random input.

Each kill is cheap: the process being killed is a fork of this one (the kiosk's modules already
imported), killed with SIGKILL after a random few milliseconds. The counts are printed (-s).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.commands.export import command as export_command
from kiosk.core.answers import Answer, ParticipantSession
from kiosk.core.pack import PackError, default_pack_path, load_pack
from kiosk.core.redact import describe_removed, redact
from kiosk.core.screens import SaveAnswer, Say, Show
from kiosk.core.session import Session
from kiosk.devtools.simulate import simulate
from kiosk.ids import new_id
from kiosk.outputs.export import export
from kiosk.outputs.rows import ExportError
from kiosk.store.db import Store, store_in
from kiosk.store.shared import open_shared_store
from kiosk.store.sync import SharedFile, SyncError, sync, sync_to_file
from tests.support.paths import ROOT

TOTALS: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def print_totals() -> object:
    """The totals of this file, printed at the end (run with -s to see them)."""
    yield
    print("\nfault-test totals: " + ", ".join(f"{k}: {v}" for k, v in TOTALS.items()))


def count(name: str, n: int = 1) -> None:
    TOTALS[name] = TOTALS.get(name, 0) + n


def ids_in(path: Path, table: str = "answers") -> list[str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [r[0] for r in conn.execute(f"SELECT id FROM {table}")]
    finally:
        conn.close()


def sha(*paths: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "" for p in paths]


@pytest.fixture(scope="module")
def kiosk_sizes() -> tuple[tuple[int, int], tuple[int, int]]:
    """Larger kiosks than the shared fixture's, with their own seeds (see tests/conftest.py)."""
    return (150, 11), (100, 12)


def _fork(child: object) -> tuple[int, int]:
    """Fork; the child runs `child(write_fd)` and never returns. Returns (pid, read_fd)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_fd)
        try:
            child(write_fd)  # type: ignore[operator]
            os._exit(0)
        except BaseException:
            os._exit(3)
    os.close(write_fd)
    return pid, read_fd


def _running(pid: int) -> bool:
    """Whether child `pid` still runs; if it has ended, check that it ended cleanly."""
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    return done == 0


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


# SIGKILL while confirming answers ------------------------------------------------------------

UNUSUAL = ["plain words", "naïve café", "장애인 접근성", "🚌 no bus 🚫", "Ａ\u200bＢ", "x" * 900,
           "line one\nline two", "ﬁnal ﬂoor", "Ω≈ç√∫", "عربى", "\u202eright to left"]


def test_sigkill_while_confirming_answers_loses_nothing(tmp_path: Path) -> None:
    data = tmp_path / "kiosk"
    Store(store_in(data)).close()
    path = store_in(data)
    rng = random.Random(7)

    def confirming(write_fd: int) -> None:
        store = Store(path)
        person = ParticipantSession.begin("co-production", 1, "en", date.today(), new_id=new_id)
        store.begin_participant(person)
        os.write(write_fd, b"ready\n")
        local = random.Random(os.getpid())
        for seq in range(1, 100_000):
            text = local.choice(UNUSUAL)
            answer = Answer(new_id(), person.id, "meaning", "open", seq, text, text, "voice",
                            "en")
            store.save_answer(answer)
            # Confirmed: save_answer returned, so the participant is told it is saved.
            os.write(write_fd, answer.id.encode() + b"\n")

    kills = confirmed_total = 0
    confirmed: set[str] = set()
    started = time.monotonic()
    while kills < 200:
        pid, fd = _fork(confirming)
        ready = select.select([fd], [], [], 20)[0]
        assert ready, "the saving process did not start"
        time.sleep(rng.uniform(0.005, 0.05))
        os.kill(pid, signal.SIGKILL)
        _pid, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        kills += 1
        lines = _read_all(fd).split(b"\n")
        assert lines[0] == b"ready"
        # The last line may be cut by the kill: only whole ids were confirmed.
        new = {line.decode() for line in lines[1:-1]}
        confirmed |= new
        confirmed_total += len(new)
        stored = set(ids_in(path))  # opening recovers the WAL; integrity checked every time
        assert confirmed <= stored, f"lost {len(confirmed - stored)} confirmed answers"
    lost = len(confirmed - set(ids_in(path)))
    store = Store(path)
    assert store.integrity_ok()
    store.close()
    count("kills while saving", kills)
    print(f"\nSIGKILL while confirming answers: {kills} kills survived, {confirmed_total} answers "
          f"confirmed, {lost} lost, integrity ok every time ({time.monotonic() - started:.1f} s)")
    assert lost == 0 and confirmed_total > kills


# SIGKILL during sync --------------------------------------------------------------------------

def test_sigkill_during_sync_keeps_every_contribution_exactly_once(
        kiosks: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = (Path(shutil.copytree(k, tmp_path / k.name)) for k in kiosks)
    targets = [tmp_path / f"shared-{i}.sqlite" for i in range(3)]
    redact("warm up the scrubber, Mary", "en")  # loaded once here, not in every fork
    pack, _ = load_pack(default_pack_path())
    rng = random.Random(5)

    def syncing(folder: Path, target: Path) -> object:
        def run(_fd: int) -> None:
            sync(Store(store_in(folder)), SharedFile(target), max_rows=25)
        return run

    kills = finished = 0
    started = time.monotonic()
    caught_up = False
    # Bounded by attempts, not by the clock, so a fast or a slow machine does the same work.
    for _attempt in range(800):
        if kills >= 100:
            break
        folder, target = rng.choice((a, b)), rng.choice(targets)
        if caught_up:
            # New contributions keep arriving while syncs are being killed, so that there is
            # always something for the next sync to be killed in the middle of.
            store = Store(store_in(folder))
            simulate(store, pack, 12, seed=1000 + kills + finished)
            store.close()
        pid, fd = _fork(syncing(folder, target))
        time.sleep(rng.uniform(0.003, 0.12))
        caught_up = not _running(pid)
        if caught_up:
            finished += 1
        else:
            _kill(pid)
            kills += 1
        _read_all(fd)
        if target.exists():
            shared = ids_in(target)  # a killed sync's journal is rolled back on opening
            assert len(shared) == len(set(shared))
    expected = set(ids_in(store_in(a))) | set(ids_in(store_in(b)))
    lost = duplicated = 0
    for target in targets:
        for folder in (a, b):
            store = Store(store_in(folder))
            sync_to_file(store, target)
            store.close()
        shared = ids_in(target)
        duplicated += len(shared) - len(set(shared))
        lost += len(expected - set(shared))
        assert set(shared) == expected
        participants = ids_in(target, "participants")
        assert len(participants) == len(set(participants))
    count("kills during sync", kills)
    print(f"\nSIGKILL during sync: {kills} kills survived ({finished} syncs finished), "
          f"{len(expected)} answers in each of {len(targets)} shared stores, {lost} lost, "
          f"{duplicated} duplicated ({time.monotonic() - started:.1f} s)")
    assert kills >= 100
    assert lost == 0 and duplicated == 0


def _first_line(fd: int, timeout: float = 30) -> str:
    """The first line a forked child writes to its pipe (it keeps running afterwards)."""
    data = b""
    deadline = time.monotonic() + timeout
    while b"\n" not in data:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 256) if ready else b""
        if not chunk:
            raise AssertionError(f"the child said nothing within {timeout} s: {data!r}")
        data += chunk
    return data.decode().split("\n")[0]


def test_sigkill_of_kiosk_or_hub_during_hub_sync_keeps_every_contribution_exactly_once(
        kiosks: tuple[Path, Path], tmp_path: Path) -> None:
    """The hub's guarantees are the file sync's: kill the syncing kiosk, or the hub itself
    (the hub's power cut), at random moments; the hub's store ends with everything once."""
    from kiosk.store.hub.client import HubDestination
    from kiosk.store.hub.server import Hub
    from kiosk.store.hub.token import read_token

    a, b = (Path(shutil.copytree(k, tmp_path / k.name)) for k in kiosks)
    data = tmp_path / "hub"
    pack, _ = load_pack(default_pack_path())
    redact("warm up the scrubber, Mary", "en")  # loaded once here, not in every fork
    rng = random.Random(7)

    hub_log = tmp_path / "hub.log"

    def start_hub(port: int) -> tuple[int, int, int]:
        def run(fd: int) -> None:
            with open(hub_log, "a") as log:  # what the hub says on its console
                os.dup2(log.fileno(), 2)
            hub = Hub(data, "127.0.0.1", port)
            os.write(fd, f"{hub.address[1]}\n".encode())
            hub.serve_forever()
        pid, fd = _fork(run)
        return pid, fd, int(_first_line(fd))

    hub_pid, hub_fd, port = start_hub(0)
    from kiosk.store.hub.tls import hub_certificate

    # Staff's credential (the hub's token) over HTTPS to the hub's own certificate.
    url, token = f"https://127.0.0.1:{port}", read_token(data)
    fingerprint = hub_certificate(data)[2]
    assert token

    def syncing(folder: Path) -> object:
        def run(_fd: int) -> None:
            sync(Store(store_in(folder)), HubDestination(url, f"Bearer {token}", fingerprint),
                 max_rows=25)
        return run

    kiosk_kills = hub_kills = finished = 0
    caught_up = False
    try:
        # Bounded by attempts, not by the clock.
        for _attempt in range(600):
            if kiosk_kills >= 40 and hub_kills >= 20:
                break
            folder = rng.choice((a, b))
            if caught_up:  # something new to sync, so that there is a sync to kill
                store = Store(store_in(folder))
                simulate(store, pack, 12, seed=2000 + kiosk_kills + hub_kills + finished)
                store.close()
            pid, fd = _fork(syncing(folder))
            time.sleep(rng.uniform(0.003, 0.15))
            caught_up = not _running(pid)
            if caught_up:
                finished += 1
            elif hub_kills < 20 and rng.random() < 0.4:
                _kill(hub_pid)  # the hub goes down mid-sync
                os.close(hub_fd)
                hub_kills += 1
                os.waitpid(pid, 0)  # the kiosk's sync fails: the connection is gone
                hub_pid, hub_fd, _ = start_hub(port)
            else:
                _kill(pid)
                kiosk_kills += 1
            _read_all(fd)
            shared = ids_in(data / "kiosk-shared.db")
            assert len(shared) == len(set(shared))
        for folder in (a, b):
            sync(Store(store_in(folder)), HubDestination(url, f"Bearer {token}", fingerprint))
    finally:
        _kill(hub_pid)
        os.close(hub_fd)
    expected = set(ids_in(store_in(a))) | set(ids_in(store_in(b)))
    shared = ids_in(data / "kiosk-shared.db")
    lost, duplicated = len(expected - set(shared)), len(shared) - len(set(shared))
    participants = ids_in(data / "kiosk-shared.db", "participants")
    count("kills during hub sync (kiosk)", kiosk_kills)
    count("kills during hub sync (hub)", hub_kills)
    print(f"\nSIGKILL during hub sync: {kiosk_kills} kiosks and {hub_kills} hubs killed "
          f"({finished} syncs finished), {len(expected)} answers, {lost} lost, "
          f"{duplicated} duplicated")
    assert kiosk_kills >= 40 and hub_kills >= 20
    assert set(shared) == expected and lost == 0 and duplicated == 0
    assert len(participants) == len(set(participants))
    # Kiosks vanishing mid-request are expected: one line each on the hub's console.
    said = hub_log.read_text() if hub_log.exists() else ""
    assert "Traceback" not in said
    assert all(line.startswith("hub: ") for line in said.splitlines()), said[:2000]


# A full disk ----------------------------------------------------------------------------------

def _tmpfs_works(folder: Path) -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = folder / "probe"
    probe.mkdir()
    result = subprocess.run(["unshare", "-m", "mount", "-t", "tmpfs", "-o", "size=64k",
                             "kiosk-probe", str(probe)], capture_output=True)
    probe.rmdir()
    return result.returncode == 0


def _tmpfs_possible() -> bool:
    with tempfile.TemporaryDirectory() as folder:
        return _tmpfs_works(Path(folder))


# A real full filesystem needs root in a mount namespace (true in CI); the file-size limit
# variant makes the disk full for any user, so the check runs everywhere.
@pytest.mark.parametrize("how", [
    pytest.param("tmpfs", marks=pytest.mark.skipif(
        not _tmpfs_possible(), reason="cannot mount a tiny tmpfs here (needs root in a mount "
        "namespace); the file-size limit variant covers the full disk")),
    "fsize"])
def test_full_disk_while_saving_syncing_and_exporting(kiosks: tuple[Path, Path], tmp_path: Path,
                                                      how: str) -> None:
    kiosk = Path(shutil.copytree(kiosks[0], tmp_path / "kiosk"))
    before = sha(store_in(kiosk))
    work, out = tmp_path / "small", tmp_path / "out"
    for name in ("save", "sync", "export"):
        (work / name).mkdir(parents=True)
    out.mkdir()
    scenario = [sys.executable, "-m", "tests.support.fault_scenarios", str(work), str(out),
                str(kiosk)]
    if how == "tmpfs":
        # A private mount namespace: the 160 KB filesystems vanish with the process; what was
        # written on them is copied out for checking first.
        script = ('set -e; for d in save sync export; do mount -t tmpfs -o size=160k '
                  'kiosk-full "$0/$d"; done; "$@" || true; mkdir "$0.copy"; '
                  'cp -a "$0/." "$0.copy/"')
        subprocess.run(["unshare", "-m", "sh", "-c", script, str(work), *scenario], check=True,
                       cwd=ROOT, timeout=240)
        work = Path(f"{work}.copy")
    else:
        subprocess.run([*scenario, "--fsize", "160000"], check=True, cwd=ROOT, timeout=240)
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))

    saved = result["save"]
    stored = set(ids_in(store_in(work / "save" / "kiosk")))
    print(f"\nfull disk ({how}): {len(saved['confirmed'])} answers confirmed before: "
          f"{saved['error']}; sync: {result['sync']['stderr'].strip()}; export: "
          f"{result['export']['stderr'].strip()}")
    assert saved["error"], "the disk never filled"
    assert any(w in saved["error"] for w in ("full", "disk I/O error", "too large"))
    assert saved["confirmed"] and set(saved["confirmed"]) <= stored
    Store(store_in(work / "save" / "kiosk")).close()  # the kiosk starts again on it

    for step in ("sync", "export"):
        run = result[step]
        lines = run["stderr"].strip().splitlines()
        assert run["code"] == 1, run
        assert len(lines) == 1 and lines[0].startswith("Error: "), run["stderr"]
        assert "Traceback" not in run["stderr"] + run["stdout"]
    assert any(w in result["sync"]["stderr"] for w in ("full", "too large", "I/O"))
    shared = work / "sync" / "shared.sqlite"
    if shared.exists() and shared.stat().st_size:
        ids = ids_in(shared)  # whatever batches were committed are whole and once each
        assert len(ids) == len(set(ids)) and set(ids) <= set(ids_in(store_in(kiosk)))
    assert not (kiosk / "kiosk.sqlite.sync-marks.json").exists()
    assert not (work / "export" / "answers.csv").exists(), "a half-written export was left"
    assert not list((work / "export").iterdir())
    assert sha(store_in(kiosk)) == before
    count("full-disk scenarios", 3)


# The microphone disappearing; the speech engine failing ----------------------------------------

@pytest.fixture
def private_pulse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    """A PulseAudio daemon of this test's own whose only microphone can be unplugged: no
    always-sink module, so when the null sink goes, no stand-in device replaces it."""
    for tool in ("pulseaudio", "pactl"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed; run script/setup --test")
    runtime = Path(tempfile.mkdtemp(prefix="pulse-", dir=tmp_path))
    runtime.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("PULSE_SERVER", f"unix:{runtime}/pulse/native")
    daemon = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "-n",
         "--load=module-native-protocol-unix auth-anonymous=1",
         "--load=module-null-sink sink_name=unpluggable rate=16000 channels=1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "PulseAudio did not start"
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-source", "unpluggable.monitor"], check=True)
        import sounddevice as sd

        sd._terminate()
        sd._initialize()
        yield daemon
    finally:
        daemon.terminate()
        daemon.wait(timeout=5)


def test_microphone_unplugged_mid_answer_is_said_and_touch_carries_on(private_pulse: object
                                                                      ) -> None:
    from kiosk.speech.out import Speaker
    from kiosk.speech.voice import VoiceIn

    pack, _ = load_pack(default_pack_path())
    session = Session(pack, scrub=redact, describe_removed=describe_removed, today=date.today,
                      new_id=new_id)
    session.start()
    session.press("lang:ko")
    results: list[tuple[str, bool, str]] = []
    lost: list[tuple[float, list]] = []
    with Speaker(device="pulse") as speaker:
        voice_in = VoiceIn(speaker, device="pulse")
        voice_in.on_lost = lambda language, why: lost.append(
            (time.monotonic(), session.set_voice(language, False)))
        voice_in.load(["ko"], lambda lang, ready, why: results.append((lang, ready, why)))
        deadline = time.monotonic() + 120
        while not results and time.monotonic() < deadline:
            time.sleep(0.1)
        assert results and results[0][1], results
        session.set_voice("ko", True)
        session.press("start")
        session.press("agree")
        assert session.state in ("question", "listening") and session.voice
        voice_in.listen("ko", None, lambda words: None, lambda words, sure: None)
        listener = voice_in.current
        assert listener is not None
        deadline = time.monotonic() + 20
        while not listener._had_block and time.monotonic() < deadline:
            time.sleep(0.05)  # the microphone is really delivering sound
        assert listener._had_block
        modules = subprocess.run(["pactl", "list", "short", "modules"], capture_output=True,
                                 text=True, check=True).stdout
        module = next(line.split()[0] for line in modules.splitlines()
                      if "module-null-sink" in line)
        unplugged = time.monotonic()
        subprocess.run(["pactl", "unload-module", module], check=True)
        deadline = time.monotonic() + 15
        while not lost and time.monotonic() < deadline:
            time.sleep(0.05)
        voice_in.cancel()
    assert lost, "nobody was told the microphone went away"
    told_at, actions = lost[0]
    said = [a.text for a in actions if isinstance(a, Say)]
    screen = [a.screen for a in actions if isinstance(a, Show)][-1]
    print(f"\nmicrophone unplugged mid-answer: told {1000 * (told_at - unplugged):.0f} ms later; "
          f"said {said!r}")
    assert said and said[0] != ""
    assert not session.voice
    assert screen.has("type") or any(c.id.startswith("choice:") for c in screen.controls)
    assert voice_in.current is None
    count("microphone losses handled")


def test_speech_engine_failing_is_reported_and_the_kiosk_carries_on(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from kiosk.speech.out import Speaker
    from kiosk.speech.tts import Renderer

    # pyttsx3's worker dies at once, and there is no espeak-ng to fall back on.
    monkeypatch.setenv("PATH", str(tmp_path))
    renderer = Renderer(timeout=2, worker_command=[sys.executable, "-c", "raise SystemExit(3)"])
    errors: list[str] = []
    finished: list[bool] = []
    with Speaker(renderer=renderer, on_error=lambda u, why: errors.append(why),
                 on_finish=lambda u, done: finished.append(done)) as speaker:
        started = time.monotonic()
        speaker.say("Question 1 of 5. What does co-production mean to you?", "en")
        returned = time.monotonic() - started
        assert speaker.wait(20)
        speaker.say("Second try", "en")
        assert speaker.wait(20)
    renderer.close()
    print(f"\nspeech engine failing: say() returned in {1000 * returned:.1f} ms; told: "
          f"{errors[0]!r}")
    assert returned < 0.5
    assert finished == [False, False] and len(errors) == 2
    assert "espeak-ng is not installed" in errors[0]
    # The participant's path goes on by touch: the session does not need speech to save.
    pack, _ = load_pack(default_pack_path())
    session = Session(pack, scrub=redact, describe_removed=describe_removed, today=date.today,
                      new_id=new_id)
    session.start()
    session.press("start")
    session.press("agree")
    session.press("type")
    session.set_draft("Sharing power")
    session.press("done")
    assert [a for a in session.press("keep") if isinstance(a, SaveAnswer)]
    count("speech engine failures handled")


# Hostile and random inputs --------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
PACK_SOURCE = default_pack_path().read_text(encoding="utf-8")


def _mutated_pack(data: st.DataObject) -> bytes:
    kind = data.draw(st.sampled_from(["bytes", "text", "mutate", "splice"]))
    if kind == "bytes":
        return data.draw(st.binary(max_size=2000))
    if kind == "text":
        return data.draw(st.text(max_size=500)).encode("utf-8", "surrogatepass")
    source = bytearray(PACK_SOURCE.encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(source) - 1))
        if kind == "mutate":
            source[at] = data.draw(st.integers(0, 255))
        else:
            piece = data.draw(st.sampled_from(
                [b"]]", b"[[questions]]", b'"', b"= 1e999", b"type = \"multi\"", b"\n", b"{",
                 b"choices = []", b"id = \"\"", b"version = -1", "🙂".encode(), b"\x00",
                 b"languages = [\"zz\"]"]))
            source[at:at] = piece
    return bytes(source)


@FUZZ
@given(data=st.data())
def test_random_question_packs_give_a_pack_or_a_pack_error(data: st.DataObject) -> None:
    raw = _mutated_pack(data)
    with tempfile.NamedTemporaryFile(suffix=".toml", delete=False) as handle:
        handle.write(raw)
    try:
        load_pack(handle.name)
    except PackError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
    finally:
        os.unlink(handle.name)
    count("packs tried")


@pytest.fixture(scope="module")
def shared_template(kiosks: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shared-template")
    kiosk = Path(shutil.copytree(kiosks[1], folder / "kiosk"))
    store = Store(store_in(kiosk))
    sync_to_file(store, folder / "shared.sqlite")
    store.close()
    return folder / "shared.sqlite"


@FUZZ
@given(data=st.data())
def test_random_and_corrupt_shared_stores_are_refused_untouched(
        data: st.DataObject, kiosks: tuple[Path, Path], shared_template: Path,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("fuzz-shared")
    kiosk = Path(shutil.copytree(kiosks[0], folder / "kiosk"))
    target = folder / "shared.sqlite"
    raw = bytearray(shared_template.read_bytes())
    kind = data.draw(st.sampled_from(["random", "header", "pages", "truncate"]))
    if kind == "random":
        raw = bytearray(b"SQLite format 3\x00" * data.draw(st.integers(0, 1))
                        + data.draw(st.binary(min_size=1, max_size=8192)))
    elif kind == "header":
        # The first page holds the header and the schema: damage there must always be caught.
        for _ in range(data.draw(st.integers(1, 12))):
            raw[data.draw(st.integers(16, 4095))] = data.draw(st.integers(0, 255))
    elif kind == "pages":
        for _ in range(data.draw(st.integers(1, 40))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    else:
        raw = raw[:data.draw(st.integers(1, len(raw) - 1))]
    target.write_bytes(bytes(raw))
    before = sha(target, store_in(kiosk))
    marks = kiosk / "kiosk.sqlite.sync-marks.json"
    store = Store(store_in(kiosk))
    try:
        report = sync_to_file(store, target)
    except SyncError as exc:
        store.close()
        assert "\n" not in str(exc)
        assert sha(target, store_in(kiosk)) == before, "a refused sync changed a file"
        assert not marks.exists()
        count("shared stores refused")
    else:
        store.close()
        # Damage SQLite cannot see (unused bytes) is not a reason to refuse: then the store
        # must be whole and hold every answer exactly once.
        ids = ids_in(target)
        assert len(ids) == len(set(ids)) and set(ids_in(store_in(kiosk))) <= set(ids)
        assert report.answers_added >= 0
        count("shared stores accepted whole")
    count("shared stores tried")
    shutil.rmtree(folder)


@pytest.mark.parametrize("where", ["missing folders", "a directory", "under a file",
                                   "unwritable", "name too long"])
def test_bad_export_paths_are_one_line_errors(kiosks: tuple[Path, Path], tmp_path: Path,
                                              where: str) -> None:
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    out = {"missing folders": tmp_path / "no" / "such" / "folder" / "answers.csv",
           "a directory": tmp_path / "adir",
           "under a file": tmp_path / "afile" / "answers.csv",
           "unwritable": Path("/proc/kiosk-answers.csv"),
           "name too long": tmp_path / ("a" * 300 + ".csv")}[where]
    for fmt in ("csv", "json", "xlsx"):
        result = CliRunner().invoke(export_command, ["--from", str(kiosks[0]), "--format", fmt,
                                                     "--out", str(out)])
        if where == "missing folders":
            assert result.exit_code == 0, result.output  # folders are made, as staff expect
            assert out.exists()
            out.unlink()
            continue
        lines = result.output.strip().splitlines()
        assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("Error: "), \
            result.output
        assert "Traceback" not in result.output
        with pytest.raises(ExportError):
            export(kiosks[0], fmt, out)
        count("export paths tried")
    assert (tmp_path / "afile").read_text() == "x"


unusual_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1,
    max_size=4000).filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(said=unusual_text, long_repeat=st.integers(1, 3))
def test_long_and_unusual_unicode_answers_are_kept_exactly(
        said: str, long_repeat: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    said = (said * long_repeat)[:4000]
    folder = tmp_path_factory.mktemp("unicode")
    pack, _ = load_pack(default_pack_path())
    session = Session(pack, scrub=redact, describe_removed=describe_removed, today=date.today,
                      new_id=new_id)
    store = Store(store_in(folder / "kiosk"))
    session.start()
    session.press("start")
    begun = session.press("agree")
    for action in begun:
        if hasattr(action, "session"):
            store.begin_participant(action.session)
    session.press("type")
    session.set_draft(said)
    shown = [a.screen for a in session.press("done") if isinstance(a, Show)]
    if not shown or shown[-1].name != "confirm":
        return  # an answer the session refuses (say, only spaces) is never saved
    read_back = shown[-1].draft
    saves = [a for a in session.press("keep") if isinstance(a, SaveAnswer)]
    assert len(saves) == 1
    answer = saves[0].answer
    assert answer.text == read_back  # kept exactly as confirmed
    store.record_pack(pack.id, pack.version, "pack", PACK_SOURCE)
    store.save_answer(answer)
    assert store.current_answers(answer.participant_id)[0].text == read_back
    shared = folder / "shared.sqlite"
    sync_to_file(store, shared)
    store.close()
    conn, _ = open_shared_store(shared)
    (kept,) = conn.execute("SELECT text FROM answers").fetchone()
    conn.close()
    assert kept == redact(read_back, "en").text  # scrubbing again on arrival changes no more
    export(shared, "csv", folder / "answers.csv")
    export(shared, "json", folder / "answers.jsonl")
    # Lines end with "\n" only: str.splitlines() would also split at U+0085 or U+2028.
    line = (folder / "answers.jsonl").read_text(encoding="utf-8").split("\n")[0]
    assert json.loads(line)["answer"] == kept
    count("unicode answers tried")
    shutil.rmtree(folder)
