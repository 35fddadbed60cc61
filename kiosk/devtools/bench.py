"""Benchmarks: is the kiosk fast on a small device? Each figure is a median over repeated runs with
its spread (min-max), and where there is a fair yardstick it is measured in the same run and the
ratio reported. Real parts only: the real window on a (virtual) display, the real speech engine
and sound device (a PulseAudio null sink: what is played into it is what its monitor records),
the real Korean recognition model, real SQLite files, and the sqlite3 command-line tool.

Library use (``kiosk bench`` is the command)::

    results = run_benchmarks(quick=True)
    print(format_table(results))
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import platform
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

SINK = "kiosk_bench"
QUESTION = "Question 2 of 7. What stops people from taking part, and what would help?"
LONG_TEXT = ("Welcome. This is a long sentence for the benchmark, and it goes on for a good "
             "while, so that there is plenty of speech left when it is interrupted.")


@dataclass
class Figure:
    """One measured figure: median and spread over runs, with its same-run reference."""

    name: str
    unit: str
    runs: list[float]
    target: str = ""
    met: bool | None = None
    reference: str = ""
    reference_runs: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    @property
    def reference_median(self) -> float | None:
        return statistics.median(self.reference_runs) if self.reference_runs else None

    @property
    def ratio(self) -> float | None:
        ref = self.reference_median
        return self.median / ref if ref else None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(median=self.median, min=min(self.runs, default=float("nan")),
                    max=max(self.runs, default=float("nan")),
                    reference_median=self.reference_median, ratio=self.ratio)
        return data


@dataclass
class Results:
    """Every figure of one run, and what it ran on."""

    figures: list[Figure]
    machine: dict[str, Any]
    quick: bool

    def as_json(self) -> dict[str, Any]:
        return {"machine": self.machine, "quick": self.quick,
                "figures": [f.as_json() for f in self.figures]}


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        if value >= 1:
            return f"{value:.2f} s"
        return f"{value * 1000:.0f} ms" if value >= 0.1 else f"{value * 1000:.1f} ms"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit in ("rows/s", "x"):
        return f"{value:,.0f}" + (" rows/s" if unit == "rows/s" else "x") if value >= 100 \
            else f"{value:.1f}" + (" rows/s" if unit == "rows/s" else "x")
    return f"{value:.3g} {unit}"


def format_table(results: Results) -> str:
    """The figures as a plain-text table (median [min-max]; reference; ratio; target)."""
    header = ("figure", "median [min-max]", "reference (same run)", "ratio", "target")
    lines = []
    for f in results.figures:
        spread = f"{_fmt(f.median, f.unit)} [{_fmt(min(f.runs), f.unit)}-" \
                 f"{_fmt(max(f.runs), f.unit)}]" if f.runs else "-"
        ref = f"{f.reference}: {_fmt(f.reference_median, f.unit)}" if f.reference else ""
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else ""
        verdict = "" if f.met is None else ("met" if f.met else "MISSED")
        target = f"{f.target} {verdict}".strip()
        lines.append((f.name, spread, ref, ratio, target))
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    out = [" | ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
            for row in lines]
    notes = [f"- {f.name}: {f.note}" for f in results.figures if f.note]
    return "\n".join(out + ([""] + notes if notes else []))


# Helpers --------------------------------------------------------------------------------------

def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


@contextlib.contextmanager
def virtual_audio(folder: Path) -> Iterator[None]:
    """A private PulseAudio daemon whose null sink is the speaker and whose monitor is the
    microphone, for this process and its children; stopped (by its pid) afterwards."""
    runtime = folder / "pulse"
    runtime.mkdir(mode=0o700)
    saved = {k: os.environ.get(k) for k in ("XDG_RUNTIME_DIR", "PULSE_SERVER")}
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    os.environ["PULSE_SERVER"] = f"unix:{runtime}/pulse/native"
    daemon = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "-n",
         "--load=module-native-protocol-unix auth-anonymous=1",
         f"--load=module-null-sink sink_name={SINK} rate=16000 channels=1",
         "--load=module-always-sink"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("PulseAudio did not start")
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-sink", SINK], check=True)
        subprocess.run(["pactl", "set-default-source", f"{SINK}.monitor"], check=True)
        import sounddevice as sd

        sd._terminate()  # list devices again now that the sound server is there
        sd._initialize()
        yield
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=5)
        except subprocess.TimeoutExpired:
            daemon.kill()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Recorder:
    """What reaches the sound device, in 10 ms pieces: parec on the null sink's monitor (its own
    process, so the measurement does not share PortAudio with the speaker)."""

    def __init__(self) -> None:
        from kiosk.speech.audio import rms_dbfs

        self._level = rms_dbfs
        self.blocks: list[tuple[float, float]] = []
        self._process = subprocess.Popen(
            ["parec", f"--device={SINK}.monitor", "--format=s16le", "--rate=16000",
             "--channels=1", "--latency-msec=10", "--raw"], stdout=subprocess.PIPE)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        time.sleep(0.3)

    def _read(self) -> None:
        assert self._process.stdout is not None
        while block := self._process.stdout.read(320):
            self.blocks.append((time.monotonic(), self._level(block)))

    def first_loud_after(self, t: float, timeout: float = 10) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, level in list(self.blocks):
                if at >= t and level > -50:
                    return at
            time.sleep(0.005)
        return None

    def last_loud(self) -> float | None:
        loud = [at for at, level in self.blocks if level > -50]
        return max(loud) if loud else None

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=5)
        self._thread.join(timeout=5)


# Answer saving --------------------------------------------------------------------------------

def bench_save(folder: Path, saves: int) -> list[Figure]:
    """Store.save_answer (a confirmed answer durable) against a bare INSERT+COMMIT with the same
    PRAGMAs, and the sqlite3 command-line tool doing one insert-and-commit."""
    from kiosk.core.answers import Answer, ParticipantSession
    from kiosk.ids import new_id
    from kiosk.store.db import Store, store_in

    store = Store(store_in(folder / "save"))
    person = ParticipantSession.begin("co-production", 1, "en", date.today(), new_id=new_id)
    store.begin_participant(person)
    text = "we need transport to the meetings and papers in large print"
    times = []
    for seq in range(1, saves + 1):
        answer = Answer(new_id(), person.id, "barriers", "open", seq, text, text, "voice", "en")
        times.append(_timed(partial(store.save_answer, answer)))
    store.close()
    ref_path = folder / "bare.sqlite"
    conn = sqlite3.connect(ref_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE answers (id TEXT PRIMARY KEY, participant_id TEXT, "
                 "question_id TEXT, question_type TEXT, seq INTEGER, value TEXT, text TEXT, "
                 "method TEXT, language TEXT)")
    bare = []
    for seq in range(1, saves + 1):
        row = (new_id(), person.id, "barriers", "open", seq, json.dumps(text), text, "voice",
               "en")

        def insert(r: tuple[Any, ...] = row) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", r)
            conn.execute("COMMIT")
        bare.append(_timed(insert))
    conn.close()
    cli = []
    for seq in range(5):
        sql = (f"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; BEGIN; INSERT INTO answers "
               f"VALUES ('{new_id()}', 'p', 'q', 'open', {seq}, '\"x\"', 'x', 'voice', 'en');"
               " COMMIT;")
        cli.append(_timed(partial(subprocess.run, ["sqlite3", str(ref_path), sql],
                                  check=True, capture_output=True)))
    p99 = _percentile(times, 99)
    return [
        Figure("answer durable, p50", "s", [_percentile(times, 50)],
               reference="bare INSERT+COMMIT p50", reference_runs=[_percentile(bare, 50)]),
        Figure("answer durable, p99", "s", [p99], target="< 20 ms", met=p99 < 0.020,
               reference="bare INSERT+COMMIT p99", reference_runs=[_percentile(bare, 99)],
               note=f"{saves} saves on a real file, WAL, synchronous=FULL; the sqlite3 tool "
                    f"doing one insert-and-commit takes {statistics.median(cli) * 1000:.0f} ms "
                    "median, almost all of it starting the process"),
    ]


# Sync and export ------------------------------------------------------------------------------

# Command start-up --------------------------------------------------------------------------

def bench_pin(repeats: int) -> list[Figure]:
    """What one offline guess at the staff PIN costs: the scrypt hash staff.json keeps, with the
    older kiosks' PBKDF2 hash as the reference, and what trying every 6-digit PIN would take."""
    from kiosk.staff import settings

    salt = secrets.token_hex(16)
    runs = [_timed(partial(settings.hash_pin, "123456", salt, settings.SCRYPT_KDF))
            for _ in range(repeats)]
    legacy = [_timed(partial(settings.hash_pin, "123456", salt, "")) for _ in range(repeats)]
    per_guess = statistics.median(runs)
    pins = 10 ** settings.MIN_PIN_DIGITS
    return [Figure(
        "staff PIN: one guess (scrypt)", "s", runs, target="0.1-0.3 s",
        met=0.1 <= per_guess <= 0.3, reference="older kiosks' PBKDF2", reference_runs=legacy,
        note=f"{1 / per_guess:.1f} guesses per second on one core; every "
             f"{settings.MIN_PIN_DIGITS}-digit PIN: {pins * per_guess / 86_400:.1f} days of "
             "one core")]


