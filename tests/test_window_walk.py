"""The participant's path walked as blind and partially sighted people walk it: in the real window,
by keys alone, and at every text size in every language of the built-in pack.

What is asserted is what a person meets: what was said (and in which order), what was drawn and
how large, what was saved. Nothing here reads the session's internal state.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.pack import default_pack_path, load_pack
from kiosk.core.screens import MAX_TEXT_SIZE
from kiosk.devtools.rehearsal import SAMPLE_ANSWERS
from kiosk.store.db import store_in
from kiosk.ui.theme import REFERENCE_PX_PER_MM, REFERENCE_PX_PER_MM_DOWN
from tests.support.kiosk_window import Event, KioskWindow, screenshot_of
from tests.support.plugins.display import VirtualDisplay

pytestmark = [pytest.mark.window, pytest.mark.slow]

SMALL_PACK = Path(__file__).parent / "packs" / "small.toml"


@pytest.fixture
def kiosk(display: VirtualDisplay, tmp_path: Path) -> Iterator[KioskWindow]:
    window = KioskWindow(display, tmp_path / "data", "--pack", str(SMALL_PACK))
    window.wait_screen("welcome", timeout=60)
    yield window
    window.stop()


def saved_answers(data_dir: Path) -> dict[str, str]:
    with sqlite3.connect(store_in(data_dir)) as db:
        return dict(db.execute("SELECT question_id, text FROM current_answers ORDER BY seq"))


def nothing_chosen_unheard(events: list[Event]) -> None:
    """Every control chosen by a key had its name said since its screen appeared: said on a
    move of focus (not queued), or said to the end after the screen's speech."""
    appeared: tuple[str, str | None] | None = None
    named: set[str] = set()
    for event in events:
        if event["event"] == "appeared":
            appeared, named = (event["name"], event["question"]), set()
        elif event["event"] == "focus" and not event.get("queued"):
            named.add(event["control"])
        elif event["event"] == "heard-name":
            named.add(event["control"])
        elif event["event"] == "press" and event["control"] != "start" \
                and not event["control"].startswith("key:") \
                and not (appeared and appeared[0] == "typing" and event["control"] == "done"):
            # (Enter in the answer field sends it to be read back: nothing is kept yet.)
            assert event["control"] in named, f"{event['control']} chosen unheard on {appeared}"


def press_until_focus(window: KioskWindow, key: str, control: str, most: int = 12) -> Event:
    """Press `key` until focus reaches `control`, as a person listens for the right name."""
    for _ in range(most):
        mark = window.mark()
        window.key(key)
        focus = window.wait_for(lambda e: e["event"] == "focus" and not e["queued"],
                                what="focus to move", since=mark)
        if focus["control"] == control:
            return focus
    raise AssertionError(f"focus never reached {control}")


