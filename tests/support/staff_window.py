"""Driving staff mode in the real window as staff do: by Tab and Enter, listening to what is said.

Shared by the staff-mode window tests (the menu, Sync, Withdraw by code, Questions, Preview and
packs on a stick, recording a voice)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.staff.settings import StaffSettings
from tests.support.kiosk_window import Event, KioskWindow
from tests.support.plugins.display import VirtualDisplay

PIN = "246813"  # six digits, as new PINs must be


def staff_screen(window: KioskWindow, name: str, since: int | None = None,
                 timeout: float = 30) -> Event:
    """The staff screen `name` once it is shown (after event `since`, or the last one waited
    for)."""
    return window.wait_for(lambda e: e["event"] == "staff-screen" and e["name"] == name,
                           timeout, f"the staff screen {name}", since=since)


def open_staff_menu(window: KioskWindow) -> Event:
    """Open staff mode as staff do (Ctrl+Alt+S, the PIN typed, Enter): the menu once shown."""
    start = window.mark()  # staff mode may have been open before
    window.key("ctrl+alt+s")
    staff_screen(window, "pin", since=start)
    window.type(PIN)
    window.wait_for(lambda e: e["event"] == "staff-pin" and e["digits"] == len(PIN),
                    since=start)
    window.key("Return")
    return staff_screen(window, "menu", since=start)


@contextmanager
def kiosk_with_pin(display: VirtualDisplay, data: Path, *args: str) -> Iterator[KioskWindow]:
    """The kiosk (with `args`) on `data`, its staff PIN set, once its Welcome is shown;
    stopped afterwards."""
    StaffSettings(data).set_pin(PIN)
    window = KioskWindow(display, data, *args)
    try:
        window.wait_screen("welcome", timeout=60)
        yield window
    finally:
        window.stop()


def focus_to(window: KioskWindow, control: str, key: str = "Tab") -> Event:
    """Press `key` until `control` has focus (at most once round the screen); its announcement."""
    for _ in range(40):
        start = window.mark()
        window.key(key)
        moved = window.wait_for(lambda e: e["event"] == "staff-focus", what="a focus move",
                                since=start)
        if moved["control"] == control:
            return moved
    raise AssertionError(f"{control} never got focus")


def press_to(window: KioskWindow, control: str, screen: str) -> Event:
    """Focus `control`, press Enter, and return `screen` as soon as it is shown."""
    focus_to(window, control)
    start = window.mark()
    window.key("Return")
    return staff_screen(window, screen, since=start)


def press(window: KioskWindow, control: str, screen: str) -> tuple[Event, str]:
    """Focus `control`, press Enter, wait for `screen` and then for quiet: the screen and what
    it said first."""
    focus_to(window, control)
    start = window.mark()
    window.key("Return")
    shown = staff_screen(window, screen, since=start)
    window.settle()
    said = [e["text"] for e in window.events()[start:] if e["event"] == "say"]
    return shown, said[0] if said else ""


def said_since(window: KioskWindow, start: int) -> list[str]:
    """Everything said after event `start`, once the kiosk has gone quiet."""
    window.settle()
    return window.said_since(start)


def type_in(window: KioskWindow, text: str) -> None:
    """Type into the focused field and wait until the last character is echoed aloud."""
    start = window.mark()
    window.type(text)
    last = "space" if text[-1] == " " else text[-1]
    window.wait_for(lambda e: e["event"] == "say" and e["text"] == last, since=start,
                    what=f"the echo of {last!r}")