def _kiosk_command() -> list[str]:
    """The `kiosk` command as staff run it: the console script beside this interpreter."""
    script = Path(sys.executable).parent / "kiosk"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kiosk"]


def _process_seconds(command: list[str], env: dict[str, str] | None = None) -> float:
    # No timeout: with one, subprocess polls for the exit in steps of up to 50 ms.
    started = time.perf_counter()
    subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - started


def bench_cli_start(repeats: int) -> list[Figure]:
    """Whole processes, from spawn to exit: `kiosk --version`, `--help` and `packs validate`
    against a bare `python -c pass` of the same interpreter, interleaved run by run so both
    see the same machine."""
    from kiosk.core.pack import default_pack_path

    kiosk = _kiosk_command()
    commands = {
        "kiosk --version": [*kiosk, "--version"],
        "kiosk --help": [*kiosk, "--help"],
        "kiosk packs validate FILE": [*kiosk, "packs", "validate", str(default_pack_path())],
    }
    bare = [sys.executable, "-c", "pass"]
    # As staff run them: Python keeps the compiled modules (a test or build environment may
    # have turned that off).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for command in [bare, *commands.values()]:
        _process_seconds(command, env)  # warm the file cache and compile once
    bare_runs: list[float] = []
    runs: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        bare_runs.append(_process_seconds(bare, env))
        for name, command in commands.items():
            runs[name].append(_process_seconds(command, env))
    figures = []
    for name, values in runs.items():
        figure = Figure(f"start-up: {name}, whole process", "s", values, target="within 3x",
                        reference="python -c pass", reference_runs=bare_runs,
                        note="spawn to exit, the commands and the bare interpreter taking "
                             "turns" if name == "kiosk --version" else "")
        figure.met = figure.ratio is not None and figure.ratio <= 3
        figures.append(figure)
    return figures


