"""Speech out with the real parts: pyttsx3/espeak-ng rendering and sounddevice playback."""

from __future__ import annotations

import math
import subprocess
import sys
import threading
import time
import wave
from array import array
from pathlib import Path

import pytest

from kiosk.speech.audio import rms_dbfs
from kiosk.speech.out import Speaker, Utterance
from kiosk.speech.tts import RATE_STEPS, Renderer

pytestmark = pytest.mark.audio

LONG_TEXT = (
    "Welcome. This is a long sentence for the test, and it goes on for a good while, "
    "so that there is plenty of speech left when it is interrupted in the middle."
)


@pytest.mark.parametrize(
    ("language", "text"), [("en", "What does co-production mean to you?"), ("ko", "안녕하세요")]
)
def test_renders_real_audio(language: str, text: str) -> None:
    with Renderer() as renderer:
        started = time.monotonic()
        audio = renderer.render(text, language, 160)
        first = time.monotonic() - started
        started = time.monotonic()
        renderer.render(text, language, 160)
        second = time.monotonic() - started
        engine = renderer.last_engine
    level = audio.rms_dbfs()
    print(
        f"\n{language}: {audio.duration:.2f} s at {audio.samplerate} Hz, {level:.1f} dBFS, "
        f"render {first:.2f} s (worker start) then {second:.3f} s via {engine}"
    )
    assert engine == "pyttsx3"
    assert 0.5 < audio.duration < 8
    assert level > -35
    assert second < 2


def test_rate_steps_change_duration() -> None:
    with Renderer() as renderer:
        durations = [renderer.render(LONG_TEXT, "en", rate).duration for rate in RATE_STEPS]
    print("\nduration per rate step:", ", ".join(f"{d:.1f} s" for d in durations))
    assert len(RATE_STEPS) >= 4
    assert durations == sorted(durations, reverse=True)
    assert durations[0] > 1.5 * durations[-1]


@pytest.mark.parametrize(
    "worker",
    [
        [sys.executable, "-c", "import time; time.sleep(60)"],  # hangs without answering
        [sys.executable, "-c", "raise SystemExit(3)"],  # dies at once
    ],
    ids=["hung", "failed"],
)
def test_broken_engine_falls_back_to_espeak_without_hanging(worker: list[str]) -> None:
    with Renderer(timeout=1.5, worker_command=worker) as renderer:
        started = time.monotonic()
        audio = renderer.render("Hello", "en", 160)
        spent = time.monotonic() - started
        assert renderer.last_engine == "espeak-ng"
        # After repeated failures pyttsx3 is not tried again, so later renders are fast.
        renderer.render("Again", "en", 160)
        started = time.monotonic()
        renderer.render("And again", "en", 160)
        later = time.monotonic() - started
    print(f"\nfirst render with a broken engine {spent:.2f} s; later {later:.2f} s")
    assert audio.duration > 0.2 and audio.rms_dbfs() > -35
    assert spent < 5
    assert later < 1


def test_say_returns_at_once_even_when_engine_hangs(virtual_audio: object) -> None:
    hung = Renderer(timeout=2, worker_command=[sys.executable, "-c", "import time; time.sleep(60)"])
    finished: list[tuple[Utterance, bool]] = []
    with Speaker(renderer=hung, on_finish=lambda u, c: finished.append((u, c))) as speaker:
        started = time.monotonic()
        speaker.say("Hello there", "en")
        returned = time.monotonic() - started
        assert speaker.wait(15)
    hung.close()
    print(f"\nsay() returned in {returned * 1000:.2f} ms with a hung engine")
    assert returned < 0.05
    assert finished and finished[-1][1] is True


class Recorder:
    """Records the virtual sink's monitor (what a person would hear) in 10 ms pieces, in memory.

    Uses parec, PulseAudio's own recorder, so the measurement does not share PortAudio with the
    speaker under test.
    """

    def __init__(self) -> None:
        self.blocks: list[tuple[float, float]] = []  # (arrival time, dBFS)
        self._process: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._read, daemon=True)

    def __enter__(self) -> Recorder:
        self._process = subprocess.Popen(
            [
                "parec",
                "--device=kiosk_mic.monitor",
                "--format=s16le",
                "--rate=16000",
                "--channels=1",
                "--latency-msec=10",
                "--raw",
            ],
            stdout=subprocess.PIPE,
        )
        self._thread.start()
        time.sleep(0.3)  # let the recording settle before anything is played
        return self

    def __exit__(self, *_: object) -> None:
        assert self._process is not None
        self._process.terminate()
        self._process.wait(timeout=5)
        self._thread.join(timeout=5)

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        while block := self._process.stdout.read(320):
            self.blocks.append((time.monotonic(), rms_dbfs(block)))

    def loud_times(self, threshold: float = -50) -> list[float]:
        return [t for t, level in self.blocks if level > threshold]


