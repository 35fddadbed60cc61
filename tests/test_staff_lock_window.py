"""Staff mode locks itself when nobody uses it, in the real window by keys alone: a kiosk left in
staff mode at an event must not let the next person sync, withdraw or change the pack. Staff hear
a warning first and any key keeps staff mode open; an unsaved pack is kept for the PIN; a PIN
pad nobody uses gives the kiosk back to participants; a preview nobody finished asks the PIN
again."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.kiosk_window import KioskWindow
from tests.support.plugins.display import VirtualDisplay
from tests.support.staff_window import (
    PIN,
    focus_to,
    kiosk_with_pin,
    open_staff_menu,
    press_to,
    said_since,
    staff_screen,
    type_in,
)

pytestmark = [pytest.mark.window, pytest.mark.slow]

LOCK = 16  # seconds: warned at 8, locked at 16


def reopen_with_pin(window: KioskWindow) -> list[str]:
    """Ctrl+Alt+S: the PIN pad must come (never the menu); what it said."""
    start = window.mark()
    window.key("ctrl+alt+s")
    shown = window.wait_for(lambda e: e["event"] == "staff-screen", since=start,
                            what="staff mode again")
    assert shown["name"] == "pin", f"staff mode opened without its PIN: {shown['name']}"
    return said_since(window, start)


def test_an_unused_staff_mode_warns_then_locks_keeping_the_unsaved_pack(
        display: VirtualDisplay, tmp_path: Path) -> None:
    with kiosk_with_pin(display, tmp_path / "data", "--staff-lock", str(LOCK)) as window:
        # The PIN pad left alone: the kiosk goes back to participants, not kept behind it.
        start = window.mark()
        window.key("ctrl+alt+s")
        staff_screen(window, "pin", since=start)
        window.wait_for(lambda e: e["event"] == "staff-timeout", timeout=LOCK + 15, since=start,
                        what="the unused PIN pad to close")
        window.wait_screen("welcome")

        open_staff_menu(window)
        press_to(window, "Questions", "questions")
        press_to(window, "Make a new pack", "pack-editor")
        focus_to(window, "Pack name")
        type_in(window, "Hall")
        # Said before it locks, with how to stay; a key keeps staff mode open.
        start = window.mark()
        warning = window.wait_for(lambda e: e["event"] == "staff-lock-warning",
                                  timeout=LOCK + 10, since=start, what="the warning")
        assert warning["seconds"] == LOCK // 2
        assert any(s == f"Staff mode locks in {LOCK // 2} seconds. Press any key or touch the "
                   "screen to stay." for s in said_since(window, start))
        window.key("shift")
        stayed = time.monotonic()
        locked = window.wait_for(lambda e: e["event"] == "staff-locked", timeout=LOCK + 15,
                                 since=start, what="the lock")
        assert time.monotonic() - stayed >= LOCK - 2, "the key did not keep staff mode open"
        assert locked["kept"] is True
        window.wait_screen("welcome")  # participants can use the kiosk again

        said = reopen_with_pin(window)
        assert any("Type the PIN to go back to your unsaved changes to Hall." in s
                   for s in said), said
        start = window.mark()
        window.type(PIN)
        window.wait_for(lambda e: e["event"] == "staff-pin" and e["digits"] == len(PIN))
        window.key("Return")
        editor = staff_screen(window, "pack-editor", since=start)
        assert editor["title"] == "Pack: Hall"
        assert "Your changes to Hall are kept, not yet saved." in editor["message"]
        assert any("Your changes to Hall are kept" in s for s in said_since(window, start))


def test_a_preview_nobody_finished_asks_the_pin_again(display: VirtualDisplay,
                                                      tmp_path: Path) -> None:
    # The participant's idle time is short: nobody touches the preview's Welcome.
    with kiosk_with_pin(display, tmp_path / "data", "--idle", "4", "--staff-lock",
                        "60") as window:
        open_staff_menu(window)
        questions = press_to(window, "Questions", "questions")
        # The built-in pack, unchanged, previewed: nothing unsaved to keep.
        press_to(window, next(c for c in questions["order"] if c.endswith("built in)")),
                 "pack-editor")
        focus_to(window, "Preview")
        start = window.mark()
        window.key("Return")
        window.wait_screen("welcome")
        ended = window.wait_for(lambda e: e["event"] == "preview-ended", timeout=40, since=start,
                                what="the preview to time out")
        assert ended["timed_out"] is True
        locked = window.wait_for(lambda e: e["event"] == "staff-locked", since=start)
        assert locked["kept"] is False
        window.wait_screen("welcome")
        reopen_with_pin(window)


def test_after_staff_mode_a_participant_types_and_staff_open_it_again_by_keys(
        display: VirtualDisplay, tmp_path: Path) -> None:
    """Staff mode's text fields once stopped the window's text input as it closed: the next
    participant's typed answer never arrived, and the PIN typed to open it again neither."""
    with kiosk_with_pin(display, tmp_path / "data") as window:
        open_staff_menu(window)
        press_to(window, "Name the session", "event-form")
        focus_to(window, "Event name")
        type_in(window, "Fair")
        start = window.mark()
        window.key("Escape")
        staff_screen(window, "menu", since=start)
        window.key("Escape")
        window.wait_for(lambda e: e["event"] == "staff-closed", since=start)
        window.wait_screen("welcome")
        window.key("space")
        window.wait_screen("consent")
        window.touch("agree")
        window.wait_screen("question", question="meaning")
        window.touch("type")
        window.wait_screen("typing")
        start = window.mark()
        window.type("hello")
        window.wait_for(lambda e: e["event"] == "draft" and e["text"] == "hello", since=start,
                        what="the typed answer")
        assert said_since(window, start)[-1] == "o"  # each letter echoed, as typed
        open_staff_menu(window)  # the PIN typed by keys reaches the PIN pad again
