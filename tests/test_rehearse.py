"""`kiosk rehearse` as staff run it on a machine with no display: screenshots, nothing kept."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from kiosk.core.pack import default_pack_path, load_pack
from tests.support.paths import ROOT

pytestmark = [pytest.mark.window, pytest.mark.slow]


def rehearse(tmp_path: Path, *options: str, pack: Path | None = None
             ) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run `python -m kiosk rehearse` on a pack (the built-in one) with no DISPLAY; returns the
    result and the screenshots folder. TMPDIR is private, so the scratch store can be seen to
    go."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is missing; run script/test, which installs it")
    work = tmp_path / "work"
    scratch = tmp_path / "tmp"
    work.mkdir()
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(PYTHONPATH=str(ROOT), TMPDIR=str(scratch))
    env.pop("KIVY_HOME", None)
    shots = work / "shots"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "rehearse", str(pack or default_pack_path()),
         "--screenshots", "shots", *options], cwd=work, env=env, capture_output=True, text=True,
        timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    # Nothing kept: no store here or in ./data, and the scratch folder itself is gone.
    assert not list(work.rglob("kiosk.sqlite*"))
    assert not (work / "data").exists()
    assert not list(scratch.glob("kiosk-rehearsal-*"))
    return result, shots


def check_screens(result: subprocess.CompletedProcess[str], shots: Path) -> list[Path]:
    """One line about the virtual display, a PNG per screen, and real pictures."""
    started = [line for line in result.stderr.splitlines() if "virtual" in line]
    assert started == ["No display found: started a virtual one; a screenshot of each screen "
                       "goes to shots"], result.stderr[-2000:]
    pngs = sorted(shots.glob("*.png"))
    assert result.stdout.strip() == f"{len(pngs)} screenshots in shots"
    names = [re.sub(r"-p\d+$", "", p.stem.split("-", 1)[1]) for p in pngs]  # pages of one screen
    pack, _ = load_pack(default_pack_path())
    for screen in ("welcome", "consent", "review", "thanks"):
        assert screen in names, names
    for question in pack.questions:
        assert f"question-{question.id}" in names, (question.id, names)
    assert len(pngs) >= len(pack.questions) + 4
    for png in (pngs[0], next(shots.glob("*-question-*.png"))):
        with Image.open(png) as image:
            assert image.size == (800, 480)
            colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
            assert colours is None or len(colours) > 1, f"{png.name} is blank"
    return pngs


def test_rehearse_with_no_display(tmp_path: Path) -> None:
    result, shots = rehearse(tmp_path)
    pngs = check_screens(result, shots)
    print(f"\nrehearse: {len(pngs)} screenshots")


def test_rehearse_in_gaelic_large_print_on_cream(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    result, shots = rehearse(tmp_path, "--language", "gd", "--size", "4", "--theme",
                             "black-on-cream", "--trace", str(trace), "--first-page-only")
    pngs = check_screens(result, shots)
    screens = [e for e in map(json.loads, trace.read_text(encoding="utf-8").splitlines())
               if e["event"] == "screen"]
    questions = [e for e in screens if e["question"]]
    assert questions and all(e["language"] == "gd" and e["text_size"] == 4
                             and e["theme"] == "black-on-cream" for e in questions)
    assert any(e["title"] == "Dè tha co-riochdachadh a' ciallachadh dhutsa?" for e in questions)
    # The settings were opened and changed on the way.
    assert any(p.stem.endswith("-settings") for p in pngs)
    # The default theme is yellow on black; the cream theme's screens are mostly light.
    with Image.open(next(shots.glob("*-question-meaning*.png"))) as image:
        histogram = image.convert("L").histogram()
    light = sum(histogram[129:]) / sum(histogram)
    assert light > 0.5, f"black-on-cream should be mostly light, {light:.0%} is"
    # The trace measures each screen at its top.
    assert all(e["scroller"] and e["focus_order"] for e in screens)


def test_rehearse_refuses_a_bad_pack_or_language_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[pack]\nid = "x"\ntitle = "T"\nversion = 0\n\n[[question]]\nid = "q"\n'
                   'text = "Q?"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    run = subprocess.run([sys.executable, "-m", "kiosk", "rehearse", "bad.toml",
                          "--screenshots", "shots"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr == ("bad.toml:4: error: [pack] version must be a whole number of 1 or "
                          "more, for example version = 2\n")
    assert not (tmp_path / "shots").exists()
    run = subprocess.run([sys.executable, "-m", "kiosk", "rehearse", str(default_pack_path()),
                          "--screenshots", "shots", "--language", "fr"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr == "Error: the pack has no 'fr'; it has en, gd, pl, ko\n"


def test_a_screen_that_scrolls_gets_a_picture_per_screenful(tmp_path: Path) -> None:
    """Staff check every word: at twice the text size screens scroll, and each screenful is
    saved (NAME-p1.png, NAME-p2.png...), each showing something the one before did not."""
    trace = tmp_path / "trace.jsonl"
    result, shots = rehearse(tmp_path, "--size", "2", "--trace", str(trace),
                             pack=ROOT / "tests" / "packs" / "small.toml")
    assert result.returncode == 0, result.stderr[-2000:]
    paged = sorted(shots.glob("*-p2.png"))
    assert paged, sorted(p.name for p in shots.glob("*.png"))
    for second in paged:
        first = second.with_name(second.name.replace("-p2.png", "-p1.png"))
        assert first.exists() and not second.with_name(second.name.replace("-p2", "")).exists()
        with Image.open(first) as top, Image.open(second) as below:
            assert top.tobytes() != below.tobytes(), f"{second.name} shows the same as p1"
    # After its pictures each screen is back at its top when it is measured and used.
    screens = [e for e in map(json.loads, trace.read_text(encoding="utf-8").splitlines())
               if e["event"] == "screen"]
    assert screens and all(e["focus_order"] for e in screens)