def test_a_whole_session_by_keys_saves_only_what_was_heard(kiosk: KioskWindow) -> None:
    # A language's name is said in its own language's voice; its role in the screen's.
    mark = kiosk.mark()
    press_until_focus(kiosk, "Tab", "lang:gd")
    said = [(e["text"], e["language"]) for e in kiosk.events()[mark:] if e["event"] == "say"]
    assert said[-2:] == [("Gàidhlig", "gd"), ("choice 2 of 2.", "en")]
    # Shift alone (as when reaching for a key) does not start the session.
    kiosk.key("shift")
    assert kiosk.poll_for(lambda e: e["event"] == "screen" and e["name"] == "consent",
                          timeout=1.5) is None
    kiosk.key("s")  # Welcome says "press any key to start"
    kiosk.wait_screen("consent")
    kiosk.key("Return", "Return")
    kiosk.wait_screen("question", question="meaning")

    # The open question, typed on the physical keyboard.
    kiosk.key("Return", "Return")  # Type
    typing = kiosk.wait_screen("typing")
    assert "What does co-production mean to you?" in typing["shown"]
    assert {"answer", "keyboard", "done", "cancel"} <= set(typing["focus_order"])
    typed = kiosk.mark()
    kiosk.type("we share power")
    kiosk.wait_for(lambda e: e["event"] == "draft" and e["text"] == "we share power",
                   since=typed)
    # Each key is said as it is typed, the space bar too (a space sent to speech is silent).
    assert kiosk.said_since(typed).count("Space") == 2
    mark = kiosk.mark()
    kiosk.key("KP_Add")  # keypad + types itself while typing: it does not change the volume
    kiosk.wait_for(lambda e: e["event"] == "draft" and e["text"] == "we share power+",
                   since=mark)
    kiosk.key("BackSpace")
    assert not any("Volume" in s for s in kiosk.said_since(mark))
    kiosk.key("Return")
    kiosk.wait_screen("confirm")
    kiosk.key("Return", "Return")
    kiosk.wait_screen("question", question="role")

    # A choice question: Enter straight away says the focused choice instead of choosing it.
    mark = kiosk.mark()
    kiosk.key("Return")
    unheard = kiosk.wait_for(lambda e: e["event"] == "unheard", since=mark)
    assert unheard["control"] == "choice:lived"
    assert any(s.startswith("Someone with lived experience, choice 1 of 2")
               for s in kiosk.said_since(mark))
    assert not [e for e in kiosk.events()[mark:] if e["event"] == "saved"]
    press_until_focus(kiosk, "Down", "choice:carer")
    mark = kiosk.mark()
    kiosk.key("Return")
    kiosk.wait_screen("question", question="barriers")
    said = [e for e in kiosk.events()[mark:] if e["event"] == "say"]
    # "Saved: ..." is heard in full: the next question's speech waits for it.
    assert said[0]["text"] == "Saved: An unpaid carer" and not said[0]["queued"]
    assert said[1]["text"].startswith("Question 3 of 5") and said[1]["queued"]

    # A multi question: tick two, then Done.
    kiosk.key("Return", "Return")  # Transport, said first
    press_until_focus(kiosk, "Down", "choice:time")
    kiosk.key("Return")
    press_until_focus(kiosk, "Down", "done")
    kiosk.key("Return")
    kiosk.wait_screen("question", question="heard")
    # "Choose a number from 1 to 5": the digit goes to that choice and says it; Enter chooses.
    mark = kiosk.mark()
    kiosk.type("4")
    focus = kiosk.wait_for(lambda e: e["event"] == "focus" and not e["queued"], since=mark,
                           what="the digit to move focus")
    assert focus["control"] == "choice:4" and focus["text"].startswith("4")
    kiosk.key("Return")
    kiosk.wait_screen("question", question="again")
    kiosk.key("Return", "Return")
    kiosk.wait_screen("review")

    # Change the multi answer from Review: it opens with its ticks, and says so.
    press_until_focus(kiosk, "Down", "edit:barriers")
    mark = kiosk.mark()
    kiosk.key("Return")
    opened = kiosk.wait_screen("question", question="barriers")
    assert opened["selected"] == ["choice:transport", "choice:time"]
    spoken = " ".join(kiosk.said_since(mark))
    assert "You are changing your answer" in spoken
    assert "Transport, selected" in spoken and "Time, selected" in spoken
    press_until_focus(kiosk, "Down", "done")
    kiosk.key("Return")
    kiosk.wait_screen("review")

    # Change the single choice from Review: focus starts on the answer given, so Enter there
    # keeps it (once its name is heard); it is never the first choice by default.
    press_until_focus(kiosk, "Down", "edit:role")
    kiosk.key("Return")
    opened = kiosk.wait_screen("question", question="role")
    assert opened["selected"] == ["choice:carer"] and opened["focus"] == "choice:carer"
    mark = kiosk.mark()
    kiosk.key("Return")
    unheard = kiosk.wait_for(lambda e: e["event"] == "unheard", since=mark)
    assert unheard["control"] == "choice:carer"
    kiosk.key("Return")
    kiosk.wait_screen("review")

    assert saved_answers(kiosk.data_dir) == {
        "meaning": "we share power", "role": "An unpaid carer", "barriers": "Transport; Time",
        "heard": "4 – Mostly", "again": "Yes"}
    nothing_chosen_unheard(kiosk.events())