def test_stop_is_quick(virtual_audio: object) -> None:
    finished: list[tuple[Utterance, bool]] = []
    with Speaker(volume=1.0, on_finish=lambda u, c: finished.append((u, c))) as speaker:
        speaker.prerender([(LONG_TEXT, "en")])
        with Recorder() as recorder:
            speaker.say(LONG_TEXT, "en")
            # Stop once speech is really audible on the device (not after a fixed time, which
            # a busy machine can overrun), and well before the long text would end.
            deadline = time.monotonic() + 10
            while not recorder.loud_times() and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.5)
            assert speaker.is_speaking
            stopped_at = time.monotonic()
            speaker.stop()
            while speaker.is_speaking:
                time.sleep(0.001)
            silent_at = time.monotonic()
            time.sleep(0.8)
    loud = recorder.loud_times()
    assert loud and loud[0] < stopped_at, "the speech was not heard on the device"
    last_heard = max(loud) - stopped_at
    print(
        f"\nstop(): playback ended {1000 * (silent_at - stopped_at):.1f} ms after, last sound "
        f"heard on the device {1000 * last_heard:.0f} ms after (includes device latency)"
    )
    assert silent_at - stopped_at < 0.1
    assert last_heard < 0.5
    assert finished[-1][1] is False


def test_queued_speech_is_heard_after_the_current_one_in_full(virtual_audio: object) -> None:
    """A confirmation ("Saved: ...") is not cut off by the next question: that one is queued."""
    finished: list[tuple[str, bool, float]] = []
    with Speaker(volume=1.0, on_finish=lambda u, c: finished.append(
            (u.text, c, time.monotonic()))) as speaker:
        first = speaker.audio_for("Saved: an unpaid carer.", "en", speaker.rate)
        speaker.prerender([("Question 3 of 5.", "en")])
        with Recorder() as recorder:
            started = time.monotonic()
            speaker.say("Saved: an unpaid carer.", "en")
            speaker.say("Question 3 of 5.", "en", queued=True)
            assert speaker.wait(15)
            time.sleep(0.3)
    assert [(text, completed) for text, completed, _ in finished] == [
        ("Saved: an unpaid carer.", True), ("Question 3 of 5.", True)]
    # The second began only once the first had played for its whole length.
    assert finished[0][2] - started >= first.duration * 0.9
    loud = recorder.loud_times()
    assert loud and max(loud) - started >= first.duration


def test_new_speech_replaces_old(virtual_audio: object) -> None:
    finished: list[tuple[Utterance, bool, float]] = []
    done = threading.Event()

    def on_finish(utterance: Utterance, completed: bool) -> None:
        finished.append((utterance, completed, time.monotonic()))
        if utterance.text == "Yes.":
            done.set()

    with Speaker(on_finish=on_finish) as speaker:
        short = speaker.audio_for("Yes.", "en", speaker.rate)
        speaker.say(LONG_TEXT, "en")
        time.sleep(1.0)
        replaced_at = time.monotonic()
        speaker.say("Yes.", "en")
        assert done.wait(10)
        repeated = speaker.repeat()
        assert repeated is not None and repeated.text == "Yes."
        assert speaker.wait(10)
    first, second = finished[0], finished[1]
    assert first[0].text == LONG_TEXT and first[1] is False
    assert second[0].text == "Yes." and second[1] is True
    # The short reply finished in about its own length: the long one did not play on.
    assert second[2] - replaced_at < short.duration + 1.0
    assert finished[-1][0].id == repeated.id and finished[-1][1] is True


def test_cache_makes_repeat_fast_and_volume_applies(virtual_audio: object) -> None:
    with Speaker() as speaker:
        first = speaker.audio_for("Thank you.", "en", speaker.rate)
        again = speaker.audio_for("Thank you.", "en", speaker.rate)
        assert again is first  # the same rendered audio, from the cache
        speaker.volume = 0.3
        speaker.rate_step = 0
        slow = speaker.audio_for("Thank you.", "en", speaker.rate)
        assert slow.duration > first.duration
        speaker.reset()
        assert speaker.volume == pytest.approx(0.7) and speaker.rate == RATE_STEPS[2]


def test_say_file_plays_a_recorded_voice(virtual_audio: object, tmp_path: Path) -> None:
    path = tmp_path / "recorded-question.wav"
    tone = array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / 16000)) for i in range(16000)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(tone.tobytes())
    finished: list[bool] = []
    with Speaker(volume=1.0, on_finish=lambda u, c: finished.append(c)) as speaker:
        with Recorder() as recorder:
            started = time.monotonic()
            speaker.say_file(path)
            assert speaker.wait(10)
            spent = time.monotonic() - started
            time.sleep(0.3)
    assert finished == [True]
    assert 0.9 < spent < 4  # includes opening the device
    assert len(recorder.loud_times()) > 50  # about a second of tone reached the device
