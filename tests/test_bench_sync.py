"""`kiosk bench --sync-only` measures the sync and export figures alone, against the sqlite3
tool in the same run, with no display, sound or speech model; no timing is asserted."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT


def test_sync_only_bench_writes_the_sync_figures_and_nothing_else(tmp_path: Path) -> None:
    if shutil.which("sqlite3") is None:
        pytest.fail("the sqlite3 tool is missing: run script/setup --test")
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, "-m", "kiosk", "bench", "--quick", "--sync-only",
                             "--answers", "500", "--json", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    names = [f["name"] for f in json.loads(out.read_text(encoding="utf-8"))["figures"]]
    for wanted in ("sync: answers merged per second", "sync: first sync time",
                   "sync: first sync, store of an older kiosk", "sync: second, no-op sync",
                   "sync: `kiosk sync`, whole process",
                   "sync: `kiosk sync` of an older kiosk's store, whole process",
                   "export: CSV"):
        assert wanted in names, f"no figure for {wanted}"
        assert wanted in result.stdout  # the table shows it
    assert not any(n.startswith(("start-up", "cold start", "peak memory", "first sound"))
                   for n in names)
    for figure in json.loads(out.read_text(encoding="utf-8"))["figures"]:
        assert all(math.isfinite(v) and v > 0 for v in figure["runs"]), figure
        if figure["reference"]:
            assert figure["ratio"] > 0, figure
