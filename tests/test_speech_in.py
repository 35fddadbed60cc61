"""Speech in with the real parts: espeak-ng speaks Korean into the virtual microphone (a PulseAudio
null sink), sounddevice captures its monitor, and the real Korean Vosk model recognises it."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path

import pytest

from kiosk.speech.listen import Listener, Transcript, Word, grammar_json, is_low_confidence
from kiosk.speech.loader import load_model_async
from kiosk.speech.out import Speaker

pytestmark = pytest.mark.audio

# espeak-ng Korean at 175 wpm that the model recognises free-form (found by trying many words;
# most Korean words in espeak-ng's voice come out wrong without a grammar).
FREE_FORM_WORDS = ["라디오", "게임", "버스", "좋아요"]


def listen_to(
    virtual_audio, model, wav: Path, *, grammar=None, gate=None, max_seconds: float = 20
) -> tuple[Transcript | None, Listener, float, list[str]]:
    """Start a listener, play the WAV into the microphone; the transcript and timings."""
    partials: list[str] = []
    final_at: list[float] = []
    listener = Listener(
        model,
        "ko",
        grammar=grammar,
        max_seconds=max_seconds,
        on_partial=partials.append,
        on_final=lambda t: final_at.append(time.monotonic()),
        gate=gate,
    ).start()
    time.sleep(0.2)
    virtual_audio.play(wav)
    played_at = time.monotonic()
    transcript = listener.wait(max_seconds + 10)
    latency = (final_at[0] - played_at) if final_at else float("nan")
    return transcript, listener, latency, partials


@pytest.mark.parametrize("word", FREE_FORM_WORDS)
def test_free_form_words_end_by_themselves(virtual_audio, ko_model, tmp_path, word) -> None:
    wav = virtual_audio.speak(word, "ko", tmp_path / "word.wav")
    started = time.monotonic()
    transcript, listener, latency, partials = listen_to(virtual_audio, ko_model, wav)
    assert transcript is not None
    seconds = transcript.audio_seconds
    print(
        f"\n{word!r} -> {transcript.text!r} ({transcript.reason}), confidences "
        f"{[round(w.conf, 2) for w in transcript.words]}, result {latency:.2f} s after playback "
        f"ended, {seconds:.1f} s of audio in {time.monotonic() - started:.1f} s, "
        f"partials {partials}"
    )
    assert transcript.text == word
    # It ended by itself, when the speaker stopped: Vosk's endpoint or the listener's trailing
    # silence (whichever comes first), not finish() or the time limit.
    assert transcript.reason in ("endpoint", "silence")
    assert transcript.language == "ko"
    assert transcript.words and all(0 < w.conf <= 1 for w in transcript.words)


def test_low_confidence_helper() -> None:
    sure = Transcript("버스", (Word("버스", 0.95),), "ko")
    unsure = Transcript("버스 좋아요", (Word("버스", 0.9), Word("좋아요", 0.2)), "ko")
    assert not is_low_confidence(sure)
    assert is_low_confidence(unsure)  # one very unsure word is enough to ask again
    assert is_low_confidence(Transcript("", (), "ko"))  # nothing heard


@pytest.mark.parametrize("phrase", ["감사합니다", "안녕하세요", "아니요"])
def test_grammar_recognises_expected_phrases(virtual_audio, ko_model, tmp_path, phrase) -> None:
    wav = virtual_audio.speak(phrase, "ko", tmp_path / "phrase.wav")
    grammar = ["감사합니다", "안녕하세요", "네", "아니요"]
    transcript, _, latency, _ = listen_to(virtual_audio, ko_model, wav, grammar=grammar)
    assert transcript is not None
    print(f"\n{phrase!r} -> {transcript.text!r} with a grammar, {latency:.2f} s after playback")
    assert transcript.text == phrase
    assert transcript.reason in ("endpoint", "silence")  # ended by itself


NATIVE = ["하나", "둘", "셋", "넷"]
SINO = ["일", "이", "삼", "사"]


# Only these number words of espeak-ng's Korean voice are recognised even with a grammar: its
# 하나, 둘, 셋, 일 and 삼 come out as other numbers (see the report in the commit log).
@pytest.mark.parametrize(
    ("spoken", "numbers", "choice"), [("넷", NATIVE, 4), ("이", SINO, 2), ("사", SINO, 4)]
)
def test_choice_by_saying_its_number(
    virtual_audio, ko_model, tmp_path, spoken, numbers, choice
) -> None:
    wav = virtual_audio.speak(spoken, "ko", tmp_path / "number.wav")
    transcript, _, latency, _ = listen_to(virtual_audio, ko_model, wav, grammar=numbers)
    assert transcript is not None
    print(f"\nsaid {spoken!r} -> {transcript.text!r}, {latency:.2f} s after playback")
    assert transcript.text in numbers
    assert numbers.index(transcript.text) + 1 == choice


def test_grammar_drops_words_not_in_the_vocabulary(ko_model) -> None:
    warnings: list[str] = []
    text, dropped = grammar_json(["네", "아니요", "qqzzx없는말"], ko_model, warn=warnings.append)
    assert json.loads(text) == ["네", "아니요"]
    assert "아니요" in text  # not \\uXXXX escapes: Vosk ignores escaped words
    assert dropped == ["qqzzx없는말"]
    assert warnings and "qqzzx없는말" in warnings[0]


def test_kiosk_does_not_transcribe_its_own_voice(virtual_audio, ko_model) -> None:
    text = "라디오 게임 버스"
    with Speaker(volume=1.0) as speaker:
        speaker.prerender([(text, "ko")])
        # Control: without the gate the kiosk's own voice does reach the recogniser.
        heard = Listener(ko_model, "ko", max_seconds=20).start()
        time.sleep(0.2)
        speaker.say(text, "ko")
        assert speaker.wait(10)
        time.sleep(1.0)
        heard.finish()
        ungated = heard.wait(20)
        # With the speaker as the gate, nothing it says is transcribed.
        gated = Listener(ko_model, "ko", max_seconds=20, gate=speaker).start()
        time.sleep(0.2)
        speaker.say(text, "ko")
        assert speaker.wait(10)
        time.sleep(1.0)
        gated.finish()
        result = gated.wait(20)
    assert ungated is not None and not ungated.empty, "control: the speech never reached the mic"
    assert result is not None
    print(
        f"\nungated heard {ungated.text!r}; gated heard {result.text!r}, "
        f"{gated.dropped_seconds:.1f} s of microphone dropped"
    )
    assert result.empty
    assert gated.dropped_seconds > 1.0


def _audio_files(folder: Path) -> set[Path]:
    return {
        p for p in folder.rglob("*") if p.suffix.lower() in {".wav", ".raw", ".pcm"} and p.is_file()
    }


def test_listening_leaves_no_audio_file(virtual_audio, ko_model, tmp_path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    wav_dir = Path(tempfile.mkdtemp(prefix="kiosk-test-voice-"))  # the test's own input, outside
    wav = virtual_audio.speak("버스", "ko", wav_dir / "person.wav")
    temp = Path(tempfile.gettempdir())
    before_temp, before_data = _audio_files(temp), _audio_files(data_dir)
    transcript, _, _, _ = listen_to(virtual_audio, ko_model, wav)
    after_temp, after_data = _audio_files(temp), _audio_files(data_dir)
    wav.unlink()
    wav_dir.rmdir()
    # Speech was really heard (which word is other tests' business: under load the small model
    # once heard 버즈 for 버스), and no audio of it was kept anywhere.
    assert transcript is not None and transcript.words and transcript.audio_seconds > 0.5
    assert after_data == before_data == set()
    # Other test runs on the machine write into their own pytest folders meanwhile; those
    # folders are not where a recogniser would put audio (this test's own folder is checked).
    others = tmp_path.parent.parent
    new = {p for p in after_temp - before_temp
           if not p.is_relative_to(others) or p.is_relative_to(tmp_path)}
    assert new == set()


def test_finish_cancel_and_max_duration(virtual_audio, ko_model, tmp_path) -> None:
    finals: list[Transcript] = []
    # Done pressed while the person is silent: the listener ends with what it has (nothing).
    listener = Listener(ko_model, "ko", max_seconds=60, on_final=finals.append).start()
    time.sleep(0.5)
    started = time.monotonic()
    listener.finish()
    done = listener.wait(30)
    took = time.monotonic() - started
    print(f"\nfinish() to result: {took * 1000:.0f} ms")
    # Ended by Done, not by the time limit (a figure, not a timed test: a loaded machine is slow).
    assert done is not None and done.reason == "finished" and done.empty
    assert took < 30
    # Cancelled: no result at all.
    cancelled = Listener(ko_model, "ko", on_final=finals.append).start()
    time.sleep(0.3)
    cancelled.cancel()
    assert cancelled.wait(5) is None and not cancelled.running
    # Silence only: the time limit ends it.
    limited = Listener(ko_model, "ko", max_seconds=1.0, on_final=finals.append).start()
    result = limited.wait(10)
    assert result is not None and result.reason == "max-duration"
    assert [t.reason for t in finals] == ["finished", "max-duration"]


def test_pause_drops_audio(virtual_audio, ko_model, tmp_path) -> None:
    wav = virtual_audio.speak("라디오", "ko", tmp_path / "paused.wav")
    listener = Listener(ko_model, "ko", max_seconds=20).start()
    listener.pause()
    virtual_audio.play(wav)
    listener.resume()
    time.sleep(0.5)
    listener.finish()
    result = listener.wait(10)
    assert result is not None and result.empty


def test_model_loads_in_the_background(ko_model_dir, tmp_path) -> None:
    ready = threading.Event()
    failures: list[Exception] = []
    started = time.monotonic()
    load = load_model_async(ko_model_dir, "ko", on_ready=lambda m: ready.set())
    returned = time.monotonic() - started
    assert ready.wait(60) and load.ready and load.model is not None
    print(
        f"\nload_model_async returned in {returned * 1000:.1f} ms; loaded in {load.seconds:.1f} s"
    )
    assert returned < 0.1
    broken = tmp_path / "broken-model"
    (broken / "am").mkdir(parents=True)
    bad = load_model_async(broken, "xx", on_failed=failures.append)
    assert bad.wait(10) is None and bad.done and not bad.ready
    assert failures and "conf/model.conf: missing" in str(failures[0])
