"""A virtual X display (Xvfb) for tests that start the real Kivy window.

CI has no screen: the tests start their own Xvfb on a free display number and stop exactly that
process at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and \
                not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number between :90 and :199")


class VirtualDisplay:
    """An Xvfb server of a given size; `env` is the environment a window needs to use it."""

    def __init__(self, width: int, height: int):
        if shutil.which("Xvfb") is None:
            raise RuntimeError("Xvfb is missing; run script/test, which installs it")
        self.number = _free_display()
        self.name = f":{self.number}"
        self.process = subprocess.Popen(
            ["Xvfb", self.name, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{self.number}").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb {self.name} did not start")
            time.sleep(0.05)
        self.env = {**os.environ, "DISPLAY": self.name}

    def stop(self) -> None:
        """Stop the Xvfb this object started."""
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def display() -> Iterator[VirtualDisplay]:
    """A 800x480 virtual display: the size of the official 7-inch Raspberry Pi touchscreen."""
    server = VirtualDisplay(800, 480)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def large_display() -> Iterator[VirtualDisplay]:
    """A 1920x1080 virtual display: a large HDMI touchscreen."""
    server = VirtualDisplay(1920, 1080)
    yield server
    server.stop()