def make_kiosk(folder: Path, answers: int) -> tuple[Path, int]:
    """A kiosk data folder holding about `answers` answers from `kiosk simulate`."""
    from kiosk.core.pack import default_pack_path, load_pack
    from kiosk.devtools.simulate import read_pack_source, simulate
    from kiosk.store.db import Store, store_in

    pack, _ = load_pack(default_pack_path())
    store = Store(store_in(folder))
    per_person = 6.6  # measured: answers per simulated participant on the built-in pack
    simulate(store, pack, max(1, round(answers / per_person)), 1,
             read_pack_source(default_pack_path()))
    n = store.conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    store.close()
    return folder, int(n)


_CLI_IMPORT = """
PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;
ATTACH '{kiosk}' AS k;
BEGIN;
INSERT INTO kiosks (id, first_sync_on, last_sync_on) SELECT id, created_on, created_on FROM k.kiosk;
INSERT INTO packs SELECT id, version, title, source, sha256 FROM k.packs;
INSERT INTO events SELECT id, name, venue, date, kiosk_id FROM k.events;
INSERT INTO participants SELECT id, kiosk_id, event_id, pack_id, pack_version, language, date,
  withdrawn, 'cli', code_hash FROM k.participants ORDER BY rowid;
INSERT INTO answers SELECT id, participant_id, question_id, question_type, seq, value, text,
  method, language, 'cli' FROM k.answers ORDER BY rowid;
COMMIT;
"""


