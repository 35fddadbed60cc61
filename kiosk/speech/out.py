"""Speech out: the kiosk's own voice. Non-blocking say/stop/repeat, played through sounddevice.

All rendering and playback happen on one background thread ("kiosk-speaker"); the caller's thread
(the UI) only queues requests and never waits. Callbacks run on that background thread: a Kivy
caller should hop back to the UI thread with ``Clock.schedule_once``.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import sounddevice as sd

from kiosk.speech.audio import Audio, read_wav
from kiosk.speech.tts import DEFAULT_RATE_STEP, RATE_STEPS, Renderer, RenderError

log = logging.getLogger(__name__)

DEFAULT_VOLUME = 0.7  # moderate; the session resets to this (EN 5.1.3.13)
_BLOCK_SECONDS = 0.02  # playback block: stop() is heard within about one block plus device latency


@dataclass(frozen=True)
class Utterance:
    """What was asked to be spoken: text (or a file) with its language and rate."""

    id: int
    text: str
    language: str
    rate: int
    file: Path | None = None


FinishedCallback = Callable[[Utterance, bool], None]
"""Called as (utterance, completed): completed is False when stopped, replaced or failed."""


def find_output_device(name: str | None) -> int | str | None:
    """The sounddevice output device whose name contains `name` (case-insensitive), else None.

    None means PortAudio's default device. "pulse" is preferred when present so that the
    PulseAudio/PipeWire default sink (headphones or speaker as chosen) is used.
    """
    try:
        devices = sd.query_devices()
    except Exception:  # no audio system at all: let the default fail later
        return None
    wanted = (name or "pulse").lower()
    for index, device in enumerate(devices):
        if device["max_output_channels"] > 0 and wanted == device["name"].lower():
            return index
    for index, device in enumerate(devices):
        if device["max_output_channels"] > 0 and wanted in device["name"].lower():
            return index
    if name:
        log.warning("no output device named %r; using the default device", name)
    return None


class Speaker:
    """The kiosk's voice.

    `say()` returns at once; new speech replaces current speech; `stop()` silences within about
    0.1 s; `repeat()` replays the latest utterance. Rendered audio is cached per
    (text, language, rate) in memory only (LRU of `cache_size`): nothing spoken is written to
    disk, since what the kiosk says includes the participant's own answers read back.

    `tail_seconds` after playback ends `capture_blocked()` stays True, so a Listener gated on this
    speaker does not hear the last of the kiosk's own voice coming back from the device.
    """

    def __init__(
        self,
        *,
        device: str | None = None,
        rate_step: int = DEFAULT_RATE_STEP,
        volume: float = DEFAULT_VOLUME,
        renderer: Renderer | None = None,
        cache_size: int = 256,
        on_start: Callable[[Utterance], None] | None = None,
        on_finish: FinishedCallback | None = None,
        tail_seconds: float = 0.4,
        on_error: Callable[[Utterance, str], None] | None = None,
    ) -> None:
        self.device = find_output_device(device)
        # Through PulseAudio, the sink each utterance is played to (None: the default sink), so
        # the kiosk can speak through headphones only, or through the speaker.
        self.pulse_sink: str | None = None
        self._rate_step = max(0, min(len(RATE_STEPS) - 1, rate_step))
        self._volume = max(0.0, min(1.0, volume))
        self._own_renderer = renderer is None
        self.renderer = renderer or Renderer()
        self.cache_size = cache_size
        self.on_start = on_start
        self.on_finish = on_finish
        self.tail_seconds = tail_seconds
        # Told (utterance, why) when something could not be spoken (no engine, no sound device),
        # so the shell can show it: the participant carries on by touch and large print.
        self.on_error = on_error
        self._cache: OrderedDict[tuple[str, str, int], Audio] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._requests: queue.Queue[Utterance | None] = queue.Queue()
        self._next_id = 0
        # Utterances from this id on should be heard (a queued one follows the current one);
        # past every id after stop().
        self._first_wanted = 1
        self._state_lock = threading.Lock()
        self._latest: Utterance | None = None
        self._playing = threading.Event()
        # Utterances asked for and not yet played or dropped: wait() and capture_blocked()
        # count these, which (unlike "the queue is empty") has no gap while one is taken out.
        self._outstanding = 0
        self._settled = threading.Condition()
        self._quiet_since = time.monotonic()  # when the last utterance was played or dropped
        self._stop_playback = threading.Event()
        self._busy_until = 0.0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="kiosk-speaker", daemon=True)
        self._thread.start()

    # -- settings ------------------------------------------------------------------------------

    @property
    def rate_step(self) -> int:
        """Index into RATE_STEPS (0 slowest)."""
        return self._rate_step

    @rate_step.setter
    def rate_step(self, step: int) -> None:
        self._rate_step = max(0, min(len(RATE_STEPS) - 1, step))

    @property
    def rate(self) -> int:
        """Current speech rate in words per minute."""
        return RATE_STEPS[self._rate_step]

    @property
    def volume(self) -> float:
        """Playback volume 0.0-1.0; a change is heard at once, even mid-utterance."""
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        self._volume = max(0.0, min(1.0, value))

    def reset(self) -> None:
        """Back to defaults between participants: stop speaking, default rate and volume."""
        self.stop()
        self._rate_step = DEFAULT_RATE_STEP
        self._volume = DEFAULT_VOLUME
        with self._state_lock:
            self._latest = None

    # -- speaking ------------------------------------------------------------------------------

    def say(self, text: str, language: str = "en", *, rate: int | None = None,
            queued: bool = False) -> Utterance:
        """Speak `text` in `language`, replacing anything being spoken (or, if `queued`, after
        it: a confirmation must be heard in full before what follows). Returns at once."""
        return self._submit(text=text, language=language, rate=rate or self.rate, file=None,
                            queued=queued)

    def say_file(self, path: str | Path, language: str = "", *, queued: bool = False) -> Utterance:
        """Play a recorded human voice (16-bit PCM WAV) instead of synthesis. Returns at once."""
        return self._submit(text="", language=language, rate=0, file=Path(path), queued=queued)

    def repeat(self) -> Utterance | None:
        """Speak the latest utterance again (at the current rate). None if nothing was said."""
        with self._state_lock:
            latest = self._latest
        if latest is None:
            return None
        if latest.file is not None:
            return self.say_file(latest.file, latest.language)
        return self.say(latest.text, latest.language)

    def stop(self) -> None:
        """Silence the kiosk now and drop anything queued."""
        with self._state_lock:
            self._first_wanted = self._next_id + 1
        self._stop_playback.set()
        self._drain()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or playing (for tests and command-line tools)."""
        with self._settled:
            return self._settled.wait_for(lambda: self._outstanding == 0, timeout)

    @property
    def is_speaking(self) -> bool:
        """True while audio is playing."""
        return self._playing.is_set()

    def capture_blocked(self) -> bool:
        """True while speaking or queued, and `tail_seconds` after: do not listen to the mic."""
        return (
            self._playing.is_set()
            or self._outstanding > 0
            or time.monotonic() < self._busy_until
        )

    def prerender(self, items: Iterable[tuple[str, str]], rate: int | None = None) -> int:
        """Render (text, language) pairs into the cache now so later playback starts at once.

        Blocking: call it from a background thread. Returns how many were rendered.
        """
        count = 0
        for text, language in items:
            try:
                self.audio_for(text, language, rate or self.rate)
                count += 1
            except RenderError as error:
                log.warning("could not pre-render %r: %s", text[:40], error)
        return count

    def audio_for(self, text: str, language: str, rate: int) -> Audio:
        """Rendered audio for the text, from the cache when present (blocking)."""
        key = (text, language, rate)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        audio = self.renderer.render(text, language, rate)
        with self._cache_lock:
            self._cache[key] = audio
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return audio

    def close(self) -> None:
        """Stop speaking and end the background thread (and the renderer if this object made it)."""
        if self._closed:
            return
        self._closed = True
        self.stop()
        self._requests.put(None)
        self._thread.join(timeout=5)
        if self._own_renderer:
            self.renderer.close()

    def __enter__(self) -> Speaker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------------

    def _submit(self, *, text: str, language: str, rate: int, file: Path | None,
                queued: bool = False) -> Utterance:
        with self._state_lock:
            self._next_id += 1
            utterance = Utterance(self._next_id, text, language, rate, file)
            self._latest = utterance
            if not queued:
                self._first_wanted = utterance.id
        self._busy_until = float("inf")
        if not queued:
            self._stop_playback.set()  # replace whatever is playing
            self._drain()
        with self._settled:
            self._outstanding += 1
        self._requests.put(utterance)
        return utterance

    def _drain(self) -> None:
        while True:
            try:
                dropped = self._requests.get_nowait()
            except queue.Empty:
                return
            if dropped is None:  # keep a close request
                self._requests.put(None)
                return
            self._notify_finish(dropped, False)
            self._settle_one()

    def _settle_one(self) -> None:
        with self._settled:
            self._outstanding -= 1
            if self._outstanding == 0:
                self._quiet_since = time.monotonic()
                self._settled.notify_all()

    def quiet_for(self) -> float:
        """Seconds since the last utterance ended (played or dropped); 0 while one is playing
        or queued."""
        with self._settled:
            if self._outstanding > 0:
                return 0.0
            return time.monotonic() - self._quiet_since

    def _current(self, utterance: Utterance) -> bool:
        return utterance.id >= self._first_wanted and not self._closed

    def _run(self) -> None:
        while True:
            utterance = self._requests.get()
            if utterance is None:
                return
            completed = False
            try:
                if self._current(utterance):
                    audio = (
                        read_wav(utterance.file)
                        if utterance.file is not None
                        else self.audio_for(utterance.text, utterance.language, utterance.rate)
                    )
                    if self._current(utterance):  # not replaced while rendering
                        completed = self._play(utterance, audio)
            except (RenderError, ValueError, OSError, sd.PortAudioError) as error:
                log.error("could not speak %r: %s", utterance.text[:40] or utterance.file, error)
                if self.on_error:
                    self._safe_call(self.on_error, utterance, str(error))
            if self._requests.empty() and not self._playing.is_set():
                self._busy_until = min(self._busy_until, time.monotonic() + self.tail_seconds)
            self._notify_finish(utterance, completed)
            self._settle_one()

    def _play(self, utterance: Utterance, audio: Audio) -> bool:
        """Play audio, returning True if it played to the end."""
        self._stop_playback.clear()
        if not self._current(utterance):
            return False
        position = 0
        frame_bytes = 2 * audio.channels
        done = threading.Event()
        stopped = False

        def callback(outdata: memoryview, frames: int, _time: object, _status: object) -> None:
            nonlocal position, stopped
            if self._stop_playback.is_set():
                stopped = True
                outdata[:] = b"\0" * len(outdata)
                raise sd.CallbackAbort
            chunk = audio.pcm[position : position + frames * frame_bytes]
            position += len(chunk)
            gain = self._volume
            if gain != 1.0 and chunk:
                samples = array("h")
                samples.frombytes(chunk)
                chunk = array("h", (int(s * gain) for s in samples)).tobytes()
            outdata[: len(chunk)] = chunk
            if len(chunk) < len(outdata):
                outdata[len(chunk) :] = b"\0" * (len(outdata) - len(chunk))
                raise sd.CallbackStop

        if self.on_start:
            self._safe_call(self.on_start, utterance)
        self._playing.set()
        try:
            # PulseAudio's ALSA plugin picks the sink when a stream opens; each utterance opens
            # its own stream, so a change of output is heard from the next utterance on.
            if self.pulse_sink:
                os.environ["PULSE_SINK"] = self.pulse_sink
            else:
                os.environ.pop("PULSE_SINK", None)
            stream = sd.RawOutputStream(
                samplerate=audio.samplerate,
                channels=audio.channels,
                dtype="int16",
                device=self.device,
                blocksize=max(64, int(audio.samplerate * _BLOCK_SECONDS)),
                latency="low",
                callback=callback,
                finished_callback=done.set,
            )
            with stream:
                # Wait for the end, waking often so a stop is acted on at once.
                while not done.wait(0.01):
                    if self._stop_playback.is_set():
                        stopped = True
                        stream.abort()
                        break
        finally:
            self._playing.clear()
            self._busy_until = time.monotonic() + self.tail_seconds
        return not stopped and position >= len(audio.pcm)

    def _notify_finish(self, utterance: Utterance, completed: bool) -> None:
        if self.on_finish:
            self._safe_call(self.on_finish, utterance, completed)

    @staticmethod
    def _safe_call(callback: Callable[..., None], *args: object) -> None:
        try:
            callback(*args)
        except Exception:  # a UI bug must not kill the kiosk's voice
            log.exception("speech callback failed")
