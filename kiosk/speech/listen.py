"""Speech in: microphone -> Vosk on a background thread, with live partial text and a final result.

Audio goes from the sounddevice callback into an in-memory queue and from there into Vosk; it is
never written anywhere. While the kiosk itself is speaking (see `Speaker.capture_blocked`) or the
caller has paused capture, microphone blocks are dropped before they reach the recogniser, so the
kiosk never transcribes its own voice (vosk-api #969).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import sounddevice as sd
import vosk

from kiosk.speech.audio import rms_dbfs

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
LOW_CONFIDENCE = 0.6

vosk.SetLogLevel(-1)  # Kaldi's log lines mean nothing to a facilitator


@dataclass(frozen=True)
class Word:
    """One recognised word and Vosk's confidence in it (0.0-1.0)."""

    text: str
    conf: float


@dataclass(frozen=True)
class Transcript:
    """What the listener heard; `reason`: "endpoint", "silence" (quiet after the words),
    "finished", "max-duration" or "cancelled"."""

    text: str
    words: tuple[Word, ...]
    language: str
    reason: str = "endpoint"
    audio_seconds: float = 0.0

    @property
    def empty(self) -> bool:
        """True when nothing was recognised."""
        return not self.text.strip()

    def min_conf(self) -> float:
        """Lowest word confidence (1.0 with no words)."""
        return min((w.conf for w in self.words), default=1.0)

    def mean_conf(self) -> float:
        """Mean word confidence (1.0 with no words)."""
        return sum(w.conf for w in self.words) / len(self.words) if self.words else 1.0


def is_low_confidence(
    transcript: Transcript, *, mean_below: float = LOW_CONFIDENCE, min_below: float = 0.35
) -> bool:
    """True when the kiosk should ask again: nothing heard, a low mean, or one very unsure word."""
    return (
        transcript.empty or transcript.mean_conf() < mean_below or transcript.min_conf() < min_below
    )


def parse_result(result_json: str, language: str, reason: str, seconds: float) -> Transcript:
    """A Transcript from Vosk's Result()/FinalResult() JSON (with SetWords(True))."""
    data = json.loads(result_json)
    words = tuple(
        Word(str(item.get("word", "")), float(item.get("conf", 1.0)))
        for item in data.get("result", [])
    )
    return Transcript(data.get("text", "").strip(), words, language, reason, seconds)


# -- models and grammars ------------------------------------------------------------------