def bench_sync_export(folder: Path, answers: int, repeats: int) -> list[Figure]:
    from kiosk.outputs.export import export
    from kiosk.outputs.rows import LATEST_ANSWER
    from kiosk.store.db import Store, store_in
    from kiosk.store.shared import open_shared_store
    from kiosk.store.sync import sync_to_file

    kiosk, n = make_kiosk(folder / "kiosk", answers)
    sync_runs, noop_runs, cli_runs = [], [], []
    shared = folder / "shared-0.sqlite"
    for i in range(repeats):
        target = folder / f"shared-{i}.sqlite"
        store = Store(store_in(kiosk))
        sync_runs.append(_timed(partial(sync_to_file, store, target)))
        noop_runs.append(_timed(partial(sync_to_file, store, target)))
        store.close()
        # The same rows into a new, empty shared store by the sqlite3 tool, in one transaction.
        reference = folder / f"cli-{i}.sqlite"
        conn, _ = open_shared_store(reference)
        conn.close()
        script = _CLI_IMPORT.format(kiosk=str(store_in(kiosk)).replace("'", "''"))
        cli_runs.append(_timed(partial(subprocess.run, ["sqlite3", str(reference)],
                                       input=script, text=True, check=True,
                                       capture_output=True)))
        if i:
            target.unlink()
            reference.unlink()
    # The same store as an older kiosk leaves it (no scrubber stamps, schema migrated):
    # every open answer goes through the scrubber again on arrival.
    older = folder / "older"
    shutil.copytree(kiosk, older)
    conn = sqlite3.connect(store_in(older))
    with conn:
        conn.execute("UPDATE answers SET scrubbed_with = NULL")
    conn.close()
    older_runs = []
    for i in range(max(1, repeats - 1)):
        store = Store(store_in(older))
        older_runs.append(_timed(partial(sync_to_file, store, folder / f"older-{i}.sqlite")))
        store.close()
        (folder / f"older-{i}.sqlite").unlink()
    rate = [n / t for t in sync_runs]
    cli_rate = [n / t for t in cli_runs]
    sync_ratio = statistics.median(cli_rate) / statistics.median(rate)
    older_ratio = statistics.median(older_runs) / statistics.median(cli_runs)
    figures = [
        Figure("sync: answers merged per second", "rows/s", rate,
               target="at least half the sqlite3 tool's speed", met=sync_ratio <= 2,
               reference="sqlite3 tool, one transaction", reference_runs=cli_rate,
               note=f"{n} answers from `kiosk simulate` into a new shared store, every row "
                    "checked; open answers carry this scrubber's stamp, so none is scrubbed "
                    f"again; the sqlite3 tool is {sync_ratio:.1f}x as fast"),
        Figure("sync: first sync time", "s", sync_runs, reference="sqlite3 tool",
               reference_runs=cli_runs),
        Figure("sync: first sync, store of an older kiosk", "s", older_runs,
               target="within 5x", met=older_ratio <= 5, reference="sqlite3 tool",
               reference_runs=cli_runs,
               note="the same answers without scrubber stamps: each open answer is scrubbed "
                    f"again on arrival; {older_ratio:.1f}x the sqlite3 tool"),
        Figure("sync: second, no-op sync", "s", noop_runs, target="< 1 s",
               met=statistics.median(noop_runs) < 1),
    ]
    export_runs, cli_export = [], []
    out = folder / "answers.csv"
    # The rows of the current_answers view in the order exports give them (by participant id,
    # then as asked), as sqlite3 does it best: from the answers table and its index.
    query = ("SELECT a.participant_id, p.pack_id || ' v' || p.pack_version, a.question_id, "
             "a.question_id, a.text, a.method, a.language, COALESCE(e.name, ''), p.date "
             "FROM answers a JOIN participants p ON p.id = a.participant_id "
             "LEFT JOIN events e ON e.id = p.event_id "
             f"WHERE p.withdrawn = 0 AND {LATEST_ANSWER} ORDER BY a.participant_id, a.seq")
    for _ in range(repeats):
        export_runs.append(_timed(lambda: export(shared, "csv", out)))
        with open(folder / "cli.csv", "wb") as handle:
            cli_export.append(_timed(partial(
                subprocess.run, ["sqlite3", "-csv", "-header", str(shared), query],
                stdout=handle, check=True)))
    exported, referenced = (_csv_rows(out), _csv_rows(folder / "cli.csv"))
    ratio = statistics.median(export_runs) / statistics.median(cli_export)
    figures += _whole_processes(folder, kiosk, older, shared, repeats, cli_runs, cli_export)
    figures.append(Figure(
        "export: CSV", "s", export_runs, target="within 2x sqlite3 -csv", met=ratio <= 2,
        reference="sqlite3 -csv, same rows and joins", reference_runs=cli_export,
        note=f"{exported} kept answers (latest per question) to CSV with question text and "
             f"choice words; the sqlite3 reference writes {referenced} rows, the same ones, "
             "without looking up question text or choice words"))
    return figures


