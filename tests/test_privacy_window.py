"""Privacy for people who listen: the screen curtain and speech through headphones only.

The curtain is checked on the real window's pixels; the headphones on real audio, recorded from
two PulseAudio sinks (the speaker and the headphones) while the kiosk speaks through one of them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from array import array
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from kiosk.core.pack import default_pack_path, load_pack
from kiosk.core.session import Session
from kiosk.ids import new_id
from tests.support.kiosk_window import KioskWindow, screenshot_of
from tests.support.plugins.audio import VirtualAudio
from tests.support.plugins.display import VirtualDisplay

HEADPHONES = "kiosk_headphones"
SPEAKER = "kiosk_mic"  # the virtual audio's default sink: the kiosk's speaker


def test_headphones_are_offered_only_where_the_kiosk_has_them() -> None:
    pack, _ = load_pack(default_pack_path())
    session = Session(pack, today=date.today, new_id=new_id)
    session.press("settings")
    assert "headphones" not in {c.id for c in session.screen().controls}
    session.set_headphones_available(True)
    assert "headphones" in {c.id for c in session.screen().controls}
    session.press("headphones")
    assert session.settings.headphones
    session.end()
    assert not session.settings.headphones  # the next person starts on the speaker


@pytest.mark.window
@pytest.mark.slow
def test_the_screen_curtain_blanks_the_screen_while_speech_and_keys_go_on(
        display: VirtualDisplay, tmp_path: Path) -> None:
    window = KioskWindow(display, tmp_path / "data")
    try:
        window.wait_screen("welcome", timeout=60)
        window.touch("settings")
        window.wait_screen("settings")
        window.touch("curtain")
        window.wait_for(lambda e: e["event"] == "say" and e["text"].startswith(
            "Screen curtain: on"))
        window.key("Escape")
        mark = window.mark()
        window.key("space")
        consent = window.wait_screen("consent")
        assert any("anonymous" in s for s in window.said_since(mark))
        pixels = Image.open(screenshot_of(window, consent)).convert("RGB").getcolors()
        assert pixels == [(800 * 480, (0, 0, 0))]  # nothing of the screen can be read
        # A touch behind the curtain says what it is on; only a second touch chooses it.
        window.touch("agree")
        window.wait_for(lambda e: e["event"] == "focus" and e["control"] == "agree")
        window.touch("agree")
        window.wait_screen("question", question="meaning")
    finally:
        window.stop()


@pytest.fixture
def headphones_sink(virtual_audio: VirtualAudio) -> Iterator[str]:
    """A second null sink in the virtual sound card: the kiosk's headphones output."""
    module = subprocess.run(["pactl", "load-module", "module-null-sink",
                             f"sink_name={HEADPHONES}", "rate=16000", "channels=1"],
                            capture_output=True, text=True, check=True).stdout.strip()
    yield HEADPHONES
    subprocess.run(["pactl", "unload-module", module], check=True)


class Recording:
    """What reaches a sink, recorded from its monitor while it runs."""

    def __init__(self, sink: str, path: Path):
        self.path = path
        self.file = path.open("wb")
        self.process = subprocess.Popen(
            ["parec", f"--device={sink}.monitor", "--format=s16le", "--rate=16000",
             "--channels=1", "--latency-msec=50"], stdout=self.file)

    def stop(self) -> float:
        """Stop recording; the loudest 50 ms of it, as RMS of 16-bit samples."""
        self.process.send_signal(signal.SIGINT)  # parec writes out what it holds on SIGINT
        self.process.wait(timeout=5)
        self.file.close()
        samples = array("h")
        samples.frombytes(self.path.read_bytes()[: len(self.path.read_bytes()) // 2 * 2])
        block = 800
        loudest = 0.0
        for start in range(0, len(samples), block):
            chunk = samples[start:start + block]
            if chunk:
                loudest = max(loudest, (sum(s * s for s in chunk) / len(chunk)) ** 0.5)
        return loudest


def heard_on(window: KioskWindow, tmp_path: Path, name: str) -> tuple[float, float]:
    """Open Help and record both outputs while the kiosk says it."""
    speaker = Recording(SPEAKER, tmp_path / f"{name}-speaker.raw")
    headphones = Recording(HEADPHONES, tmp_path / f"{name}-headphones.raw")
    time.sleep(0.3)
    mark = window.mark()
    window.key("F1")  # Help: a long sentence, said through the chosen output
    window.wait_for(lambda e: e["event"] == "speaking" and e["text"].startswith("Help"),
                    since=mark, timeout=30, what="Help to be said")
    time.sleep(2.5)  # a few seconds of it
    levels = speaker.stop(), headphones.stop()
    window.key("Escape")
    return levels


@pytest.mark.window
@pytest.mark.audio
@pytest.mark.slow
def test_with_headphones_only_nothing_is_said_through_the_speaker(
        display: VirtualDisplay, virtual_audio: VirtualAudio, headphones_sink: str,
        tmp_path: Path) -> None:
    env = {**display.env, "XDG_RUNTIME_DIR": os.environ["XDG_RUNTIME_DIR"],
           "PULSE_SERVER": os.environ["PULSE_SERVER"]}
    window = KioskWindow(display, tmp_path / "data", "--headphones", headphones_sink,
                         voice=True, env=env)
    try:
        window.wait_screen("welcome", timeout=60)
        speaker, headphones = heard_on(window, tmp_path, "before")
        assert speaker > 300 and headphones < 30, (speaker, headphones)
        window.touch("settings")
        window.wait_screen("settings")
        window.touch("headphones")
        window.wait_for(lambda e: e["event"] == "say" and e["text"].startswith(
            "Headphones only: on"))
        window.key("Escape")
        window.wait_screen("welcome")
        speaker, headphones = heard_on(window, tmp_path, "after")
        assert headphones > 300 and speaker < 30, (speaker, headphones)
    finally:
        window.stop()
