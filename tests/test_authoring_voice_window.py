"""Staff mode's "Record my voice" in the real window, by keys alone, with the real microphone
path: the kiosk speaks into a PulseAudio null sink whose monitor is its microphone, espeak-ng
plays a person reading the question into it, and the take is saved beside the pack, played and
removed, every step said."""

from __future__ import annotations

import os
import wave
from pathlib import Path

import pytest

from kiosk.speech.audio import rms_dbfs
from kiosk.staff.settings import StaffSettings
from tests.support.kiosk_window import KioskWindow
from tests.support.plugins.audio import VirtualAudio
from tests.support.plugins.display import VirtualDisplay
from tests.support.staff_window import PIN, open_staff_menu, staff_screen
from tests.support.staff_window import press_to as press

pytestmark = [pytest.mark.window, pytest.mark.audio, pytest.mark.slow]









def test_record_play_and_remove_my_voice_by_keys_alone(display: VirtualDisplay,
                                                       virtual_audio: VirtualAudio,
                                                       tmp_path: Path) -> None:
    data = tmp_path / "data"
    StaffSettings(data).set_pin(PIN)
    env = {**display.env, "XDG_RUNTIME_DIR": os.environ["XDG_RUNTIME_DIR"],
           "PULSE_SERVER": os.environ["PULSE_SERVER"]}
    reading = virtual_audio.speak("What brings you to the hall today?", "en",
                                  tmp_path / "reading.wav")
    window = KioskWindow(display, data, voice=True, env=env)
    try:
        window.wait_screen("welcome", timeout=60)
        open_staff_menu(window)
        press(window, "Questions", "questions")
        start = window.mark()
        window.key("Return")  # Make a new pack
        editor = staff_screen(window, "pack-editor", since=start)
        assert "Say it for Pack name" in editor["order"]

        # No English speech model here: Say it says so once, and typing stays.
        told = press(window, "Say it for Pack name", "pack-editor")
        assert told["message"].startswith("Say it cannot listen: no speech model for English")
        assert "kiosk models install en" in told["message"] and told["message"] in told["spoken"]
        assert not [name for name in told["order"] if name.startswith("Say it")]
        assert told["focus"] == "Pack name"
        window.type("Hall voices")
        question = press(window, "Add a question", "question")
        window.type("What brings you here")
        assert "Record my voice" in question["order"]
        assert "Play my recording" not in question["order"]

        # Before the first recording: who records, and consent to keeping and sharing it.
        consent = press(window, "Record my voice", "recording-consent")
        assert "never participants" in consent["spoken"]
        assert "Do you agree to your recording being kept and shared?" in consent["spoken"]
        assert consent["order"] == ["I agree", "Do not record"]

        # The cap is said before recording; Stop has focus, so Enter stops it.
        start = window.mark()
        window.key("Return")  # I agree
        recording = staff_screen(window, "recording", since=start)
        assert recording["focus"] == "Stop" and recording["order"] == ["Stop"]
        said = window.wait_for(lambda e: e["event"] == "say" and "after 60 seconds" in e["text"],
                               since=start, what="the cap said")
        assert said["text"].endswith("Stop, button.")
        window.wait_for(lambda e: e["event"] == "staff-recording" and e["state"] == "started",
                        timeout=30, what="the recording to start", since=start)
        virtual_audio.play(reading)
        start = window.mark()
        window.key("Return")  # Stop
        saved = window.wait_for(lambda e: e["event"] == "staff-recording"
                                and e["state"] == "saved", what="the take saved", since=start)
        shown = staff_screen(window, "question", since=start)
        assert shown["message"] == (f"Recorded {saved['seconds']} second"
                                    f"{'s' if saved['seconds'] != 1 else ''}. Save the pack to "
                                    "keep it.")
        assert shown["focus"] == "Play my recording"
        assert shown["spoken"].startswith("Question 1 of 1. Recorded ")
        take = data / "packs" / saved["file"]
        assert saved["file"] == "hall-voices/q1-en-1.wav"
        with wave.open(str(take)) as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
            seconds = wav.getnframes() / 16000
            level = rms_dbfs(wav.readframes(wav.getnframes()))
        print(f"\nrecorded {seconds:.2f} s at {level:.1f} dBFS")
        assert seconds >= 2 and level > -40
        assert take.stat().st_mode & 0o777 == 0o600

        # Play it: Enter on the focused Play my recording.
        start = window.mark()
        window.key("Return")
        window.wait_for(lambda e: e["event"] == "staff-play", since=start, what="playing")

        # Remove it, after a confirmation.
        confirm = press(window, "Remove recording", "remove-recording")
        assert confirm["order"] == ["Keep it", "Remove it"]
        removed = press(window, "Remove it", "question")
        assert removed["message"] == "Recording removed. Save the pack to keep this change."
        assert removed["focus"] == "Record my voice"
        assert "Play my recording" not in removed["order"]
    finally:
        window.stop()


