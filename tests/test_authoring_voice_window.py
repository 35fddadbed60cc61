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
from tests.support.kiosk_window import Event, KioskWindow
from tests.support.plugins.audio import VirtualAudio
from tests.support.plugins.display import VirtualDisplay

pytestmark = [pytest.mark.window, pytest.mark.audio, pytest.mark.slow]

PIN = "246813"


def staff_screen(window: KioskWindow, name: str, since: int | None = None) -> Event:
    return window.wait_for(lambda e: e["event"] == "staff-screen" and e["name"] == name,
                           30, f"the staff screen {name}", since=since)


def focus_to(window: KioskWindow, control: str) -> Event:
    """Press Tab until `control` has focus (at most once round the screen); its announcement."""
    for _ in range(40):
        start = window.mark()
        window.key("Tab")
        moved = window.wait_for(lambda e: e["event"] == "staff-focus", what="a focus move",
                                since=start)
        if moved["control"] == control:
            return moved
    raise AssertionError(f"{control} never got focus")


def press(window: KioskWindow, control: str, screen: str) -> Event:
    """Focus `control`, press Enter, wait for `screen`."""
    focus_to(window, control)
    start = window.mark()
    window.key("Return")
    return staff_screen(window, screen, since=start)


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
        window.key("ctrl+alt+s")
        staff_screen(window, "pin")
        window.type(PIN)
        window.wait_for(lambda e: e["event"] == "staff-pin" and e["digits"] == 6)
        window.key("Return")
        staff_screen(window, "menu")
        press(window, "Questions", "questions")
        start = window.mark()
        window.key("Return")  # Make a new pack
        staff_screen(window, "pack-editor", since=start)
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
