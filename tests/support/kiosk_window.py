"""Drive the real kiosk window on a virtual display, as a person would: real X touches and keys.

The kiosk runs as its own process (`python -m kiosk run`) on Xvfb. xdotool sends real X pointer
and key events, which reach Kivy through SDL exactly as a touchscreen's or a keyboard's do. The
kiosk's --trace file says what each screen showed and said, and where each control is.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.plugins.display import VirtualDisplay

Event = dict[str, Any]


class KioskWindow:
    """A running kiosk and the means to touch it, press its keys and read what it did."""

    def __init__(self, display: VirtualDisplay, data_dir: Path, *args: str,
                 width: int = 800, height: int = 480, voice: bool = False,
                 env: dict[str, str] | None = None):
        self.display = display
        self.data_dir = data_dir
        self.trace_path = data_dir / "trace.jsonl"
        self.screenshots = data_dir / "shots"
        data_dir.mkdir(parents=True, exist_ok=True)
        self.log = (data_dir / "kiosk.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "run", "--data", str(data_dir),
             "--trace", str(self.trace_path), "--screenshots", str(self.screenshots),
             "--width", str(width), "--height", str(height),
             *([] if voice else ["--no-voice"]), *args],
            env=env or display.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.seen = 0

    def events(self) -> list[Event]:
        """Every event traced so far."""
        if not self.trace_path.exists():
            return []
        return [json.loads(line) for line in self.trace_path.read_text().splitlines() if line]

    def mark(self) -> int:
        """A place in the trace, to wait for events from there on (see wait_for's since)."""
        return len(self.events())

    def wait_for(self, test: Callable[[Event], bool], timeout: float = 20,
                 what: str = "an event", since: int | None = None) -> Event:
        """The first event that passes `test`, after the last one waited for (or from `since`)."""
        event = self.poll_for(test, timeout, what, since)
        if event is None:
            raise AssertionError(f"no {what} within {timeout} s; last events: "
                                 f"{self.events()[-5:]}")
        return event

    def poll_for(self, test: Callable[[Event], bool], timeout: float = 20,
                 what: str = "an event", since: int | None = None) -> Event | None:
        """Like wait_for, but None when no such event came within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.events()
            for i in range(self.seen if since is None else since, len(events)):
                if test(events[i]):
                    self.seen = i + 1
                    return events[i]
            if self.process.poll() is not None:
                raise AssertionError(f"the kiosk exited ({self.process.returncode}) while "
                                     f"waiting for {what}: {self.output()}")
            time.sleep(0.05)
        return None

    def wait_screen(self, name: str, timeout: float = 20, **fields: Any) -> Event:
        """Wait for a screen by name (and, optionally, other traced fields such as question)."""
        return self.wait_for(lambda e: e["event"] == "screen" and e["name"] == name
                             and all(e.get(k) == v for k, v in fields.items()),
                             timeout, f"screen {name} {fields}")

    def last_screen(self) -> Event:
        """The screen shown most recently."""
        return [e for e in self.events() if e["event"] == "screen"][-1]

    def said_since(self, start: int) -> list[str]:
        """Everything spoken after event number `start`."""
        return [e["text"] for e in self.events()[start:] if e["event"] == "say"]

    def xdotool(self, *args: str) -> None:
        """Run xdotool against the kiosk's display."""
        subprocess.run(["xdotool", *args], env=self.display.env, check=True, timeout=10)

    def boxes(self) -> dict[str, list[int]]:
        """Where the controls are now (after the last screen drawn or the last scroll): those
        wholly visible, and the visible part of one too tall to be seen whole."""
        last = [e for e in self.events() if e["event"] in ("screen", "layout")][-1]
        return {**last.get("reachable", {}), **last["controls"]}

    def settle(self, quiet: float = 0.4, most: float = 4) -> None:
        """Wait until the kiosk has stopped changing the screen, as a person waits to see it."""
        deadline = time.monotonic() + most
        while time.monotonic() < deadline:
            before = len(self.events())
            time.sleep(quiet)
            if len(self.events()) == before:
                return

    def touch(self, control_id: str) -> None:
        """Touch the middle of a control, scrolling to it first as a person would."""
        self.settle()
        for _ in range(16):
            boxes = self.boxes()
            if control_id in boxes:
                x, y, w, h = boxes[control_id]
                self.touch_at(x + w // 2, y + h // 2)
                return
            last = [e for e in self.events() if e["event"] in ("screen", "layout")][-1]
            where = last.get("positions", {}).get(control_id)
            if where is None:
                break
            top, bottom = last["scroller"][1], last["scroller"][1] + last["scroller"][3]
            # Drag far enough to bring it into sight, but not past it; and far enough for
            # Kivy to take it as a drag (20 px within 55 ms), never as a tap on what is there.
            if where[1] < top:
                self.swipe(up=False, distance=max(60, min(150, top - where[1] + 20)))
            else:
                self.swipe(up=True, distance=max(60, min(150, where[1] + where[3] - bottom + 20)))
        raise AssertionError(f"{control_id} is not on the screen: {self.boxes()}")

    def swipe(self, up: bool = True, distance: int = 150) -> None:
        """Drag the scrolling middle of the screen up (to see what is below) or down, as a
        finger does: from inside it, however large the bars around it are."""
        count = len(self.events())
        width, _height = self.last_screen()["window"]
        last = [e for e in self.events() if e["event"] in ("screen", "layout")][-1]
        top, tall = last["scroller"][1], last["scroller"][3]
        distance = min(distance, tall - 30)
        sign = 1 if up else -1
        x, y = width // 2, top + tall // 2 + sign * distance // 2
        self.xdotool("mousemove", str(x), str(y))
        self.xdotool("mousedown", "1")
        # Quick steps: Kivy takes a drag as a scroll only if it moves 20 px within 55 ms.
        for step in range(1, 7):
            self.xdotool("mousemove", str(x), str(y - sign * distance * step // 6))
            time.sleep(0.01)
        self.xdotool("mouseup", "1")
        # A touch on moving content only stops it: wait until no layout has come for 0.8 s.
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            before = len(self.events())
            time.sleep(0.8)
            if len(self.events()) == before and before > count:
                break

    def touch_at(self, x: int, y: int) -> None:
        """A touch (press and release) at window coordinates from the top left."""
        self.xdotool("mousemove", str(x), str(y))
        time.sleep(0.05)
        self.xdotool("click", "1")

    def key(self, *names: str) -> None:
        """Press keys by X name: Tab, Return, Escape, F1, plus, minus, ctrl+alt+s..."""
        for name in names:
            self.xdotool("key", "--clearmodifiers", name)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        """Type text on the (virtual) physical keyboard."""
        self.xdotool("type", "--delay", "60", text)

    def output(self) -> str:
        """What the kiosk printed."""
        self.log.flush()
        return (self.data_dir / "kiosk.log").read_text()[-3000:]

    def stop(self) -> None:
        """Close the kiosk this object started."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def screenshot_of(window: KioskWindow, screen: Event) -> Path:
    """The PNG the kiosk saved of a traced screen (the newest one of that name; of a screen
    that scrolls, its first page)."""
    name = screen["name"] + (f"-{screen['question']}" if screen.get("question") else "")
    shots = sorted([*window.screenshots.glob(f"*-{name}.png"),
                    *window.screenshots.glob(f"*-{name}-p1.png")])
    assert shots, f"no screenshot of {name} in {window.screenshots}"
    return shots[-1]
