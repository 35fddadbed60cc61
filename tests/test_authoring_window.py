"""Staff mode's "Questions" in the real window, by keys alone, as a blind member of staff makes
a pack: every screen and focus move is said, the typed text goes where it is said to go, and the
saved file is one `kiosk packs validate` accepts and the kiosk then asks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core.pack import load_pack
from kiosk.staff.settings import StaffSettings
from tests.support.kiosk_window import KioskWindow
from tests.support.paths import ROOT
from tests.support.plugins.display import VirtualDisplay
from tests.support.staff_window import (
    PIN,
    focus_to,
    open_staff_menu,
    press,
    said_since,
    staff_screen,
    type_in,
)

pytestmark = [pytest.mark.window, pytest.mark.slow]













def test_a_new_pack_made_by_keys_alone_is_saved_valid_and_used(display: VirtualDisplay,
                                                                tmp_path: Path) -> None:
    data = tmp_path / "data"
    StaffSettings(data).set_pin(PIN)
    window = KioskWindow(display, data)
    try:
        body_px = window.wait_screen("welcome", timeout=60)["font_px"]
        menu = open_staff_menu(window)
        assert menu["order"][:2] == ["Next pack", "Questions"]

        # Questions: make a new pack, or change one (the built-in pack is offered).
        packs, said = press(window, "Questions", "questions")
        assert said.startswith("Questions. Make a new pack, or change one.")
        assert said.endswith("Make a new pack, button")
        assert packs["order"][0] == "Make a new pack"
        assert any(name.startswith("Change Self management and co-production (version 1, "
                                   "built in)") for name in packs["order"])

        start = window.mark()
        window.key("Return")
        editor = staff_screen(window, "pack-editor", since=start)
        assert editor["focus"] == "Pack name"
        assert editor["order"] == ["Pack name", "Keyboard for Pack name", "Add a question",
                                   "Preview", "Save", "Back"]
        assert window.said_since(start)[0] == ("Pack: new pack. No questions yet. "
                                               "Pack name, text field, empty")

        # Saving an empty pack is refused in one line, shown and said.
        type_in(window, "Summer fair")
        refused, said = press(window, "Save", "pack-editor")
        problem = "Not saved. The pack has no questions; add one with Add a question."
        assert refused["message"] == problem and problem in refused["text"]
        assert said.startswith(f"Pack: Summer fair. {problem}")
        assert refused["focus"] == "Save"
        assert not (data / "packs").exists() or not list((data / "packs").glob("*.toml"))

        # An open question, typed on the keyboard.
        question, said = press(window, "Add a question", "question")
        assert question["title"] == "Question 1 of 1" and question["focus"] == "Question text"
        assert said == ("Question 1 of 1. A new open question: type its text. "
                        "Question text, text field, empty")
        assert question["fonts"] == [body_px] and question["clipped"] == []
        assert all(h >= question["target"] for _, h in question["sizes"].values())
        type_in(window, "What did you enjoy")
        editor, _ = press(window, "Done", "pack-editor")
        assert editor["focus"] == "1. Open: What did you enjoy"

        # A choice question with two choices.
        press(window, "Add a question", "question")
        type_in(window, "How did you travel")
        kind = focus_to(window, "Type: open")
        assert kind["text"] == "Type: open, button"
        start = window.mark()
        window.key("Return")
        changed = staff_screen(window, "question", since=start)
        assert changed["message"] == ("Now a choice question: participants choose one of a "
                                      "list.")
        assert changed["focus"] == "Type: choice"
        assert window.said_since(start)[0].endswith("one of a list. Type: choice, button")
        added, said = press(window, "Add a choice", "question")
        assert added["focus"] == "Choice 1" and said.endswith("Choice 1, text field, empty")
        type_in(window, "Bus")
        press(window, "Add a choice", "question")
        type_in(window, "Walked")
        again = focus_to(window, "Choice 1", key="shift+Tab")
        assert again["text"] == "Choice 1, text field, Bus"

        # Moved up: it is now the first question, and says so.
        moved, said = press(window, "Move up", "question")
        assert moved["title"] == "Question 1 of 2"
        assert said.startswith("Question 1 of 2. Moved up: now question 1 of 2.")
        editor, _ = press(window, "Done", "pack-editor")
        assert editor["order"][2:4] == ["1. Choice: How did you travel",
                                        "2. Open: What did you enjoy"]

        # A third question, typed on the on-screen keyboard (as on a kiosk with no keyboard):
        # each key says its character; Delete says what it deleted.
        press(window, "Add a question", "question")
        keyboard, said = press(window, "Keyboard for Question text", "keyboard")
        assert said == "Keyboard for Question text. Question text: empty. a, button"
        assert keyboard["fonts"] == [body_px] and keyboard["clipped"] == []
        assert all(h >= keyboard["target"] for _, h in keyboard["sizes"].values())
        start = window.mark()
        for key in ("c", "a", "b", "b", "Delete"):
            focus_to(window, key, key="shift+Tab" if key == "a" else "Tab")
            window.key("Return")
        typed = window.wait_for(lambda e: e["event"] == "staff-keyboard" and e["text"] == "cab",
                                since=start, what="cab typed")
        assert typed["field"] == "Question text"
        assert [t for t in said_since(window, start) if not t.endswith(", button")] == [
            "c", "a", "b", "b", "Deleted b"]
        back, said = press(window, "Done", "question")
        assert back["focus"] == "Question text"
        assert said.endswith("Question text, text field, cab")
        press(window, "Done", "pack-editor")

        # Deleted: asked first, then said what was deleted.
        press(window, "3. Open: cab", "question")
        confirm, said = press(window, "Delete this question", "delete-question")
        assert said == "Delete question 3? 3. Open: cab. Keep it, button"
        assert confirm["focus"] == "Keep it"
        editor, said = press(window, "Delete it", "pack-editor")
        assert editor["message"] == "Deleted 3. Open: cab."
        assert said.startswith("Pack: Summer fair. Deleted 3. Open: cab. 2 questions.")
        assert editor["order"] == ["Pack name", "Keyboard for Pack name",
                                   "1. Choice: How did you travel",
                                   "2. Open: What did you enjoy", "Add a question", "Preview",
                                   "Save", "Back"]

        # Saved: a valid pack, version 1, in the data folder's packs/.
        saved, said = press(window, "Save", "pack-saved")
        words = "Saved Summer fair, version 1, as packs/summer-fair.toml."
        assert saved["message"] == words and said.startswith(f"Pack saved. {words}")
        path = data / "packs" / "summer-fair.toml"
        check = subprocess.run([sys.executable, "-m", "kiosk", "packs", "validate", str(path)],
                               capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert check.returncode == 0, check.stderr
        assert check.stdout == f"{path}: ok: 'summer-fair' version 1, 2 questions in en\n"
        pack, _ = load_pack(path)
        assert [(q.type, q.text.get("en")) for q in pack.questions] == [
            ("choice", "How did you travel"), ("open", "What did you enjoy")]
        assert [c.text.get("en") for c in pack.questions[0].choices] == ["Bus", "Walked"]

        # Used now: the menu says so, and the kiosk asks it.
        menu, said = press(window, "Use this pack now", "menu")
        assert menu["message"] == "Now using summer-fair.toml."
        assert "Pack: Summer fair (summer-fair, version 1)" in menu["text"]
        assert StaffSettings(data).chosen_pack() == path
    finally:
        window.stop()


def test_changing_the_built_in_pack_saves_a_new_version_after_saying_what_changed(
        display: VirtualDisplay, tmp_path: Path) -> None:
    data = tmp_path / "data"
    StaffSettings(data).set_pin(PIN)
    window = KioskWindow(display, data)
    try:
        window.wait_screen("welcome", timeout=60)
        open_staff_menu(window)
        packs, _ = press(window, "Questions", "questions")
        builtin = next(name for name in packs["order"] if name.startswith("Change "))
        editor, said = press(window, builtin, "pack-editor")
        assert said.startswith("Pack: Self management and co-production. 7 questions.")
        first = editor["order"][2]
        assert first == "1. Open, optional: What does co-production mean to you?"

        # Unchanged, Back goes straight back; nothing is asked, nothing written.
        start = window.mark()
        window.key("Escape")
        staff_screen(window, "questions", since=start)
        editor, _ = press(window, builtin, "pack-editor")

        # The text changed: its translations are taken out, and that is said before anything
        # else happens.
        question, said = press(window, first, "question")
        assert said.endswith("Question text, text field, What does co-production mean to you?")
        window.key("End", "BackSpace")  # the question mark
        type_in(window, " today")
        note, said = press(window, "Done", "question")
        words = ("Its translations (gd, pl, ko) no longer match and were taken out; translate it "
                 "again.")
        assert note["message"] == words and words in said
        assert note["focus"] == "Question text"

        # Leaving unsaved asks first; Keep editing goes back to the pack.
        start = window.mark()
        window.key("Escape")
        staff_screen(window, "pack-editor", since=start)
        start = window.mark()
        window.key("Escape")
        leave = staff_screen(window, "leave-pack", since=start)
        assert leave["order"] == ["Keep editing", "Leave without saving"]
        assert said_since(window, start)[0] == (
            "Leave without saving? Your changes to Self management and co-production are not "
            "saved. Keep editing, button")
        window.key("Return")
        staff_screen(window, "pack-editor")

        saved, said = press(window, "Save", "pack-saved")
        assert saved["message"] == ("Saved Self management and co-production, version 2, as "
                                    "packs/co-production.toml.")
        path = data / "packs" / "co-production.toml"
        check = subprocess.run([sys.executable, "-m", "kiosk", "packs", "validate", str(path)],
                               capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert check.returncode == 0, check.stderr
        assert check.stdout.splitlines()[-1] == (
            f"{path}: ok: 'co-production' version 2, 7 questions in en, gd, pl, ko, 3 warnings")
        # The warnings are the three translations taken out, as the kiosk said.
        assert (check.stdout + check.stderr).count("question 'meaning' text has no") == 3
        pack, _ = load_pack(path)
        assert pack.questions[0].text.translations == {
            "en": "What does co-production mean to you today"}
        assert pack.questions[1].text.has("gd")
    finally:
        window.stop()


def test_the_keyboard_has_the_packs_accents_and_types_korean_in_blocks(
        display: VirtualDisplay, tmp_path: Path) -> None:
    data = tmp_path / "data"
    StaffSettings(data).set_pin(PIN)
    window = KioskWindow(display, data)
    try:
        window.wait_screen("welcome", timeout=60)
        open_staff_menu(window)
        packs, _ = press(window, "Questions", "questions")
        builtin = next(name for name in packs["order"] if name.startswith("Change "))
        editor, _ = press(window, builtin, "pack-editor")
        press(window, editor["order"][2], "question")
        keyboard, _ = press(window, "Keyboard for Question text", "keyboard")
        # The built-in pack is in Gaelic and Polish too: their letters are keys.
        assert {"à", "ù", "ą", "ż"} <= set(keyboard["order"])
        focus_to(window, "Other keys", key="shift+Tab")  # back from the first key
        window.key("Return")
        staff_screen(window, "keyboard")
        focus_to(window, "Korean letters", key="shift+Tab")
        start = window.mark()
        window.key("Return")
        korean = staff_screen(window, "keyboard", since=start)
        assert {"기역", "이응", "아"} <= set(korean["order"])
        assert korean["clipped"] == []
        start = window.mark()
        for key in ("이응", "아", "니은"):
            focus_to(window, key)
            window.key("Return")
        typed = window.wait_for(lambda e: e["event"] == "staff-keyboard"
                                and e["text"].endswith("안"), since=start, what="안 typed")
        assert typed["text"] == "What does co-production mean to you?안"
        # Each key is heard as what it made, in the Korean voice.
        heard = [(e["text"], e["language"]) for e in window.events()[start:]
                 if e["event"] == "say" and not e["text"].endswith(", button")]
        assert [text for text, _ in heard] == ["이응", "아", "안"]
        assert {language for _, language in heard} == {"ko"}
        focus_to(window, "Delete")
        window.key("Return")
        window.wait_for(lambda e: e["event"] == "staff-keyboard" and e["text"].endswith("아"),
                        what="the last letter taken back")
    finally:
        window.stop()