def _whole_processes(folder: Path, kiosk: Path, older: Path, shared: Path, repeats: int,
                     cli_sync: list[float], cli_export: list[float]) -> list[Figure]:
    """`kiosk sync` and `kiosk export` as staff run them, whole processes (start-up included),
    against the sqlite3 tool doing the same work in the same run; and `kiosk sync` of the
    older kiosk's store (every open answer scrubbed again)."""
    kiosk_cmd = [sys.executable, "-m", "kiosk"]
    # As staff run them: Python keeps the compiled modules (a test or build environment may
    # have turned that off, and each run would compile the kiosk's modules again).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    sync_runs: list[float] = []
    older_runs: list[float] = []
    export_runs: list[float] = []
    for i in range(repeats):
        for data, runs in ((kiosk, sync_runs), (older, older_runs)):
            target = folder / f"whole-{i}.sqlite"
            runs.append(_timed(partial(
                subprocess.run, [*kiosk_cmd, "sync", "--data", str(data), "--to", str(target),
                                 "--quiet"], check=True, capture_output=True, env=env)))
            target.unlink()
        export_runs.append(_timed(partial(
            subprocess.run, [*kiosk_cmd, "export", "--from", str(shared), "--format", "csv",
                             "--out", str(folder / "whole.csv"), "--quiet"], check=True,
            capture_output=True, env=env)))
    sync_ratio = statistics.median(sync_runs) / statistics.median(cli_sync)
    older_ratio = statistics.median(older_runs) / statistics.median(cli_sync)
    export_ratio = statistics.median(export_runs) / statistics.median(cli_export)
    return [
        Figure("sync: `kiosk sync`, whole process", "s", sync_runs, target="within 1.5x",
               met=sync_ratio <= 1.5, reference="sqlite3 tool, same rows, one transaction",
               reference_runs=cli_sync, note=f"{sync_ratio:.1f}x the sqlite3 tool"),
        Figure("sync: `kiosk sync` of an older kiosk's store, whole process", "s", older_runs,
               target="within 5x", met=older_ratio <= 5,
               reference="sqlite3 tool, same rows, one transaction", reference_runs=cli_sync,
               note=f"{older_ratio:.1f}x the sqlite3 tool; no answer carries this scrubber's "
                    "stamp, so each open answer is scrubbed again (on every core)"),
        Figure("export: `kiosk export --format csv`, whole process", "s", export_runs,
               target="within 1.5x", met=export_ratio <= 1.5,
               reference="sqlite3 -csv, same rows and joins", reference_runs=cli_export,
               note=f"{export_ratio:.1f}x the sqlite3 tool"),
    ]