def test_the_on_screen_keyboard_by_keys_and_by_touch_to_explore(kiosk: KioskWindow) -> None:
    kiosk.key("Return")
    kiosk.wait_screen("consent")
    kiosk.touch("agree")
    kiosk.wait_screen("question", question="meaning")
    kiosk.touch("type")
    kiosk.wait_screen("typing")
    kiosk.touch("keyboard")
    board = kiosk.wait_screen("typing", keyboard=True)
    keys = {cid: box for cid, box in board["controls"].items() if cid.startswith("key:")}
    assert {"key:a", "key:space", "key:backspace", "key:close"} <= set(keys)
    # Every key at least 15 mm each way on the 7-inch panel, with at least 2 mm between keys.
    for _x, _y, w, h in keys.values():
        assert w / REFERENCE_PX_PER_MM >= 15 and h / REFERENCE_PX_PER_MM_DOWN >= 15
    boxes = sorted(keys.values(), key=lambda b: (b[1], b[0]))
    for a in boxes:
        for b in boxes:
            if a is b:
                continue
            apart_x = max(b[0] - (a[0] + a[2]), a[0] - (b[0] + b[2]))
            apart_y = max(b[1] - (a[1] + a[3]), a[1] - (b[1] + b[3]))
            assert apart_x / REFERENCE_PX_PER_MM >= 2 or apart_y / REFERENCE_PX_PER_MM_DOWN >= 2
    # The keys are in the focus order: arrows reach them and Enter types.
    press_until_focus(kiosk, "Right", "key:c")
    kiosk.key("Return")
    kiosk.wait_for(lambda e: e["event"] == "draft" and e["text"] == "c")
    kiosk.key("Escape")  # closes the keyboard, back to the answer
    back = kiosk.wait_screen("typing", keyboard=False)
    assert "c" in back["shown"]


def type_on_keyboard(window: KioskWindow, letter: str) -> None:
    """Touch the key for `letter`, turning the keyboard's pages until it is there."""
    for _ in range(6):
        window.settle()
        if f"key:{letter}" in window.boxes():
            mark = window.mark()
            window.touch(f"key:{letter}")
            window.wait_for(lambda e: e["event"] == "draft", since=mark)
            return
        mark = window.mark()
        window.touch("key:page")
        window.wait_for(lambda e: e["event"] == "say", since=mark)  # "Letters from ..."
    raise AssertionError(f"no key for {letter!r} on any page")


def test_korean_is_typed_in_syllable_blocks_and_heard_as_written(
        display: VirtualDisplay, tmp_path: Path) -> None:
    window = KioskWindow(display, tmp_path / "data")  # the built-in pack has Korean
    try:
        window.wait_screen("welcome", timeout=60)
        window.touch("lang:ko")
        window.wait_screen("welcome", language="ko")
        window.touch("start")
        window.wait_screen("consent")
        window.touch("agree")
        window.wait_screen("question", language="ko")
        window.touch("type")
        window.wait_screen("typing")
        window.touch("keyboard")
        board = window.wait_screen("typing", keyboard=True)
        # Korean letters in dictionary order, from the first key.
        keys = [c for c in board["focus_order"] if c.startswith("key:")]
        assert keys[:3] == ["key:ㄱ", "key:ㄲ", "key:ㄴ"]
        mark = window.mark()
        for letter in "ㅇㅏㄴㄴㅕㅇ":
            type_on_keyboard(window, letter)
        drafts = [e["text"] for e in window.events()[mark:] if e["event"] == "draft"]
        assert drafts == ["ㅇ", "아", "안", "안ㄴ", "안녀", "안녕"]
        said = window.said_since(mark)
        # Each key is heard as what it made: a letter alone by its name, then the block.
        for heard in ("이응", "아", "안", "니은", "녀", "녕"):
            assert heard in said, f"{heard!r} not said: {said}"
        mark = window.mark()
        window.touch("key:backspace")
        window.wait_for(lambda e: e["event"] == "draft" and e["text"] == "안녀", since=mark)
        type_on_keyboard(window, "ㅇ")
        window.touch("key:close")
        back = window.wait_screen("typing", keyboard=False)
        assert "안녕" in back["shown"]
        assert not board["clipped"]
        print("keyboard screenshot:", screenshot_of(window, board))
    finally:
        window.stop()


