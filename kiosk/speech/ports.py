"""What the kiosk's shell needs from speech, as interfaces: kiosk.speech.voice adapts the real
devices to them, and the shell uses only these."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol


class SpeechOut(Protocol):
    """What the shell needs from speech output."""

    def say(self, text: str, language: str, rate: int, volume: int, queued: bool = False,
            on_done: Callable[[bool], None] | None = None) -> None:
        """Say `text`, replacing speech under way or, if `queued`, after it; `on_done(completed)`
        may be called from any thread when it has been said or dropped."""

    def say_file(self, path: Path, volume: int, queued: bool = False) -> None: ...

    def stop(self) -> None: ...

    def use_headphones(self, on: bool) -> None:
        """Speak only through the headphones' output (on), or through the speaker."""

    def quiet_for(self) -> float:
        """Seconds since the last thing said ended; 0 while something is being said."""


class SpeechIn(Protocol):
    """What the shell needs from speech recognition."""

    def listen(self, language: str, grammar: tuple[str, ...] | None,
               on_partial: Callable[[str], None],
               on_final: Callable[[str, bool], None]) -> None: ...

    def finish(self) -> None: ...

    def cancel(self) -> None: ...


class Recorder(Protocol):
    """What staff mode needs to record a person's voice: 16 kHz mono 16-bit PCM, in memory."""

    samplerate: int

    def record(self, max_seconds: float, on_done: Callable[[bytes, str], None],
               on_started: Callable[[], None] | None = None) -> None:
        """Beep, then record until stop() or `max_seconds`; `on_started()` once sound arrives,
        then `on_done(pcm, why)` once, both from any thread: why is "stopped", "limit", or what
        went wrong (pcm empty then)."""

    def stop(self) -> None:
        """End the recording now and keep it."""

    def cancel(self) -> None:
        """End the recording now and drop it (on_done is not called)."""


class SilentVoice:
    """Speech output when no speech engine is available: the text is only traced."""

    def say(self, text: str, language: str, rate: int, volume: int, queued: bool = False,
            on_done: Callable[[bool], None] | None = None) -> None:
        """Say nothing: nothing is ever heard, so `on_done` is never told it was."""

    def say_file(self, path: Path, volume: int, queued: bool = False) -> None:
        """Play nothing."""

    def stop(self) -> None:
        """Nothing to stop."""

    def use_headphones(self, on: bool) -> None:
        """No output to choose."""

    def quiet_for(self) -> float:
        """Nothing is ever said: quiet for as long as anyone asks."""
        return float("inf")
