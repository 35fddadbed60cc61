"""Recording staff's own voice with the real parts: espeak-ng speaks into the virtual microphone
(a PulseAudio null sink), the Recorder captures its monitor through sounddevice, and the take is
saved beside a pack as staff mode saves it, then checked as a file: its length and its level."""

from __future__ import annotations

import threading
import time
import wave
from pathlib import Path

import pytest

from kiosk.speech.audio import read_wav, rms_dbfs
from kiosk.speech.record import MicrophoneRecorder
from kiosk.staff.authoring import new_draft, recording_name, save_draft, write_recording
from kiosk.staff.packs import available_packs

pytestmark = pytest.mark.audio


def take(recorder: MicrophoneRecorder, max_seconds: float,
         during: threading.Thread | None = None, stop_after: float | None = None,
         ) -> tuple[bytes, str]:
    """Record once; play `during` meanwhile; stop after `stop_after` s (else at the cap)."""
    results: list[tuple[bytes, str]] = []
    done = threading.Event()

    def finished(pcm: bytes, why: str) -> None:
        results.append((pcm, why))
        done.set()
    started = threading.Event()
    recorder.record(max_seconds, finished, started.set)
    assert started.wait(15), "the microphone never started"
    if during is not None:
        during.start()
        during.join(60)
    if stop_after is not None:
        time.sleep(stop_after)
        recorder.stop()
    assert done.wait(max_seconds + 15), "the recording never ended"
    return results[0]


def test_a_recorded_voice_is_saved_whole_and_loud_enough(virtual_audio, tmp_path: Path) -> None:
    voice = virtual_audio.speak("What brings you to the hall today?", "en",
                                tmp_path / "voice.wav")
    spoken = read_wav(voice).duration
    recorder = MicrophoneRecorder()
    player = threading.Thread(target=virtual_audio.play, args=(voice,))
    pcm, why = take(recorder, 60, during=player, stop_after=0.3)
    assert why == "stopped"
    seconds = len(pcm) / 2 / 16000
    print(f"\nspoken {spoken:.2f} s, recorded {seconds:.2f} s, level {rms_dbfs(pcm):.1f} dBFS")
    assert spoken <= seconds <= spoken + 3

    packs = tmp_path / "data" / "packs"
    draft = new_draft("Hall voices", "en")
    index = draft.add_question("open", "What brings you to the hall today?")
    draft.agree_to_recordings()
    name = recording_name(draft, index, "en", [packs])
    write_recording(packs, name, pcm, recorder.samplerate)
    draft.set_recording(index, "en", name)
    saved = save_draft(draft, packs, available_packs(tmp_path / "data"))
    with wave.open(str(packs / saved.pack.questions[0].audio["en"])) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        assert wav.getnframes() / 16000 == pytest.approx(seconds, abs=0.01)
        level = rms_dbfs(wav.readframes(wav.getnframes()))
    assert level > -40, f"the saved recording is near silence ({level:.1f} dBFS)"


def test_a_recording_stops_at_its_cap(virtual_audio, tmp_path: Path) -> None:
    voice = virtual_audio.speak("one two three four five six seven eight nine ten", "en",
                                tmp_path / "long.wav")
    player = threading.Thread(target=virtual_audio.play, args=(voice,))
    pcm, why = take(MicrophoneRecorder(), 1.5, during=player)
    assert why == "limit"
    assert len(pcm) / 2 / 16000 <= 1.5
    assert rms_dbfs(pcm) > -40


def test_a_cancelled_recording_is_never_handed_over(virtual_audio) -> None:
    recorder = MicrophoneRecorder()
    heard: list[str] = []
    recorder.record(10, lambda pcm, why: heard.append(why))
    time.sleep(0.8)
    recorder.cancel()
    recorder.wait(5)
    assert heard == []
