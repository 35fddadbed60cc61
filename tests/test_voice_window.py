"""A whole spoken session in the real window: heard through the virtual microphone, kept as text.

The kiosk speaks through PulseAudio's null sink, whose monitor is also its microphone, so it
really does hear itself: the test proves it never transcribes its own voice. The person's
answers are espeak-ng Korean played into the sink after the kiosk has finished speaking, and
recognised by the real Korean Vosk model. Korean words that this model hears reliably from
espeak-ng: 라디오 free-form; 네, 그대로 and the numbers 사 and 이 with a grammar.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from kiosk.i18n import Catalogs
from kiosk.store.db import store_in
from tests.support.kiosk_window import KioskWindow
from tests.support.plugins.audio import VirtualAudio
from tests.support.plugins.display import VirtualDisplay

pytestmark = [pytest.mark.window, pytest.mark.audio, pytest.mark.slow]

# What the kiosk says when it did not make out a short reply, or was unsure of it.
SORRY = Catalogs().translate(
    "ko", "Sorry, I did not understand. Please say it again, or touch the screen.")

PACK = """
[pack]
id = "voice-test"
title = "음성 테스트"
languages = ["ko"]
version = 1

[[question]]
id = "favourite"
type = "open"
text = "무엇을 좋아하세요?"

[[question]]
id = "heard"
type = "scale"
text = "얼마나 들어 준다고 느끼세요?"

