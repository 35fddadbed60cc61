"""Issue 14, part 2, in the real window by keys alone: staff preview a pack in the participant's
own screens and the store file gains no row; staff add a pack from a USB stick (a folder under
a temporary KIOSK_MEDIA_ROOT) and copy the pack in use to it, hearing every line that says a
pack cannot be used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.core.pack import load_pack
from kiosk.staff.settings import StaffSettings
from kiosk.store.db import store_in
from tests.support.kiosk_window import Event, KioskWindow
from tests.support.plugins.display import VirtualDisplay
from tests.support.staff_window import PIN, focus_to, open_staff_menu, said_since, staff_screen
from tests.test_stick_packs import pack_text, recording

pytestmark = [pytest.mark.window, pytest.mark.slow]

MARK = "Preview: nothing is kept"
PARK = ('[pack]\nid = "park"\ntitle = "Park survey"\nlanguages = ["en"]\nversion = 1\n\n'
        '[[question]]\nid = "again"\ntype = "yesno"\ntext = "Would you come again?"\n')
TABLES = ("participants", "answers", "packs")


def rows(data: Path) -> dict[str, int]:
    with sqlite3.connect(store_in(data)) as db:
        return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in TABLES}


def into_staff_menu(window: KioskWindow) -> None:
    window.wait_screen("welcome", timeout=60)
    open_staff_menu(window)


def participant_focus_to(window: KioskWindow, control: str) -> Event:
    """Tab on the participant's screen until `control` has focus."""
    for _ in range(20):
        start = window.mark()
        window.key("Tab")
        moved = window.wait_for(lambda e: e["event"] == "focus", what="a focus move",
                                since=start)
        if moved["control"] == control:
            return moved
    raise AssertionError(f"{control} never got focus")


def choose(window: KioskWindow, screen: str, **fields: str) -> Event:
    """Enter on the focused control: the first says it, the second chooses it."""
    start = window.mark()
    window.key("Return")
    window.wait_for(lambda e: e["event"] == "unheard", since=start, what="the name said")
    window.key("Return")
    return window.wait_for(lambda e: e["event"] == "screen" and e["name"] == screen
                           and all(e.get(k) == v for k, v in fields.items()),
                           what=f"screen {screen}", since=start)


def test_preview_a_pack_by_keys_alone_keeps_nothing(display: VirtualDisplay,
                                                     tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "packs").mkdir(parents=True)
    (data / "packs" / "park.toml").write_text(PARK, encoding="utf-8")
    StaffSettings(data).set_pin(PIN)
    window = KioskWindow(display, data)
    try:
        into_staff_menu(window)
        before = rows(data)
        focus_to(window, "Questions")
        window.key("Return")
        staff_screen(window, "questions")
        focus_to(window, "Change Park survey (version 1, park.toml)")
        window.key("Return")
        staff_screen(window, "pack-editor")
        preview = focus_to(window, "Preview")
        assert preview["text"] == "Preview, button"  # its name is said before it is chosen

        # The participant's own Welcome, marked and saying it is a preview first.
        start = window.mark()
        window.key("Return")
        welcome = window.wait_screen("welcome")
        assert MARK in welcome["shown"] and welcome["clipped"] == []
        assert said_since(window, start)[0].startswith(MARK)
        window.key("space")  # Space on Start, as for a participant
        consent = window.wait_screen("consent")
        assert MARK in consent["shown"]
        start = window.mark()
        question = choose(window, "question", question="again")
        assert MARK in question["shown"]
        assert any(s.startswith(MARK) and "Would you come again?" in s
                   for s in said_since(window, start))
        choose(window, "review")  # focus starts on Yes
        participant_focus_to(window, "finish")  # said as Tab reaches it: one Enter chooses
        start = window.mark()
        window.key("Return")
        thanks = window.wait_for(lambda e: e["event"] == "screen" and e["name"] == "thanks",
                                 since=start, what="the thanks screen")
        assert MARK in thanks["shown"]
        assert not any("give staff this code" in line for line in thanks["shown"])
        # Finish (focused, its name said when Tab reached it) ends the preview: back to the
        # pack being edited, told nothing was kept.
        participant_focus_to(window, "finish")
        start = window.mark()
        window.key("Return")
        back = staff_screen(window, "pack-editor", since=start)
        assert back["message"] == "The preview has ended; nothing was kept."
        assert back["focus"] == "Preview"
        assert any("The preview has ended; nothing was kept." in s
                   for s in said_since(window, start))
        assert not [e for e in window.events()[start:] if e["event"] == "saved"]
        assert rows(data) == before
    finally:
        window.stop()
    # On the real store file, after the kiosk has closed it: no participant, answer or pack.
    assert rows(data) == {"participants": 0, "answers": 0, "packs": 0}