def test_touch_to_explore_covers_the_keyboard(display: VirtualDisplay, tmp_path: Path) -> None:
    window = KioskWindow(display, tmp_path / "data", "--pack", str(SMALL_PACK))
    try:
        window.wait_screen("welcome", timeout=60)
        window.touch("settings")
        window.wait_screen("settings")
        window.touch("explore")
        window.touch("explore")
        window.wait_for(lambda e: e["event"] == "say" and e["text"] == "Touch to explore is on")
        window.key("Escape")
        window.key("Return")
        window.wait_screen("consent")
        for control in ("agree", "agree"):
            window.touch(control)
        window.wait_screen("question", question="meaning")
        window.touch("type")
        window.touch("type")
        window.wait_screen("typing")
        window.touch("keyboard")
        window.touch("keyboard")
        window.wait_screen("typing", keyboard=True)
        mark = window.mark()
        window.touch("key:close")  # the first touch says what the key is; nothing happens
        window.wait_for(lambda e: e["event"] == "focus" and e["control"] == "key:close",
                        since=mark)
        window.settle()
        assert not [e for e in window.events()[mark:] if e["event"] == "screen"]
        window.touch("key:close")
        window.wait_screen("typing", keyboard=False)
    finally:
        window.stop()


def test_print_my_code_prints_the_code_and_nothing_else(display: VirtualDisplay,
                                                        tmp_path: Path) -> None:
    printer = tmp_path / "printer"
    printer.touch()  # a receipt printer's device; a file here
    window = KioskWindow(display, tmp_path / "data", "--pack", str(SMALL_PACK),
                         "--printer", str(printer))
    try:
        window.wait_screen("welcome", timeout=60)
        window.touch("start")
        window.wait_screen("consent")
        window.touch("agree")
        window.wait_screen("question", question="meaning")
        window.touch("skip")
        window.wait_screen("question", question="role")
        window.touch("choice:carer")
        for question in ("barriers", "heard", "again"):
            window.wait_screen("question", question=question)
            window.touch("skip")
        window.wait_screen("review")
        window.touch("finish")
        thanks = window.wait_screen("thanks")
        assert "print" in thanks["order"]
        said = " ".join(window.said_since(0))
        code = re.search(r"give staff this code: (\w+), (\w+), (\w+)\.", said)
        assert code, said
        press_until_focus(window, "Tab", "print")  # below the fold: by keys, as it is heard
        mark = window.mark()
        window.key("Return")
        window.wait_for(lambda e: e["event"] == "printed", since=mark)
        assert "Printing your code. Please take the paper from the printer." in \
            window.said_since(mark)
        slip = printer.read_bytes()
        assert slip.startswith(b"\x1b@") and b"\x1dV" in slip  # initialised, then cut
        for word in code.groups():
            assert word.encode() in slip
        assert saved_answers(window.data_dir) == {"role": "An unpaid carer"}
        assert b"carer" not in slip.lower()  # never an answer on paper
    finally:
        window.stop()


# Every size in every language: one kiosk per language, each walking the whole built-in pack at
# each text size in turn, including help, settings, the keyboard and the remove screens.


def walk_at_every_size(language: str, default: str) -> list[tuple[str, str]]:
    pack, _ = load_pack(default_pack_path())
    steps: list[tuple[str, str]] = []
    for size in range(MAX_TEXT_SIZE + 1):
        if language != default:
            steps.append(("press", f"lang:{language}"))
        steps += [("press", "settings"), *[("press", "size+")] * size, ("press", "close"),
                  ("press", "start"), ("press", "agree")]
        for number, q in enumerate(pack.questions):
            if q.type == "open" and number == 0:
                steps += [("press", "type"), ("type", SAMPLE_ANSWERS[language]),
                          ("press", "keyboard"), ("press", "key:close"), ("press", "done"),
                          ("press", "keep")]
            elif q.type == "open":
                steps.append(("press", "skip"))
            elif q.type == "multi":
                steps += [("press", f"choice:{q.choices[0].id}"), ("press", "done")]
            elif q.type == "yesno":
                steps.append(("press", "choice:yes"))
            else:
                steps.append(("press", f"choice:{q.choices[-1].id}"))
        steps += [("press", "help"), ("press", "close"), ("press", "finish"),
                  ("press", "withdraw"), ("press", "withdraw_no"), ("press", "finish")]
    return steps


