"""The real kiosk window on a virtual display, driven by real X touches and keys.

Each test starts `kiosk run` as its own process, touches and types through xdotool, and checks
what the kiosk traced, what it saved in its SQLite store, and what its screenshots show.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from kiosk.staff.settings import StaffSettings
from kiosk.store.db import store_in
from kiosk.ui.theme import THEMES, contrast_ratio
from tests.support.kiosk_window import KioskWindow, screenshot_of
from tests.support.plugins.display import VirtualDisplay

pytestmark = [pytest.mark.window, pytest.mark.slow]


@pytest.fixture
def kiosk(display: VirtualDisplay, tmp_path: Path) -> Iterator[KioskWindow]:
    window = KioskWindow(display, tmp_path / "data")
    window.wait_screen("welcome", timeout=60)
    yield window
    window.stop()


def saved_answers(data_dir: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(store_in(data_dir)) as db:
        return db.execute("SELECT question_id, text, method FROM current_answers "
                          "ORDER BY seq").fetchall()


def test_a_whole_contribution_by_touch(kiosk: KioskWindow) -> None:
    kiosk.touch_at(400, 200)  # anywhere on Welcome
    kiosk.wait_screen("consent")
    kiosk.touch("agree")
    kiosk.wait_screen("question", question="meaning")
    kiosk.touch("type")
    kiosk.wait_screen("typing")
    kiosk.type("we share power")
    kiosk.key("Return")
    screen = kiosk.wait_screen("confirm")
    kiosk.touch("keep")
    kiosk.wait_screen("question", question="power")
    for following in ["barriers", "sharing", "ingredients", "heard"]:  # skip the other open ones
        kiosk.touch("skip")
        kiosk.wait_screen("question", question=following)
    kiosk.touch("choice:4")
    kiosk.wait_screen("question", question="taking-part-as")
    kiosk.touch("choice:unpaid-carer")
    review = kiosk.wait_screen("review")
    assert "edit:meaning" in review["order"]  # below the heading: the screen starts at its top
    # Every confirmed answer is already in the store before the person finishes.
    assert saved_answers(kiosk.data_dir) == [
        ("meaning", "we share power", "typed"),
        ("heard", "4 – Mostly", "tap"),
        ("taking-part-as", "An unpaid carer", "tap"),
    ]
    assert screen["clipped"] == []


def test_everything_works_from_the_keyboard_alone(kiosk: KioskWindow) -> None:
    start = len(kiosk.events())
    kiosk.key("Tab")
    focus = kiosk.wait_for(lambda e: e["event"] == "focus", what="focus to move")
    assert focus["text"] == "English, choice 1 of 4, selected"
    kiosk.key("s")  # any key (other than those that move or choose) starts
    kiosk.wait_screen("consent")
    assert any("anonymous" in s for s in kiosk.said_since(start))
    kiosk.key("F1")
    help_screen = kiosk.wait_screen("help")
    assert help_screen["focus"] == "close"
    kiosk.key("Escape")
    kiosk.wait_screen("consent")
    # Focus starts on "Start the questions", said after the screen; with no voice to say it to
    # the end, the first Enter says it and the second chooses it.
    kiosk.key("Return")
    kiosk.wait_for(lambda e: e["event"] == "unheard" and e["control"] == "agree")
    kiosk.key("Return")
    kiosk.wait_screen("question", question="meaning")
    kiosk.key("Return", "Return")  # focus starts on "Type"
    kiosk.wait_screen("typing")
    kiosk.type("listen to us")
    kiosk.key("BackSpace", "s")
    kiosk.key("Return")
    confirm = kiosk.wait_screen("confirm")
    assert confirm["focus"] == "keep"
    kiosk.key("Return", "Return")
    kiosk.wait_screen("question", question="power")
    kiosk.key("Escape")  # Back
    kiosk.wait_screen("question", question="meaning")
    before = len(kiosk.events())
    kiosk.key("plus")
    kiosk.wait_for(lambda e: e["event"] == "say" and e["text"] == "Volume 6 of 10",
                   what="the volume to go up")
    assert len(kiosk.events()) > before
    # Focus moves in visual order and wraps round: it is never trapped.
    order = []
    for _ in range(8):
        kiosk.key("Tab")
        order.append(kiosk.wait_for(lambda e: e["event"] == "focus")["control"])
    assert order[:6] == ["next", "back", "repeat", "help", "skip", "settings"]
    assert order[6:] == ["type", "next"]
    assert saved_answers(kiosk.data_dir) == [("meaning", "listen to us", "typed")]


def dominant_colours(png: Path, box: tuple[int, int, int, int]) -> list[tuple[int, int, int]]:
    image = Image.open(png).convert("RGB").crop(box)
    counts = image.getcolors(maxcolors=image.width * image.height) or []
    return [colour for _, colour in sorted(counts, reverse=True)[:6]]


@pytest.mark.parametrize("theme", list(THEMES))
def test_text_contrast_and_focus_outline_in_every_theme(display: VirtualDisplay, tmp_path: Path,
                                                        theme: str) -> None:
    window = KioskWindow(display, tmp_path / "data")
    try:
        window.wait_screen("welcome", timeout=60)
        window.touch("settings")
        window.wait_screen("settings")
        window.touch(f"theme:{theme}")
        window.wait_for(lambda e: e["event"] == "screen" and e["theme"] == theme)
        window.key("Escape")
        window.wait_screen("welcome", theme=theme)
        # Louder: Welcome is drawn again with its focused control, Start, scrolled into sight.
        window.key("plus")
        screen = window.wait_for(lambda e: e["event"] == "screen" and e["name"] == "welcome"
                                 and "start" in e["controls"], what="Start in sight")
        png = screenshot_of(window, screen)
        x, y, w, h = screen["controls"]["start"]
        # Text on the background, measured on the rendered pixels.
        top = screen["scroller"][1]
        background, *others = dominant_colours(png, (0, top, 780, y))
        text = max(others, key=lambda c: contrast_ratio(tuple(v / 255 for v in c),
                                                        tuple(v / 255 for v in background)))
        ratio = contrast_ratio(tuple(v / 255 for v in text), tuple(v / 255 for v in background))
        print(f"{theme}: text {text} on {background}: {ratio:.1f}:1")
        assert ratio >= 7
        # The focus outline round "Start": its colour, 3:1 against the background, >= 4 px.
        focus = tuple(round(v * 255) for v in THEMES[theme].focus)
        column = Image.open(png).convert("RGB").crop((x + w // 2, y - 2, x + w // 2 + 1, y + 20))
        run = longest = 0
        for pixel in (column.getpixel((0, i)) for i in range(column.height)):
            run = run + 1 if pixel == focus else 0
            longest = max(longest, run)
        outline = contrast_ratio(THEMES[theme].focus, tuple(v / 255 for v in background))
        print(f"{theme}: focus outline {longest} px at {outline:.1f}:1")
        assert longest >= 4 and outline >= 3
    finally:
        window.stop()


def test_idle_warning_then_reset_leaves_nothing_of_the_last_person(display: VirtualDisplay,
                                                                   tmp_path: Path) -> None:
    window = KioskWindow(display, tmp_path / "data", "--idle", "6", "--warning", "20")
    try:
        window.wait_screen("welcome", timeout=60)
        window.key("space")
        window.wait_screen("consent")
        window.touch("agree")
        window.wait_screen("question", question="meaning")
        window.touch("settings")
        window.wait_screen("settings")
        window.touch("size+")
        window.touch("theme:white-on-black")
        window.key("Escape")
        window.wait_screen("question", question="meaning", theme="white-on-black", text_size=1)
        window.touch("type")
        window.wait_screen("typing")
        window.type("my secret half answer")
        warning = window.wait_screen("idle", timeout=15)
        assert "20 seconds" in warning["title"] + str(window.said_since(0))
        # Any key carries on, with the typing intact; the warning can come again.
        window.key("shift")
        window.wait_screen("typing")
        window.wait_screen("idle", timeout=15)
        started = time.monotonic()
        welcome = window.wait_screen("welcome", timeout=30)
        waited = time.monotonic() - started
        assert waited >= 19, f"the warning lasted only {waited:.0f} s"
        assert welcome["theme"] == "yellow-on-black" and welcome["text_size"] == 0
        window.key("space")
        window.wait_screen("consent")
        window.touch("agree")
        window.wait_screen("question", question="meaning")
        window.touch("type")
        typing = window.wait_screen("typing")
        png = screenshot_of(window, typing)
        assert not any(e.get("text", "").endswith("half answer")
                       for e in window.events()[window.seen:] if e["event"] == "draft")
        # The new person's answer field is empty: nothing but the background in it.
        # (Its part in sight: the question above it may push its bottom out of view.)
        x, y, w, h = typing["positions"]["answer"]
        seen_to = min(y + h, typing["scroller"][1] + typing["scroller"][3])
        assert seen_to - y >= 40
        inner = dominant_colours(png, (x + 12, y + 12, x + w - 12, seen_to - 2))
        assert inner == [(0, 0, 0)]
        assert saved_answers(window.data_dir) == []
    finally:
        window.stop()


def test_large_screen_scales_print_and_targets(large_display: VirtualDisplay,
                                               tmp_path: Path) -> None:
    window = KioskWindow(large_display, tmp_path / "data", width=1920, height=1080)
    try:
        screen = window.wait_screen("welcome", timeout=60)
        assert screen["window"] == [1920, 1080]
        assert screen["font_px"] >= 107  # 2.25 times the 7-inch panel's 48 px
        assert all(h >= 201 for _, _, _, h in screen["controls"].values())
        assert screen["clipped"] == []
    finally:
        window.stop()


def test_a_recorded_human_voice_is_played_instead_of_synthesis(display: VirtualDisplay,
                                                               tmp_path: Path) -> None:
    pack = tmp_path / "recorded.toml"
    pack.write_text('[pack]\nid = "rec"\ntitle = "Recorded"\nlanguages = ["en"]\nversion = 1\n'
                    '[[question]]\nid = "q"\ntext = "What matters to you?"\n'
                    'audio = "q-en.wav"\n', encoding="utf-8")
    subprocess.run(["espeak-ng", "-w", str(tmp_path / "q-en.wav"), "What matters to you?"],
                   check=True, timeout=30)
    window = KioskWindow(display, tmp_path / "data", "--pack", str(pack))
    try:
        window.wait_screen("welcome", timeout=60)
        mark = window.mark()
        window.key("space")
        window.wait_screen("consent")
        window.key("Return", "Return")  # the first says "Start the questions", the second chooses
        said = window.wait_for(lambda e: e["event"] == "say" and "audio" in e, since=mark,
                               what="the recording to be chosen")
        assert said["audio"] == str(tmp_path / "q-en.wav")
    finally:
        window.stop()


def test_staff_mode_behind_a_pin_chooses_the_pack(display: VirtualDisplay, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "packs").mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "packs" / "small.toml", data / "packs" / "small.toml")
    kiosk_cli = [sys.executable, "-m", "kiosk"]
    subprocess.run([*kiosk_cli, "staff-pin", "--data", str(data), "--pin", "246813"],
                   check=True, timeout=60)
    subprocess.run([*kiosk_cli, "simulate", "--data", str(data), "--participants", "3",
                    "--seed", "1"], check=True, timeout=120, capture_output=True)
    shared = tmp_path / "stick" / "kiosk-shared.db"
    shared.parent.mkdir()
    StaffSettings(data).update(sync_target=str(shared))  # as if used before
    window = KioskWindow(display, data)
    try:
        window.wait_screen("welcome", timeout=60)
        window.key("ctrl+alt+s")
        pin = window.wait_for(lambda e: e["event"] == "staff-screen", what="the PIN pad")
        assert pin["name"] == "pin"

        def touch_staff(label: str) -> None:
            """Touch a staff control, first scrolling to it as a person would (large print)."""
            distance, last_up = 150, None  # type: tuple[int, bool | None]
            for _ in range(12):
                # After each swipe too: on a busy machine the layout event comes late, and a
                # stale one sent the next swipe the wrong way.
                window.settle()
                screen = [e for e in window.events() if e["event"] == "staff-screen"][-1]
                shown = [e for e in window.events() if e["event"] in ("staff-screen",
                         "staff-layout") and e["name"] == screen["name"]][-1]["controls"]
                if label in shown:
                    x, y, w, h = shown[label]
                    window.touch_at(x + w // 2, y + h // 2)
                    time.sleep(0.4)
                    return
                order = screen["order"]
                seen = [order.index(c) for c in shown if c in order]
                up = not seen or order.index(label) > max(seen)
                if last_up is not None and up != last_up:
                    # Gone past it: a shorter swipe, as a person's would be (a row of keys
                    # can sit between what one swipe shows and the next).
                    distance = max(40, distance // 2)
                window.swipe(up=up, distance=distance)
                last_up = up
            raise AssertionError(f"{label} is not on the staff screen: {shown}")

        for digit in "246813":
            touch_staff(digit)
        touch_staff("OK")
        menu = window.wait_for(lambda e: e["event"] == "staff-screen" and e["name"] == "menu",
                               what="the staff menu")
        assert "Contributions: 3 people" in menu["text"]
        touch_staff("Sync")
        window.wait_for(lambda e: e["event"] == "staff-screen" and e["name"] == "sync-form",
                        what="the sync form")
        touch_staff("Start")
        menu = window.wait_for(lambda e: e["event"] == "staff-screen" and e["name"] == "menu",
                               timeout=60, what="the sync to finish")
        assert "added 3 sessions and 18 answers" in menu["text"], menu["text"]
        spoken = [e["text"] for e in window.events() if e["event"] == "say"][-1]
        assert "added 3 sessions and 18 answers" in spoken  # the result is said aloud too
        with sqlite3.connect(shared) as db:
            assert db.execute("SELECT COUNT(DISTINCT participant_id) FROM answers").fetchone() \
                == (3,)
        touch_staff("Next pack")
        menu = window.wait_for(lambda e: e["event"] == "staff-screen" and e["name"] == "menu",
                               what="the pack to change")
        assert "Now using small.toml" in menu["text"] and "small-test" in menu["text"]
        touch_staff("Back to the kiosk")
        window.wait_screen("welcome")
        window.key("space")
        window.wait_screen("consent")
        start = window.mark()
        window.key("Return")
        if window.poll_for(lambda e: e["event"] == "screen" and e["name"] == "question",
                           timeout=3, since=start) is None:
            window.key("Return")  # a control not yet heard is said first, then chosen
            window.wait_screen("question")
        window.settle()
        assert any(text.startswith("Question 1 of 5.") for text in window.said_since(start))
        # (the small pack's five questions, not the built-in seven)
        # A long press on the top left corner opens staff mode too (and ends the session).
        window.xdotool("mousemove", "10", "10")
        window.xdotool("mousedown", "1")
        time.sleep(3.5)
        window.xdotool("mouseup", "1")
        pin = window.wait_for(lambda e: e["event"] == "staff-screen", what="the PIN pad again")
        assert pin["name"] == "pin"
        assert "246813" not in (data / "staff.json").read_text()
    finally:
        window.stop()


def test_the_usb_sync_status_is_shown_on_screen(display: VirtualDisplay, tmp_path: Path) -> None:
    window = KioskWindow(display, tmp_path / "data")
    try:
        window.wait_screen("welcome", timeout=60)
        status = tmp_path / "data" / "usb-status.json"
        status.write_text('{"state": "safe-to-remove", "message": "You can remove the USB '
                          'stick now."}', encoding="utf-8")
        notice = window.wait_for(lambda e: e["event"] == "notice", what="the notice")
        assert notice["state"] == "safe-to-remove"
        deadline = time.monotonic() + 5
        while not list(window.screenshots.glob("*-notice.png")) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.3)
        image = Image.open(next(window.screenshots.glob("*-notice.png"))).convert("RGB")
        # The banner is drawn inverted (theme text colour as background) across the top.
        top = window.last_screen()["scroller"][1]  # the banner spans the top of the middle
        assert image.getpixel((400, top + 10)) == (255, 255, 0)
    finally:
        window.stop()