def test_packs_on_a_stick_by_keys_alone(display: VirtualDisplay, tmp_path: Path) -> None:
    data = tmp_path / "data"
    media = tmp_path / "media"
    media.mkdir()
    StaffSettings(data).set_pin(PIN)
    window = KioskWindow(display, data, env={**display.env, "KIOSK_MEDIA_ROOT": str(media)})
    try:
        into_staff_menu(window)
        focus_to(window, "Packs on a stick")
        start = window.mark()
        window.key("Return")
        none = staff_screen(window, "stick", since=start)
        no_stick = "No USB stick found. Put one in and choose Look again."
        assert no_stick in none["text"] and no_stick in none["spoken"]
        assert none["clipped"] == [] and none["fonts"] == [none["font_px"]]

        # A stick arrives with a good pack (and its recording) and a broken one.
        packs = media / "STICK" / "packs"
        packs.mkdir(parents=True)
        (packs / "winter.toml").write_text(pack_text(), encoding="utf-8")
        recording(packs / "helps-en.wav")
        (packs / "broken.toml").write_text('[pack]\nid = "broken"\n', encoding="utf-8")
        focus_to(window, "Look again")
        start = window.mark()
        window.key("Return")
        found = staff_screen(window, "stick", since=start)
        broken = [line for line in found["text"].splitlines()
                  if line.startswith("broken.toml cannot be used: ")]
        assert len(broken) == 1 and broken[0] in found["spoken"]  # shown and said
        add = "Add Winter forum (version 1, winter.toml)"
        assert add in found["order"]

        named = focus_to(window, add)
        assert named["text"] == f"{add}, button"
        start = window.mark()
        window.key("Return")
        added = staff_screen(window, "stick", since=start)
        assert added["message"].startswith("Done: winter.toml: added 'winter-forum' version 1")
        assert added["message"] in said_since(window, start)[0]
        assert (data / "packs" / "winter.toml").read_text(encoding="utf-8") == pack_text()
        assert (data / "packs" / "helps-en.wav").is_file()

        # The same version with other questions is refused, saying the fix.
        (packs / "winter.toml").write_text(pack_text(question="What hurts?"), encoding="utf-8")
        focus_to(window, add)
        start = window.mark()
        window.key("Return")
        refused = staff_screen(window, "stick", since=start)
        assert "give the changed pack a new version (version = 2)" in refused["message"]
        assert load_pack(data / "packs" / "winter.toml")[0].questions[0].text.get("en") == \
            "What helps?"

        # The pack in use (the built-in one) copied to the stick.
        copy = next(name for name in refused["order"]
                    if name.startswith("Copy this pack to the stick: "))
        focus_to(window, copy)
        start = window.mark()
        window.key("Return")
        copied = staff_screen(window, "stick", since=start)
        assert copied["message"].startswith("Done: ")
        on_stick = {p.name for p in packs.glob("*.toml")} - {"winter.toml", "broken.toml"}
        assert len(on_stick) == 1
        assert load_pack(packs / on_stick.pop())[0].questions
    finally:
        window.stop()
