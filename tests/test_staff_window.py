"""Staff mode in the real window, by keys alone, as a blind member of staff runs it.

Staff screens obey the participant's rules: large print at the body size, the theme's colours,
every control reachable by keys in visual order, and everything shown also spoken (never the PIN).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from kiosk.staff.settings import StaffSettings
from kiosk.store.db import store_in
from kiosk.ui.theme import THEMES, contrast_ratio
from tests.support.kiosk_window import KioskWindow
from tests.support.plugins.display import VirtualDisplay
from tests.support.staff_window import PIN, focus_to, said_since, staff_screen

pytestmark = [pytest.mark.window, pytest.mark.slow]







def shown(window: KioskWindow) -> dict[str, list[int]]:
    """The staff controls wholly on screen now (after the last screen shown or scroll)."""
    window.settle()
    return [e for e in window.events()
            if e["event"] in ("staff-screen", "staff-layout")][-1]["controls"]




def test_staff_mode_by_keys_alone_in_large_print_and_speech(display: VirtualDisplay,
                                                            tmp_path: Path) -> None:
    data = tmp_path / "data"
    StaffSettings(data).set_pin(PIN)
    window = KioskWindow(display, data)
    try:
        welcome = window.wait_screen("welcome", timeout=60)
        body_px = welcome["font_px"]

        # Ctrl+Alt+S: the PIN screen says what it is, and its field, with focus on it.
        start = window.mark()
        window.key("ctrl+alt+s")
        pin = staff_screen(window, "pin")
        assert pin["focus"] == "PIN"
        spoken = window.said_since(start)[-1]
        assert spoken.startswith("Staff PIN.") and "PIN, text field, no digits typed" in spoken
        # Large print: every label at the body size, never below the default; nothing cut off;
        # touch targets at least the participant's size; the theme's colours only (checked on
        # the screenshot below).
        assert pin["font_px"] == body_px and pin["fonts"] == [body_px]
        assert pin["clipped"] == []
        assert all(h >= pin["target"] for _, h in pin["sizes"].values()), pin["sizes"]
        assert pin["order"] == ["PIN", "1", "2", "3", "4", "5", "6", "7", "8", "9", "Delete",
                                "0", "OK", "Cancel"]

        # A wrong PIN, typed on the keyboard: digits are counted aloud, never said; it is
        # announced with the tries left.
        start = window.mark()
        window.type("1357")
        window.wait_for(lambda e: e["event"] == "staff-pin" and e["digits"] == 4,
                        what="four digits typed")
        window.key("Return")
        wrong = staff_screen(window, "pin")
        assert wrong["message"] == "Wrong PIN. 4 tries left."
        assert "Wrong PIN. 4 tries left." in wrong["text"]
        spoken = said_since(window, start)
        assert spoken[:4] == ["1 digit typed", "2 digits typed", "3 digits typed",
                              "4 digits typed"]
        assert spoken[-1].startswith("Staff PIN. Wrong PIN. 4 tries left.")
        assert not any(text in "0123456789" or "1357" in text for text in spoken)

        # Backspace deletes a digit; the right PIN and Enter open the menu.
        start = window.mark()
        window.type("24")
        window.key("BackSpace")
        window.type("46813")
        window.wait_for(lambda e: e["event"] == "staff-pin" and e["digits"] == 6,
                        what="six digits typed", since=start)
        assert "Deleted, 1 digit typed" in window.said_since(start)
        assert not any(PIN in e.get("text", "") for e in window.events())
        window.key("Return")
        menu = staff_screen(window, "menu")
        assert menu["focus"] == "Next pack"
        assert menu["font_px"] == body_px and menu["fonts"] == [body_px]
        assert menu["clipped"] == []
        assert all(h >= menu["target"] for _, h in menu["sizes"].values())
        spoken = window.said_since(start)[-1]
        assert spoken.startswith("Staff menu.") and "Session: not named." in spoken
        assert spoken.endswith("Next pack, button")
        assert "Contributions: 0 people" in menu["text"]

        # Focus moves in visual order and wraps both ways, saying each control's name and role.
        start = window.mark()
        window.key("shift+Tab")
        last = window.wait_for(lambda e: e["event"] == "staff-focus", since=start)
        assert last == {"event": "staff-focus", "control": "Leave kiosk mode",
                        "text": "Leave kiosk mode, button"}
        assert "Leave kiosk mode" in shown(window)  # scrolled into view
        first = focus_to(window, "Next pack", key="Down")
        assert first["text"] == "Next pack, button"
        naming = focus_to(window, "Name the session")
        assert naming["text"] == "Name the session, button"
        assert "Name the session" in shown(window)
        assert "Name the session, button" in said_since(window, start)

        # Enter opens the form; typed text goes into the focused field; Tab leaves it.
        start = window.mark()
        window.key("Return")
        form = staff_screen(window, "event-form")
        assert form["focus"] == "Event name" and "Event name" in form["controls"]
        assert form["fonts"] == [body_px] and form["clipped"] == []
        spoken = window.said_since(start)[-1]
        assert spoken.startswith("Name the session.")
        assert spoken.endswith("Event name, text field, empty")
        window.type("Summer fair")
        venue = focus_to(window, "Venue")
        assert venue["text"] == "Venue, text field, empty"
        window.type("Library")
        saving = focus_to(window, "Save")
        assert saving["text"] == "Save, button"
        start = window.mark()
        window.key("Return")
        menu = staff_screen(window, "menu")
        assert menu["message"] == "The session is named: Summer fair, Library."
        assert "Session: Summer fair, Library" in menu["text"]
        assert said_since(window, start)[-1].startswith(
            "Staff menu. The session is named: Summer fair, Library.")
        # After a message the menu goes on below the 800x480 window (issue 17, item 10): a
        # "▼ More" lane says so, and the last control is reached by keys and scrolled into view,
        # where nothing is left below.
        assert "Leave kiosk mode" not in menu["controls"] and menu["more"] == "▼ More"
        start = window.mark()
        window.key("shift+Tab")
        last = window.wait_for(lambda e: e["event"] == "staff-focus", since=start)
        assert last["control"] == "Leave kiosk mode"
        assert "Leave kiosk mode" in shown(window)
        layout = [e for e in window.events() if e["event"] == "staff-layout"][-1]
        assert layout["more"] == ""
        with sqlite3.connect(store_in(data)) as db:
            assert db.execute("SELECT name, venue FROM events").fetchall() == \
                [("Summer fair", "Library")]

        # Escape leaves a form for the menu, changing nothing.
        focus_to(window, "Name the session")
        window.key("Return")
        staff_screen(window, "event-form")
        window.type("x")
        start = window.mark()
        window.key("Escape")
        staff_screen(window, "menu")
        assert said_since(window, start)[-1].startswith("Staff menu.")
        with sqlite3.connect(store_in(data)) as db:
            assert db.execute("SELECT COUNT(*) FROM events").fetchone() == (1,)

        # The sync form's fields are said with their text; a password never is.
        focus_to(window, "Sync")
        window.key("Return")
        sync = staff_screen(window, "sync-form")
        assert sync["focus"] == "Where to sync"
        assert sync["fonts"] == [body_px] and sync["clipped"] == []
        token = focus_to(window, "Pairing code, for a new hub only")
        assert token["text"] == "Pairing code, for a new hub only, password field, empty"
        window.type("secret")
        start = window.mark()
        window.key("Tab")
        moved = window.wait_for(lambda e: e["event"] == "staff-focus", since=start)
        assert moved["text"] == "Say the code I typed, button"
        # Heard only when asked for, letter by letter, so a blind staff member can check it.
        start = window.mark()
        window.key("Return")
        assert "s, e, c, r, e, t." in said_since(window, start)
        back = focus_to(window, "Pairing code, for a new hub only", key="shift+Tab")
        assert back["text"] == ("Pairing code, for a new hub only, password field, "
                                "6 characters typed")
        assert not any("secret" in e.get("text", "") for e in window.events())  # never whole
        window.key("Escape")
        staff_screen(window, "menu")

        # Escape on the menu leaves staff mode, back to a fresh Welcome, which speaks.
        start = window.mark()
        window.key("Escape")
        window.wait_for(lambda e: e["event"] == "staff-closed", what="staff mode to close")
        window.wait_screen("welcome")
        assert said_since(window, start)
        assert StaffSettings(data).load().failures == 0

        # The screenshot of the menu: the theme's background and text, nothing grey.
        shots = sorted(window.screenshots.glob("*-staff-menu.png"))
        assert shots
        image = Image.open(shots[0]).convert("RGB")
        counts = sorted(image.getcolors(maxcolors=image.width * image.height) or [],
                        reverse=True)
        theme = THEMES["yellow-on-black"]
        expected = {tuple(round(v * 255) for v in c)
                    for c in (theme.background, theme.text, theme.control, theme.focus)}
        main = [colour for count, colour in counts if count > image.width * image.height / 200]
        assert set(main) <= expected, main
        text = tuple(round(v * 255) for v in theme.text)
        assert text in main
        assert contrast_ratio(theme.text, theme.background) >= 7
    finally:
        window.stop()


def test_staff_mode_closes_from_the_pin_with_escape(display: VirtualDisplay,
                                                    tmp_path: Path) -> None:
    data = tmp_path / "data"
    StaffSettings(data).set_pin(PIN)
    window = KioskWindow(display, data)
    try:
        window.wait_screen("welcome", timeout=60)
        window.key("ctrl+alt+s")
        staff_screen(window, "pin")
        # Tab reaches the keypad; Enter on a key types it (counted, not said).
        key = focus_to(window, "1")
        assert key["text"] == "1, button"
        start = window.mark()
        window.key("Return")
        window.wait_for(lambda e: e["event"] == "staff-pin" and e["digits"] == 1, since=start)
        assert said_since(window, start)[-1] == "1 digit typed"
        window.key("Escape")
        window.wait_for(lambda e: e["event"] == "staff-closed", what="staff mode to close")
        window.wait_screen("welcome")
        # The participant's keys work again: Space starts.
        window.key("space")
        window.wait_screen("consent")
        assert StaffSettings(data).load().failures == 0
    finally:
        window.stop()