def is_dynamic_graph(model_dir: Path) -> bool:
    """True if the model can take a grammar at run time (graph/HCLr.fst and graph/Gr.fst)."""
    graph = Path(model_dir) / "graph"
    return (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()


def grammar_json(
    phrases: Iterable[str], model: vosk.Model, *, warn: Callable[[str], None] | None = None
) -> tuple[str, list[str]]:
    """Vosk grammar JSON for the phrases whose every word is in the model's vocabulary.

    Returns (json, dropped phrases). Unknown words would be silently ignored by Vosk and make the
    grammar match the wrong thing, so phrases containing them are dropped with a warning. The JSON
    keeps non-ASCII as is (ensure_ascii=False): escaped Hangul is silently ignored by Vosk.
    """
    kept: list[str] = []
    dropped: list[str] = []
    for phrase in phrases:
        phrase = " ".join(phrase.split())
        if not phrase:
            continue
        unknown = [w for w in phrase.split(" ") if model.vosk_model_find_word(w) < 0]
        if unknown:
            dropped.append(phrase)
            message = (
                f"grammar: {phrase!r} dropped; not in the model's vocabulary: {', '.join(unknown)}"
            )
            (warn or log.warning)(message)
        else:
            kept.append(phrase)
    return json.dumps(kept, ensure_ascii=False), dropped


def make_recognizer(
    model: vosk.Model,
    *,
    samplerate: int = SAMPLE_RATE,
    grammar: Sequence[str] | None = None,
    model_dir: Path | None = None,
) -> vosk.KaldiRecognizer:
    """A KaldiRecognizer with per-word confidences, restricted to `grammar` when the model allows.

    A grammar is used only for dynamic-graph models (pass `model_dir` to check); for others it is
    ignored with a warning, since Vosk would ignore it anyway.
    """
    if grammar:
        if model_dir is not None and not is_dynamic_graph(model_dir):
            log.warning("model %s has a static graph; grammar ignored", model_dir)
        else:
            text, _dropped = grammar_json(grammar, model)
            if text != "[]":
                recognizer = vosk.KaldiRecognizer(model, samplerate, text)
                recognizer.SetWords(True)
                return recognizer
            log.warning("grammar has no known words; listening free-form")
    recognizer = vosk.KaldiRecognizer(model, samplerate)
    recognizer.SetWords(True)
    return recognizer


def transcribe_pcm(
    recognizer: vosk.KaldiRecognizer, pcm: bytes, language: str, samplerate: int = SAMPLE_RATE
) -> Transcript:
    """Recognise a whole in-memory 16-bit mono PCM buffer (used for files; no device involved)."""
    texts: list[str] = []
    words: list[Word] = []
    step = samplerate // 5 * 2  # 0.2 s of 16-bit audio
    for offset in range(0, len(pcm), step):
        if recognizer.AcceptWaveform(pcm[offset : offset + step]):
            part = parse_result(recognizer.Result(), language, "endpoint", 0)
            texts.append(part.text)
            words.extend(part.words)
    part = parse_result(recognizer.FinalResult(), language, "finished", 0)
    texts.append(part.text)
    words.extend(part.words)
    text = " ".join(t for t in texts if t)
    return Transcript(text, tuple(words), language, "finished", len(pcm) / 2 / samplerate)


# -- input device -----------------------------------------------------------------------


def find_input_device(name: str | int | None = "pulse") -> int | None:
    """The input device index named `name` (exact, then substring); None means the default."""
    if isinstance(name, int):
        return name
    try:
        devices = sd.query_devices()
    except Exception:  # no audio system; opening the default will say why
        return None
    wanted = (name or "pulse").lower()
    for matcher in (lambda n: n == wanted, lambda n: wanted in n):
        for index, device in enumerate(devices):
            if device["max_input_channels"] > 0 and matcher(device["name"].lower()):
                return index
    if name and name != "pulse":
        log.warning("no input device named %r; using the default device", name)
    return None


class CaptureGate(Protocol):
    """Anything that says when the microphone must not be listened to (e.g. a Speaker)."""

    def capture_blocked(self) -> bool:
        """True while capture must be dropped."""
        ...


# -- the listener ---------------------------------------------------------------------------


class Listener:
    """Listens for one answer.

    Call `start()`; partial text goes to `on_partial(text)` as it changes; exactly one
    `on_final(Transcript)` follows when Vosk detects the end of the utterance (after speech), when
    `finish()` is called (Done/Enter), or after `max_seconds`. `cancel()` ends without `on_final`.
    Both callbacks run on the listener's own thread ("kiosk-listener"), never the caller's.

    `gate` (e.g. the Speaker) and `pause()`/`resume()` drop microphone audio before it reaches
    Vosk. Audio only ever lives in memory.

    If the microphone goes away while listening (the stream stops by itself, or no audio at all
    arrives for `stall_seconds`), `on_lost(reason)` is called instead of `on_final`, at once
    rather than after `max_seconds`, so the kiosk can say so and carry on by touch.
    """

    def __init__(
        self,
        model: vosk.Model,
        language: str,
        *,
        grammar: Sequence[str] | None = None,
        model_dir: Path | None = None,
        device: str | int | None = "pulse",
        max_seconds: float = 60.0,
        on_partial: Callable[[str], None] | None = None,
        on_final: Callable[[Transcript], None] | None = None,
        gate: CaptureGate | None = None,
        block_seconds: float = 0.1,
        trailing_silence: float = 1.0,
        silence_dbfs: float = -55.0,
        on_lost: Callable[[str], None] | None = None,
        stall_seconds: float = 3.0,
    ) -> None:
        self.model = model
        self.language = language
        self.grammar = list(grammar) if grammar else None
        self.model_dir = model_dir
        self.device = device
        self.max_seconds = max_seconds
        self.on_partial = on_partial
        self.on_final = on_final
        self.gate = gate
        self.block_seconds = block_seconds
        # Also end after this much quiet audio once words were recognised: Vosk's own endpoint
        # may never come on digital silence (a microphone with a noise gate sends exact zeros).
        self.trailing_silence = trailing_silence
        self.silence_dbfs = silence_dbfs
        self.on_lost = on_lost
        self.stall_seconds = stall_seconds
        self.lost: str | None = None  # why the microphone was lost mid-listen, if it was
        self._last_block = 0.0  # monotonic time the microphone last delivered a block
        self._had_block = False
        self._stream_started = threading.Event()
        self.dropped_seconds = 0.0  # microphone audio discarded while gated/paused
        self.first_partial_latency: float | None = None
        self.result: Transcript | None = None
        self._audio: queue.Queue[bytes | None] = queue.Queue()
        self._paused = threading.Event()
        self._finish = threading.Event()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._stream: sd.RawInputStream | None = None
        self._error: BaseException | None = None

    def start(self) -> Listener:
        """Open the microphone and start recognising in the background. Raises sd.PortAudioError."""
        if self._thread is not None:
            raise RuntimeError("a Listener listens once; make a new one for the next answer")
        recognizer = make_recognizer(self.model, grammar=self.grammar, model_dir=self.model_dir)
        stream = self._open_stream()
        self._stream = stream
        self._thread = threading.Thread(
            target=self._run, args=(recognizer,), name="kiosk-listener", daemon=True
        )
        self._thread.start()
        stream.start()
        self._last_block = time.monotonic()
        self._stream_started.set()
        return self

    def pause(self) -> None:
        """Drop microphone audio until resume() (e.g. while the UI plays a sound)."""
        self._paused.set()

    def resume(self) -> None:
        """Feed microphone audio to the recogniser again."""
        self._paused.clear()

    def finish(self) -> None:
        """End now and deliver what was heard so far (the Done button / Enter)."""
        self._finish.set()
        self._audio.put(None)

    def cancel(self) -> None:
        """End now without delivering a result (Back, reset, timeout)."""
        self._cancel.set()
        self._audio.put(None)

    def wait(self, timeout: float | None = None) -> Transcript | None:
        """Block until the listener ends; the Transcript, or None if cancelled or timed out."""
        self._done.wait(timeout)
        return self.result

    @property
    def running(self) -> bool:
        """True until the listener has ended."""
        return self._thread is not None and not self._done.is_set()

    # -- internals -------------------------------------------------------------------------

    def _open_stream(self) -> sd.RawInputStream:
        device = find_input_device(self.device)

        def stream(on: int | None) -> sd.RawInputStream:
            return sd.RawInputStream(samplerate=SAMPLE_RATE,
                                     blocksize=int(SAMPLE_RATE * self.block_seconds),
                                     dtype="int16", channels=1, device=on,
                                     callback=self._callback)

        try:
            return stream(device)
        except (sd.PortAudioError, ValueError):
            if device is None:
                raise
            log.warning("microphone %r failed; trying the default device", self.device)
            return stream(None)

    def _callback(self, indata: memoryview, frames: int, _time: object, _status: object) -> None:
        # PortAudio's thread: do nothing slow here, only hand the block over (or drop it).
        self._last_block = time.monotonic()
        self._had_block = True
        if self._paused.is_set() or (self.gate is not None and self.gate.capture_blocked()):
            self.dropped_seconds += frames / SAMPLE_RATE
            return
        self._audio.put(bytes(indata))

    def _run(self, recognizer: vosk.KaldiRecognizer) -> None:
        started = time.monotonic()
        fed_seconds = 0.0
        last_loud: float | None = None  # audio time of the last block louder than silence
        last_partial = ""
        reason = "finished"
        why = ""
        try:
            while True:
                if self._cancel.is_set():
                    reason = "cancelled"
                    break
                if self._finish.is_set():
                    reason = "finished"
                    break
                if time.monotonic() - started >= self.max_seconds:
                    reason = "max-duration"
                    break
                try:
                    block = self._audio.get(timeout=0.05)
                except queue.Empty:
                    why = self._microphone_gone()
                    if why:
                        reason = "lost"
                        break
                    continue
                if block is None:
                    continue
                fed_seconds += len(block) / 2 / SAMPLE_RATE
                if rms_dbfs(block) > self.silence_dbfs:
                    last_loud = fed_seconds
                elif last_partial and last_loud is not None \
                        and fed_seconds - last_loud >= self.trailing_silence:
                    reason = "silence"
                    break
                if recognizer.AcceptWaveform(block):
                    heard = parse_result(
                        recognizer.Result(), self.language, "endpoint", fed_seconds
                    )
                    if not heard.empty:
                        self._deliver(heard)
                        return
                    continue  # an endpoint after silence only: keep listening
                partial = json.loads(recognizer.PartialResult()).get("partial", "").strip()
                if partial != last_partial:
                    last_partial = partial
                    if partial and self.first_partial_latency is None:
                        self.first_partial_latency = time.monotonic() - started
                    if self.on_partial:
                        self._safe(self.on_partial, partial)
            if reason == "cancelled":
                return
            if reason == "lost":
                self._close_stream()
                self.lost = why or "the microphone stopped"
                log.warning("microphone lost while listening: %s", self.lost)
                if self.on_lost:
                    self._safe(self.on_lost, self.lost)
                return
            self._deliver(
                parse_result(recognizer.FinalResult(), self.language, reason, fed_seconds)
            )
        except BaseException as error:  # reported via wait()/result, never lost
            self._error = error
            log.exception("listener failed")
        finally:
            self._close_stream()
            # Forget any audio still queued: nothing from the microphone outlives the listener.
            while not self._audio.empty():
                self._audio.get_nowait()
            self._done.set()

    def _microphone_gone(self) -> str:
        """Why the microphone can no longer be listened to ("" while it is fine)."""
        stream = self._stream
        if stream is None or not self._stream_started.is_set() or self._finish.is_set() \
                or self._cancel.is_set():
            return ""
        try:
            if not stream.active and not stream.stopped:
                return "the microphone stopped sending sound (unplugged?)"
        except sd.PortAudioError as error:
            return f"the microphone failed ({error})"
        # A sound server may take a few seconds to deliver the first block; after that, blocks
        # come every block_seconds even in silence, so a long gap means the device is gone.
        limit = self.stall_seconds if self._had_block else max(self.stall_seconds, 10.0)
        if time.monotonic() - self._last_block > limit:
            return f"no sound from the microphone for {limit:g} s"
        return ""

    def _deliver(self, transcript: Transcript) -> None:
        self._close_stream()
        self.result = transcript
        if self.on_final:
            self._safe(self.on_final, transcript)

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except sd.PortAudioError:
                pass

    @staticmethod
    def _safe(callback: Callable[..., None], *args: object) -> None:
        try:
            callback(*args)
        except Exception:  # a UI bug must not stop the listener
            log.exception("listener callback failed")
