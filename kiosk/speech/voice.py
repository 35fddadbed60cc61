"""The kiosk's voice and ears for the shell: the Speaker and one Listener per answer.

Adapts kiosk.speech to the shell's interfaces in kiosk.speech.ports (SpeechOut, SpeechIn).
Callbacks arrive on the speech threads; the shell hops back to its own thread (Kivy:
Clock.schedule_once).

The Listener is gated by the Speaker: while the kiosk speaks (and a moment after), microphone
audio is dropped, so the kiosk never transcribes its own voice (vosk-api #969).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from kiosk.core.screens import MAX_VOLUME
from kiosk.speech.listen import Listener, Transcript, is_low_confidence
from kiosk.speech.loader import ModelLoad, load_model_async
from kiosk.speech.models import find_model
from kiosk.speech.out import DEFAULT_VOLUME, Speaker, Utterance

log = logging.getLogger(__name__)


def speaker_volume(step: int) -> float:
    """The session's volume step (0 to 10, 5 moderate) as the speaker's gain (0 to 1)."""
    if step <= 5:
        return DEFAULT_VOLUME * step / 5
    return DEFAULT_VOLUME + (1 - DEFAULT_VOLUME) * (step - 5) / (MAX_VOLUME - 5)


class VoiceOut:
    """Speech out: what the shell says, at the participant's rate and volume."""

    def __init__(self, speaker: Speaker, headphones: str | None = None):
        self.speaker = speaker
        self.headphones = headphones  # the PulseAudio sink of the headphones' output, if any
        self._speaker_sink = speaker.pulse_sink
        self._done: dict[int, Callable[[bool], None]] = {}
        # Also told of every utterance's end (tests trace it); set by whoever wires the kiosk.
        self.on_finish: Callable[[Utterance, bool], None] | None = None
        speaker.on_finish = self._finished

    def say(self, text: str, language: str, rate: int, volume: int, queued: bool = False,
            on_done: Callable[[bool], None] | None = None) -> None:
        """Say `text` now, replacing any speech under way, or after it if `queued`.
        `on_done(completed)` is called from the speech thread when it ends or is dropped."""
        self.speaker.rate_step = rate
        self.speaker.volume = speaker_volume(volume)
        utterance = self.speaker.say(text, language, queued=queued)
        if on_done is not None:
            self._done[utterance.id] = on_done

    def _finished(self, utterance: Utterance, completed: bool) -> None:
        done = self._done.pop(utterance.id, None)
        if done is not None:
            done(completed)
        if self.on_finish is not None:
            self.on_finish(utterance, completed)

    def say_file(self, path: Path, volume: int, queued: bool = False) -> None:
        """Play a recorded human voice (a 16-bit WAV) instead of synthetic speech."""
        self.speaker.volume = speaker_volume(volume)
        self.speaker.say_file(path, queued=queued)

    def stop(self) -> None:
        """Stop speaking at once."""
        self.speaker.stop()

    def quiet_for(self) -> float:
        """Seconds since the kiosk last finished speaking; 0 while it speaks."""
        return self.speaker.quiet_for()

    def use_headphones(self, on: bool) -> None:
        """Speak only through the headphones' output (on), or through the speaker again."""
        if self.headphones:
            self.speaker.pulse_sink = self.headphones if on else self._speaker_sink


def _ready(on_result: Callable[[str, bool, str], None], language: str, model: object) -> None:
    on_result(language, True, "")


def _failed(on_result: Callable[[str, bool, str], None], language: str,
            error: BaseException | str) -> None:
    on_result(language, False, str(error))


class VoiceIn:
    """Speech in: recognition models loading in the background, one Listener at a time."""

    def __init__(self, speaker: Speaker, device: str | None = "pulse",
                 models_dir: Path | None = None):
        self.speaker = speaker
        self.device = device
        self.models_dir = models_dir
        self.loads: dict[str, ModelLoad] = {}
        self.paths: dict[str, Path] = {}
        self.current: Listener | None = None
        self.lock = threading.Lock()
        # Told when listening cannot start, or stops because the microphone went away mid-answer
        # (unplugged): (language, reason).
        self.on_lost: Callable[[str, str], None] | None = None

    def load(self, languages: Iterable[str],
             on_result: Callable[[str, bool, str], None]) -> None:
        """Start loading each language's model; report (language, ready, why not) for each."""
        for language in languages:
            installed = find_model(language, self.models_dir)
            if installed is None:
                on_result(language, False, f"no speech model for '{language}'; install one with:"
                          f" kiosk models install {language}")
                continue
            self.paths[language] = installed.path
            self.loads[language] = load_model_async(
                installed.path, language,
                on_ready=partial(_ready, on_result, language),
                on_failed=partial(_failed, on_result, language))

    def listen(self, language: str, grammar: tuple[str, ...] | None,
               on_partial: Callable[[str], None],
               on_final: Callable[[str, bool], None]) -> None:
        """Listen for one answer (or, with a grammar, one of the expected words)."""
        self.cancel()
        load = self.loads.get(language)
        if load is None or not load.ready:
            return

        def final(transcript: Transcript) -> None:
            on_final(transcript.text, not transcript.empty and not is_low_confidence(transcript))

        def lost(why: str) -> None:
            with self.lock:
                if self.current is listener:
                    self.current = None
            if self.on_lost is not None:
                self.on_lost(language, f"the microphone cannot be used ({why})")

        listener = Listener(load.model, language, grammar=list(grammar) if grammar else None,
                            model_dir=self.paths[language], device=self.device,
                            on_partial=on_partial, on_final=final, gate=self.speaker,
                            on_lost=lost)
        with self.lock:
            self.current = listener
        try:
            listener.start()
        except Exception as exc:  # a microphone that vanished: carry on by touch
            log.warning("cannot listen: %s", exc)
            with self.lock:
                self.current = None
            if self.on_lost is not None:
                self.on_lost(language, f"the microphone cannot be used ({exc})")

    def finish(self) -> None:
        """The person says they have finished (Done, Enter): recognise what was heard so far."""
        with self.lock:
            listener = self.current
        if listener is not None:
            listener.finish()

    def cancel(self) -> None:
        """Stop listening and drop what was heard."""
        with self.lock:
            listener, self.current = self.current, None
        if listener is not None:
            listener.cancel()