KOREAN_PACK = """[pack]
id = "voice-ko"
title = "듣기"
languages = ["ko"]
version = 1

[[question]]
id = "likes"
type = "open"
text = "무엇을 좋아하세요?"
"""


def test_say_it_reads_back_and_asks_before_filling_the_field(display: VirtualDisplay,
                                                             virtual_audio: VirtualAudio,
                                                             tmp_path: Path) -> None:
    data = tmp_path / "data"
    StaffSettings(data).set_pin(PIN)
    pack = data / "packs" / "voice-ko.toml"
    pack.parent.mkdir(parents=True)
    pack.write_text(KOREAN_PACK, encoding="utf-8")
    env = {**display.env, "XDG_RUNTIME_DIR": os.environ["XDG_RUNTIME_DIR"],
           "PULSE_SERVER": os.environ["PULSE_SERVER"]}
    # A person starts a second after the kiosk stops speaking (its microphone is shut until
    # a moment after it speaks).
    word = virtual_audio.speak("라디오", "ko", tmp_path / "word.wav", rate=150, pad=(1.0, 0.6))
    window = KioskWindow(display, data, "--pack", str(pack), voice=True, env=env)
    try:
        window.wait_screen("welcome", timeout=60)
        ready = window.wait_for(lambda e: e["event"] == "voice", timeout=60, what="the model")
        assert ready["ready"] is True, ready
        open_staff_menu(window)
        packs = press(window, "Questions", "questions")
        change = next(name for name in packs["order"] if name.startswith("Change 듣기"))
        editor = press(window, change, "pack-editor")
        assert editor["order"][:3] == ["Pack name", "Keyboard for Pack name",
                                       "Say it for Pack name"]

        heard = None
        for attempt in range(3):
            begun = window.mark()
            # A busy machine can garble real-time audio: say it again, as a person would.
            listening = press(window, "Say it again" if attempt else "Say it for Pack name",
                              "dictation")
            assert listening["order"] == ["Done", "Cancel"]
            assert "Say the words now" in listening["spoken"]
            window.wait_for(lambda e: e["event"] == "staff-listen", what="listening",
                            since=begun)
            # Spoken once the screen's words have been said (the microphone is shut meanwhile).
            window.wait_for(lambda e: e["event"] == "speaking"
                            and "Say the words now" in e["text"], timeout=30,
                            what="the dictation screen said", since=begun)
            window.wait_for(lambda e: e["event"] == "spoken", timeout=60,
                            what="the kiosk to finish speaking")
            start = window.mark()
            virtual_audio.play(word)
            heard = window.poll_for(lambda e: e["event"] == "staff-heard", timeout=15,
                                    since=start)
            if heard is not None and heard["text"] == "라디오":
                break
            if heard is None:
                window.key("Return")  # Done: what was heard so far is read back
                heard = window.wait_for(lambda e: e["event"] == "staff-heard", since=start)
            print(f"\nheard {heard['text']!r}; saying it again")
        assert heard is not None and heard["text"] == "라디오", heard
        asked = staff_screen(window, "dictation-heard", since=start)
        assert asked["title"] == "I heard: 라디오"
        assert asked["spoken"].startswith("I heard: 라디오. Put it in Pack name?")
        assert asked["order"] == ["Yes, use it", "Say it again", "Cancel"]
        assert asked["focus"] == "Yes, use it"

        # Nothing goes in the field until it is confirmed.
        start = window.mark()
        window.key("Return")
        named = staff_screen(window, "pack-editor", since=start)
        assert named["title"] == "Pack: 라디오"
        assert named["focus"] == "Pack name"
        assert "Pack name, text field, 라디오" in named["spoken"]
    finally:
        window.stop()
