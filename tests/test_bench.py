"""`kiosk bench --quick` runs with the real parts and writes every figure; no timing is asserted
(benchmarks measure, they do not fail on a slow machine)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

pytestmark = [pytest.mark.audio, pytest.mark.slow]


def test_quick_bench_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, "-m", "kiosk", "bench", "--quick", "--json",
                             str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    names = [f["name"] for f in data["figures"]]
    for wanted in ("start-up: kiosk --version", "start-up: kiosk packs validate",
                   "answer durable, p99", "sync: answers merged per second",
                   "sync: second, no-op sync", "sync: first sync, store of an older kiosk",
                   "sync: `kiosk sync`, whole process",
                   "sync: `kiosk sync` of an older kiosk's store, whole process",
                   "export: CSV", "cold start: usable Welcome",
                   "cold start: recognition model ready", "peak memory, no model",
                   "peak memory, model loaded", "touch to playback ended",
                   "first sound (cached audio)", "end of speech to final transcript",
                   "real-time factor"):
        assert any(wanted in name for name in names), f"no figure for {wanted}"
    for figure in data["figures"]:
        assert figure["runs"], figure["name"]
        for value in (figure["median"], figure["min"], figure["max"]):
            assert math.isfinite(value) and value > 0, figure
        if figure["reference"]:
            assert figure["reference_median"] > 0 and figure["ratio"] > 0, figure
    assert data["machine"]["answers"] == 2000
    # The table names each figure once.
    for name in names:
        assert result.stdout.count(name) >= 1