[[question]]
id = "role"
type = "choice"
text = "어떤 입장으로 참여하세요?"
choices = ["당사자", "돌봄 제공자", "종사자"]
"""


def test_a_whole_spoken_session_in_korean(display: VirtualDisplay, virtual_audio: VirtualAudio,
                                          tmp_path: Path) -> None:
    pack = tmp_path / "voice.toml"
    pack.write_text(PACK, encoding="utf-8")
    env = {**display.env, "XDG_RUNTIME_DIR": os.environ["XDG_RUNTIME_DIR"],
           "PULSE_SERVER": os.environ["PULSE_SERVER"]}
    window = KioskWindow(display, tmp_path / "data", "--pack", str(pack), voice=True, env=env)

    def answer_aloud(words: str, name: str, since: int) -> int:
        """After `since`: wait until the kiosk listens and has finished speaking, then say
        `words` until the kiosk hears something. Returns the mark to wait from for what the
        answer leads to."""
        window.wait_for(lambda e: e["event"] == "listen", what="the kiosk to listen",
                        since=since)
        window.wait_for(lambda e: e["event"] == "speaking", what="the kiosk to speak")
        window.wait_for(lambda e: e["event"] == "spoken", timeout=60,
                        what="the kiosk to finish speaking")
        # A person starts a second after the kiosk stops: it keeps its microphone shut for
        # `Speaker.tail_seconds` (0.4 s) after speaking, and a word begun sooner loses its first
        # syllable (라디오 is then heard as 리오).
        wav = virtual_audio.speak(words, "ko", tmp_path / f"{name}.wav", rate=150,
                                  pad=(1.0, 0.6))
        for _ in range(5):
            mark = window.mark()
            virtual_audio.play(wav)
            # As a person would, say it again when the kiosk did not make it out (it goes on
            # listening quietly) or was unsure of a short reply (it says so, then listens);
            # a busy machine can garble real-time audio.
            heard = window.poll_for(lambda e: e["event"] == "heard", timeout=15, since=mark)
            if heard is None:
                continue
            if not heard["grammar"]:
                return mark  # a free answer: read back, and the caller decides
            reply = window.wait_for(lambda e: e["event"] == "say", what="the kiosk's reply",
                                    since=mark)
            if reply["text"] != SORRY:
                return mark
            window.wait_for(lambda e: e["event"] == "spoken", timeout=60,
                            what="the kiosk to ask again", since=mark)
        raise AssertionError(f"{words!r} was never heard; last events: {window.events()[-5:]}")

    try:
        window.wait_screen("welcome", timeout=60)
        ready = window.wait_for(lambda e: e["event"] == "voice", timeout=60, what="the model")
        assert ready["ready"] is True, ready
        mark = window.mark()
        window.key("space")
        mark = answer_aloud("네", "yes", mark)  # consent, by voice
        # As a person would: if the kiosk did not catch it (it asks again), say it again; if it
        # read back something else, say "again" (다시) and repeat. A busy machine can garble
        # real-time audio; what is kept must still be exactly what was confirmed.
        for attempt in range(4):
            mark = answer_aloud("라디오", f"answer{attempt}", mark)
            heard = window.wait_for(lambda e: e["event"] == "heard" and not e["grammar"],
                                    timeout=30, what="the answer", since=mark)
            if heard["text"] == "라디오" and heard["confident"]:
                break
            if heard["confident"]:
                window.wait_screen("confirm")
                mark = answer_aloud("다시", f"again{attempt}", mark)
        else:
            raise AssertionError(f"the answer was never heard right: {heard}")
        window.wait_screen("confirm")
        # The read-back says exactly what will be kept.
        window.wait_for(lambda e: e["event"] == "say" and "라디오" in e["text"],
                        what="the read-back", since=mark)
        mark = answer_aloud("그대로", "keep", mark)  # keep it, by voice
        mark = answer_aloud("사", "four", mark)
        mark = answer_aloud("이", "two", mark)
        window.wait_screen("review", timeout=30)
    finally:
        window.stop()

    with sqlite3.connect(store_in(tmp_path / "data")) as db:
        rows = db.execute("SELECT question_id, value, text, method FROM current_answers "
                          "ORDER BY seq").fetchall()
    assert [(q, v, m) for q, v, _, m in rows] == [("favourite", '"라디오"', "voice"),
                                                  ("heard", '"4"', "voice"),
                                                  ("role", '"2"', "voice")]
    assert rows[0][2] == "라디오" and rows[1][2].startswith("4 ") and rows[2][2] == "돌봄 제공자"
    # Nothing the kiosk said itself was taken as an answer or a command.
    heard = [e for e in window.events() if e["event"] == "heard"]
    free = [i for i, e in enumerate(heard) if not e["grammar"]]
    consent = [e["text"] for e in heard[:free[0]]]  # the last one was acted on
    after = [e["text"] for e in heard[free[-1] + 1:]]  # keep it, then the two choices
    assert consent[-1] == "네" and heard[free[-1]]["text"] == "라디오"
    # (a grammar may repeat a word, "이 이": the core takes the one control it names)
    assert after[-2] == "사" and set(after[-1].split()) == {"이"}
    # "Keep it" answers to both of its words, keep and yes; on a busy machine the small model
    # sometimes hears the one when the other was said, and either keeps the answer. (Words
    # before it, if any, were ones the kiosk asked again about.)
    assert after[-3] in ("그대로", "네")
    # The kiosk spoke into the very sink it listens to, yet nothing was heard while it spoke.
    speaking = False
    for event in window.events():
        if event["event"] in ("speaking", "spoken"):
            speaking = event["event"] == "speaking"
        assert not (speaking and event["event"] == "heard"), event


def test_the_idle_countdown_starts_when_the_kiosk_has_finished_speaking(
        display: VirtualDisplay, virtual_audio: VirtualAudio, tmp_path: Path) -> None:
    """A screen read slowly (the consent text takes longer than the idle time here) is heard
    to its end, and the whole idle time is left after it: "Are you still there?" never cuts
    the kiosk's own speech short, and never comes sooner than the idle time after it."""
    env = {**display.env, "XDG_RUNTIME_DIR": os.environ["XDG_RUNTIME_DIR"],
           "PULSE_SERVER": os.environ["PULSE_SERVER"]}
    idle = 3.0
    window = KioskWindow(display, tmp_path / "data", "--idle", str(idle), "--warning", "20",
                         voice=True, env=env)
    try:
        window.wait_screen("welcome", timeout=60)
        window.key("space")
        window.wait_screen("consent")
        start = window.mark()
        last_spoken = idle_at = None
        begun: set[str] = set()  # what began to be said on the consent screen
        seen = start
        deadline = time.monotonic() + 90
        while idle_at is None and time.monotonic() < deadline:
            events = window.events()
            for event in events[seen:]:
                if event["event"] == "speaking":
                    begun.add(event["text"])
                elif event["event"] == "spoken" and event["text"] in begun:
                    # (Welcome's own speech, stopped by the key, may be reported after this.)
                    last_spoken = time.monotonic()
                    # Nothing the kiosk says on the consent screen is cut off by the warning.
                    assert event["completed"], events[start:]
                elif event["event"] == "screen" and event.get("name") == "idle":
                    idle_at = time.monotonic()
            seen = len(events)
            time.sleep(0.05)
        assert idle_at is not None and last_spoken is not None, window.events()[start:]
        waited = idle_at - last_spoken
        print(f"\nconsent read, then the warning {waited:.1f} s after the speech ended")
        # Polling and the trace's own latency take a little off the measured time.
        assert waited >= idle - 0.5
    finally:
        window.stop()
