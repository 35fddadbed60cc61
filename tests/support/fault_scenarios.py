"""A full disk while saving, syncing and exporting, run as its own process by tests/test_faults.py.

    python -m tests.support.fault_scenarios WORK OUT KIOSK [--fsize BYTES]

WORK holds three small filesystems, save/, sync/ and export/ (tiny tmpfs mounts made by the
caller), or with --fsize ordinary folders and a file-size limit (RLIMIT_FSIZE) standing in for the
full disk. KIOSK is a kiosk data
folder on an ordinary disk, to sync and export from. What happened is written to OUT/result.json;
the stores written in WORK are checked by the caller.
"""

from __future__ import annotations

import json
import resource
import signal
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

from kiosk.core.answers import Answer, ParticipantSession
from kiosk.ids import new_id
from kiosk.store.db import Store, StoreError, store_in


def _limit(fsize: int | None) -> None:
    if fsize is not None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, resource.getrlimit(
            resource.RLIMIT_FSIZE)[1]))


def _unlimit(fsize: int | None) -> None:
    if fsize is not None:
        hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))


def save_until_full(data: Path, fsize: int | None) -> dict[str, object]:
    """Confirm answers one by one until the disk is full; every confirmed id is recorded."""
    confirmed: list[str] = []
    error = ""
    store = Store(store_in(data))
    person = ParticipantSession.begin("co-production", 1, "en", date.today(), new_id=new_id)
    store.begin_participant(person)
    _limit(fsize)
    try:
        for seq in range(1, 200_000):
            text = f"answer {seq}: " + "we need transport to the meetings " * 20
            answer = Answer(new_id(), person.id, "barriers", "open", seq, text, text, "typed",
                            "en")
            try:
                store.save_answer(answer)
            except (sqlite3.Error, StoreError) as exc:
                error = f"{type(exc).__name__}: {exc}"
                break
            confirmed.append(answer.id)
    finally:
        _unlimit(fsize)
    # The kiosk carries on: the store must still open and answer.
    try:
        store.close()
    except sqlite3.Error:
        pass
    return {"confirmed": confirmed, "error": error}


def cli(args: list[str], fsize: int | None) -> dict[str, object]:
    """Run a `kiosk` command as staff would, under the same full disk."""
    result = subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                            text=True, timeout=120, preexec_fn=lambda: _limit(fsize))
    return {"code": result.returncode, "stdout": result.stdout, "stderr": result.stderr}


def main() -> None:
    work, out, kiosk = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    fsize = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--fsize" else None
    result = {
        "save": save_until_full(work / "save" / "kiosk", fsize),
        "sync": cli(["sync", "--data", str(kiosk), "--to", str(work / "sync" / "shared.sqlite"),
                     "--quiet"], fsize),
        "export": cli(["export", "--from", str(kiosk), "--format", "csv", "--out",
                       str(work / "export" / "answers.csv")], fsize),
    }
    (out / "result.json").write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