RUN_WALK = """
import json, sys
from pathlib import Path
from kiosk.bootstrap import LaunchOptions, run
data, trace, shots, steps, printer = sys.argv[1:6]
run(LaunchOptions(data_dir=Path(data), trace=Path(trace), screenshots=Path(shots),
                  rehearsal=[tuple(s) for s in json.loads(steps)], voice=False,
                  printer=Path(printer)))
"""


def overlaps(a: list[int], b: list[int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_every_text_size_in_every_language_is_whole_and_never_shrunk(tmp_path: Path) -> None:
    pack, _ = load_pack(default_pack_path())
    displays = [VirtualDisplay(800, 480) for _ in pack.languages]
    runs = []
    try:
        for language, display in zip(pack.languages, displays, strict=True):
            folder = tmp_path / language
            folder.mkdir()
            (folder / "printer").touch()  # a receipt printer: the thanks screen offers to print
            steps = walk_at_every_size(language, pack.default_language)
            runs.append((language, folder, subprocess.Popen(
                [sys.executable, "-c", RUN_WALK, str(folder / "data"), str(folder / "trace.jsonl"),
                 str(folder / "shots"), json.dumps(steps), str(folder / "printer")],
                env=display.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)))
        for _, _, process in runs:
            assert process.wait(timeout=600) == 0
    finally:
        for _, _, process in runs:
            if process.poll() is None:
                process.kill()
        for display in displays:
            display.stop()
    for language, folder, _ in runs:
        events = [json.loads(line) for line in (folder / "trace.jsonl").read_text().splitlines()]
        screens = [e for e in events if e["event"] == "screen"]
        assert {e["text_size"] for e in screens} == set(range(MAX_TEXT_SIZE + 1)), language
        names = {e["name"] for e in screens}
        # With a receipt printer attached, "Print my code" is on every thanks screen, whole.
        thanks = [e for e in screens if e["name"] == "thanks"]
        assert thanks and all("print" in e["order"] for e in thanks), language
        assert {"welcome", "settings", "consent", "question", "typing", "confirm", "review",
                "help", "thanks", "withdraw"} <= names, language
        for screen in screens:
            where = (language, screen["text_size"], screen["name"], screen.get("question"))
            assert screen["clipped"] == [], where
            # One size per screen: no label drawn smaller than the body text.
            assert screen["smallest_px"] >= screen["font_px"], where
            if screen["text_size"] == 0:
                assert screen["cap_mm"] >= 6.0, where
            # "More" has its own lane: it covers no text and no control.
            if screen["more"]:
                scroller = screen["scroller"]
                assert screen["more"][1] >= scroller[1] + scroller[3], where
                for box in screen["controls"].values():
                    assert not overlaps(screen["more"], box), where
            # Every control at least 15 mm each way.
            for cid, (_x, _y, w, h) in screen["controls"].items():
                assert w / REFERENCE_PX_PER_MM >= 15 and h / REFERENCE_PX_PER_MM_DOWN >= 15, \
                    (*where, cid)
            if screen["name"] == "typing":
                assert screen["title"] in screen["shown"] or screen["keyboard"], where


def test_at_the_largest_text_size_what_is_typed_stays_in_view(kiosk: KioskWindow) -> None:
    """In the largest print the question fills the 800 x 480 screen: the answer being typed
    is brought into view as it is typed, so a person reading the screen sees what they wrote."""
    kiosk.key("Return")
    kiosk.wait_screen("consent")
    kiosk.key("Return", "Return")
    kiosk.wait_screen("question", question="meaning")
    kiosk.touch("settings")
    kiosk.wait_screen("settings")
    for size in range(1, MAX_TEXT_SIZE + 1):
        kiosk.touch("size+")
        kiosk.wait_screen("settings", text_size=size)
    kiosk.key("Escape")
    kiosk.wait_screen("question", question="meaning", text_size=MAX_TEXT_SIZE)
    kiosk.key("Return", "Return")  # Type
    kiosk.wait_screen("typing")
    mark = kiosk.mark()
    kiosk.type("equal say now")
    kiosk.wait_for(lambda e: e["event"] == "draft" and e["text"] == "equal say now", since=mark)
    kiosk.wait_for(lambda e: e["event"] == "layout" and "answer" in e["controls"], since=mark,
                   what="the answer field to come into view")
    kiosk.settle()
    assert "answer" in kiosk.boxes()