def bench_results(shared: Path, repeats: int) -> list[Figure]:
    """GET /results of a real results server on 127.0.0.1, computed afresh and from its cache."""
    import urllib.request

    from kiosk.outputs.results import ResultsServer, ResultsSite

    site = ResultsSite(shared, "bench-token-not-secret")
    server = ResultsServer(site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.address
    url = f"http://{host}:{port}/results"

    def get() -> None:
        with urllib.request.urlopen(url, timeout=600) as reply:
            reply.read()

    try:
        get()  # the first request also reads the pack and warms SQLite's cache
        uncached = []
        for _ in range(repeats):
            site.forget()
            uncached.append(_timed(get))
        cached = [_timed(get) for _ in range(max(20, repeats * 5))]
        during = []
        for i in range(repeats):
            # As a sync leaves it: the store's file changed, its new figures not yet computed.
            stamp = time.time_ns() + i
            os.utime(shared, ns=(stamp, stamp))
            during.append(_timed(get))
            site.settle()
    finally:
        server.close()
    conn = sqlite3.connect(shared)
    n = conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    conn.close()
    return [
        Figure("results page: GET /results, cached between syncs", "s", cached,
               target="< 300 ms", met=statistics.median(cached) < 0.3,
               note=f"a shared store of {n} answers; the summary kept until the store's file "
                    "changes, the page rendered for each request"),
        Figure("results page: GET /results, first request", "s", uncached,
               note="the summary computed while the request waits (two streaming passes over "
                    "the answers): only the first request after the server starts"),
        Figure("results page: GET /results, just after a sync", "s", during,
               target="< 300 ms", met=statistics.median(during) < 0.3,
               note="the figures already computed are served while the new ones are computed "
                    "in the background"),
    ]


def _csv_rows(path: Path) -> int:
    """Rows in a CSV file, not counting its header."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


# Cold start and memory ------------------------------------------------------------------------

def _launch(folder: Path, voice: bool, until: Callable[[dict[str, Any]], bool],
            timeout: float) -> tuple[float, int]:
    """Start `kiosk run`, return (seconds to the first trace event matching `until`, VmHWM kB)."""
    data = folder / f"data-{time.monotonic_ns()}"
    trace = data / "trace.jsonl"
    data.mkdir()
    trace.touch()
    command = [sys.executable, "-m", "kiosk", "run", "--data", str(data), "--trace", str(trace)]
    if not voice:
        command.append("--no-voice")
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    seen = None
    try:
        with open(trace, encoding="utf-8") as handle:
            deadline = time.monotonic() + timeout
            while seen is None and time.monotonic() < deadline and process.poll() is None:
                line = handle.readline()
                if not line.endswith("\n"):
                    if line:
                        handle.seek(handle.tell() - len(line.encode("utf-8")))
                    time.sleep(0.005)
                    continue
                if until(json.loads(line)):
                    seen = time.perf_counter() - started
        if seen is None:
            raise RuntimeError(f"`kiosk run` did not reach the awaited event in {timeout} s")
        time.sleep(0.5)
        peak = 0
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1])
        return seen, peak
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        shutil.rmtree(data, ignore_errors=True)


def bench_start(folder: Path, repeats: int) -> list[Figure]:
    welcome, memory = [], []
    for _ in range(repeats):
        seconds, peak = _launch(folder, False, lambda e: e.get("event") == "screen", 60)
        welcome.append(seconds)
        memory.append(peak / 1024)
    ready, memory_voice = [], []
    for _ in range(repeats):
        seconds, peak = _launch(folder, True, lambda e: e.get("event") == "voice"
                                and e.get("ready") is True, 180)
        ready.append(seconds)
        memory_voice.append(peak / 1024)
    return [
        Figure("cold start: usable Welcome", "s", welcome, target="< 2 s",
               met=statistics.median(welcome) < 2,
               note="`kiosk run --no-voice` to its first screen event, on a virtual display"),
        Figure("cold start: recognition model ready", "s", ready,
               note="`kiosk run` with voice (Korean model) to the voice-ready event; Welcome is "
                    "usable by touch meanwhile"),
        Figure("peak memory, no model", "MB", memory, note="VmHWM of `kiosk run --no-voice`"),
        Figure("peak memory, model loaded", "MB", memory_voice,
               note="VmHWM of `kiosk run` once the Korean model is ready"),
    ]


# Speech out -----------------------------------------------------------------------------------

def bench_speech_out(repeats: int) -> list[Figure]:
    from kiosk.speech.out import Speaker

    cached: list[float] = []
    uncached: list[float] = []
    stop_end: list[float] = []
    stop_heard: list[float] = []
    with Speaker(volume=1.0) as speaker:  # the default device: PulseAudio's default sink
        speaker.prerender([(QUESTION, "en"), (LONG_TEXT, "en")])
        speaker.say("Ready.", "en")  # open the device once, as a running kiosk has
        speaker.wait(10)
        recorder = Recorder()
        try:
            for i in range(repeats):
                for text, into in ((QUESTION, cached), (f"{QUESTION} ({i + 1})", uncached)):
                    time.sleep(0.3)
                    said = time.monotonic()
                    speaker.say(text, "en")
                    heard = recorder.first_loud_after(said)
                    if heard is None:
                        raise RuntimeError("speech never reached the sound device")
                    into.append(heard - said)
                    speaker.stop()
                    speaker.wait(5)
                time.sleep(0.3)
                said = time.monotonic()
                speaker.say(LONG_TEXT, "en")
                if recorder.first_loud_after(said) is None:
                    raise RuntimeError("speech never reached the sound device")
                time.sleep(0.4)
                touched = time.monotonic()
                speaker.stop()
                while speaker.is_speaking:
                    time.sleep(0.0005)
                stop_end.append(time.monotonic() - touched)
                time.sleep(0.6)
                last = recorder.last_loud()
                stop_heard.append(max(0.0, (last or touched) - touched) + 0.01)
        finally:
            recorder.close()
    first = statistics.median(cached)
    return [
        Figure("speech out: question shown to first sound (cached audio)", "s", cached,
               target="< 150 ms", met=first < 0.150,
               reference="same question not yet rendered", reference_runs=uncached,
               note="say() to the first non-silent 10 ms block on the null sink's monitor "
                    "(parec); includes opening the device and its buffering"),
        Figure("speech out: touch to playback ended", "s", stop_end, target="< 100 ms",
               met=statistics.median(stop_end) < 0.100),
        Figure("speech out: touch to last sound on the device", "s", stop_heard,
               note="last non-silent block recorded after stop() (10 ms resolution, so at "
                    "least 10 ms), device latency included"),
    ]


# Speech in -------------------------------------------------------------------------------------

def _speech_wav(folder: Path) -> Path:
    from kiosk.speech.tts import voice_for

    raw, wav = folder / "said.raw.wav", folder / "said.wav"
    subprocess.run(["espeak-ng", "-v", voice_for("ko"), "-s", "175", "-w", str(raw),
                    "라디오 게임 버스"], check=True, capture_output=True)
    subprocess.run(["sox", str(raw), str(wav), "rate", "16000", "pad", "0.3", "0.6"],
                   check=True, capture_output=True)
    return wav


def bench_speech_in(folder: Path, repeats: int) -> list[Figure]:
    from kiosk.speech.audio import read_wav
    from kiosk.speech.listen import Listener, make_recognizer, transcribe_pcm
    from kiosk.speech.loader import load_model
    from kiosk.speech.models import find_model

    installed = find_model("ko")
    if installed is None:
        raise RuntimeError("the Korean model is missing; run script/setup --test")
    model = load_model(installed.path)
    wav = _speech_wav(folder)
    latencies: list[float] = []
    reasons: list[str] = []
    silence = 0.0
    recorder = Recorder()  # what the microphone hears: when the speech really ended
    try:
        for _ in range(repeats):
            done = threading.Event()
            finals: list[float] = []

            def final(_t: object, finals: list[float] = finals,
                      done: threading.Event = done) -> None:
                finals.append(time.monotonic())
                done.set()

            listener = Listener(model, "ko", max_seconds=20, on_final=final)
            silence = listener.trailing_silence
            listener.start()
            deadline = time.monotonic() + 15
            while not listener._had_block and time.monotonic() < deadline:
                time.sleep(0.02)  # the microphone is delivering sound
            recorder.blocks.clear()
            subprocess.run(["paplay", f"--device={SINK}", str(wav)], check=True)
            if not done.wait(20) or listener.result is None:
                raise RuntimeError("no transcript")
            speech_ended = recorder.last_loud()
            if speech_ended is None:
                raise RuntimeError("the speech never reached the microphone")
            latencies.append(finals[0] - speech_ended)
            reasons.append(listener.result.reason)
            time.sleep(0.3)
    finally:
        recorder.close()
    beyond = [max(0.0005, t - silence) for t in latencies]
    audio = read_wav(wav)
    cpu_runs = []
    previous = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    try:
        if previous is not None:
            os.sched_setaffinity(0, {min(previous)})
        for _ in range(max(2, repeats)):
            recognizer = make_recognizer(model)
            started = time.thread_time()
            transcribe_pcm(recognizer, audio.pcm, "ko")
            cpu_runs.append(audio.duration / (time.thread_time() - started))
    finally:
        if previous is not None:
            os.sched_setaffinity(0, previous)
    return [
        Figure("speech in: end of speech to final transcript", "s", latencies,
               note=f"Korean speech played in real time into the virtual microphone; from the "
                    f"last sound the microphone heard to on_final, nothing subtracted; the "
                    f"listener ends an utterance after {silence:g} s of trailing silence or at "
                    f"Vosk's own endpoint (ended by: {', '.join(sorted(set(reasons)))})"),
        Figure("speech in: final transcript beyond the endpoint's silence", "s", beyond,
               target="< 300 ms", met=statistics.median(beyond) < 0.300,
               note=f"the figure above less the listener's trailing-silence setting "
                    f"({silence:g} s)"),
        Figure("speech in: recogniser real-time factor, one core", "x", cpu_runs,
               note="audio seconds per CPU second decoding a WAV as fast as possible, pinned to "
                    "one CPU (higher is better)"),
    ]


# All together -------------------------------------------------------------------------------

def run_benchmarks(quick: bool = False, answers: int | None = None,
                   log: Callable[[str], None] = lambda s: None,
                   only_sync: bool = False) -> Results:
    """Measure every figure. `quick`: small sizes and two repeats (for tests). `only_sync`: the
    sync and export figures alone (no display, sound or speech model needed)."""
    from kiosk.ui import runtime

    repeats = 2 if quick else 5
    size = answers or (2_000 if quick else 100_000)
    figures: list[Figure] = []
    machine = {"python": platform.python_version(), "machine": platform.machine(),
               "cpus": os.cpu_count(), "system": platform.system(),
               "sqlite": sqlite3.sqlite_version, "answers": size, "repeats": repeats}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        folder = Path(tmp)
        if only_sync:
            log(f"sync and export of {size} answers")
            figures += bench_sync_export(folder, size, 2 if quick else 3)
            return Results(figures, machine, quick)
        log("staff PIN hash")
        figures += bench_pin(3 if quick else 10)
        log("command start-up")
        figures += bench_cli_start(10 if quick else 30)
        log("answer saving")
        figures += bench_save(folder, 300 if quick else 2000)
        log(f"sync and export of {size} answers")
        figures += bench_sync_export(folder, size, 2 if quick else 3)
        log(f"results page of {size} answers")
        figures += bench_results(folder / "shared-0.sqlite", 2 if quick else 5)
        started_display = False
        if not runtime.has_display():
            runtime.start_virtual_display(800, 480)
            started_display = True
        try:
            with virtual_audio(folder):
                log("cold start and memory")
                figures += bench_start(folder, 1 if quick else 3)
                log("speech out")
                figures += bench_speech_out(repeats)
                log("speech in")
                figures += bench_speech_in(folder, repeats)
        finally:
            if started_display:
                runtime.stop_virtual_display()
                os.environ.pop("DISPLAY", None)
    return Results(figures, machine, quick)
