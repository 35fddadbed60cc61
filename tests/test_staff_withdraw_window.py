"""Issue 17, item 2: staff withdraw a participant by their code in staff mode, by keys alone,
in the real window; what is said, and the store, are checked."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from kiosk.core.withdrawal import code_hash, new_code
from kiosk.staff.settings import StaffSettings
from kiosk.store.db import store_in
from tests.support.kiosk_window import KioskWindow
from tests.support.kiosks import make_kiosk
from tests.support.plugins.display import VirtualDisplay
from tests.support.staff_window import PIN, focus_to, open_staff_menu, said_since, staff_screen

pytestmark = [pytest.mark.window, pytest.mark.slow]


def test_staff_withdraw_a_participant_by_code_with_keys(display: VirtualDisplay,
                                                        tmp_path: Path) -> None:
    data = make_kiosk(tmp_path / "data", 6, 31)
    code = new_code(random.Random(5).randrange)
    with sqlite3.connect(store_in(data)) as db:
        who = db.execute("SELECT participant_id FROM answers LIMIT 1").fetchone()[0]
        db.execute("UPDATE participants SET code_hash = ? WHERE id = ?", (code_hash(code), who))
        before = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        theirs = db.execute("SELECT COUNT(*) FROM answers WHERE participant_id = ?",
                            (who,)).fetchone()[0]
    StaffSettings(data).set_pin(PIN)
    window = KioskWindow(display, data)
    try:
        window.wait_screen("welcome", timeout=60)
        open_staff_menu(window)
        focus_to(window, "Withdraw by code")
        start = window.mark()
        window.key("Return")
        form = staff_screen(window, "withdraw-form")
        assert form["focus"] == "Code words" and form["clipped"] == []
        assert said_since(window, start)[-1].startswith("Withdraw by code.")

        # A code nobody has: said, and nothing changes.
        window.type("nobody has these")
        focus_to(window, "Withdraw")
        start = window.mark()
        window.key("Return")
        menu = staff_screen(window, "menu")
        assert menu["message"].startswith("No participant on this kiosk has that code")
        assert any("No participant on this kiosk has that code" in s
                   for s in said_since(window, start))

        # The participant's own words, typed as they read them out (case does not matter).
        focus_to(window, "Withdraw by code")
        window.key("Return")
        staff_screen(window, "withdraw-form")
        window.type(code.upper())
        focus_to(window, "Withdraw")
        start = window.mark()
        window.key("Return")
        menu = staff_screen(window, "menu")
        assert menu["message"].startswith("Withdrawn: the answers of the participant")
        assert any("Withdrawn" in s for s in said_since(window, start))

        # The same code again (the participant asked twice): said as done before, not again.
        focus_to(window, "Withdraw by code")
        window.key("Return")
        staff_screen(window, "withdraw-form", since=start)
        window.type(code)
        focus_to(window, "Withdraw")
        start = window.mark()
        window.key("Return")
        menu = staff_screen(window, "menu", since=start)
        assert menu["message"].startswith("That code's participant had already withdrawn")
        assert any("already withdrawn" in s for s in said_since(window, start))
    finally:
        window.stop()
    with sqlite3.connect(store_in(data)) as db:
        assert db.execute("SELECT withdrawn FROM participants WHERE id = ?",
                          (who,)).fetchone() == (1,)
        assert db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == before - theirs
