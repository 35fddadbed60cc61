"""Recording a person's voice from the microphone, for staff mode's "Record my voice".

The Recorder port of kiosk.speech.ports, through sounddevice: a short beep through the speaker,
then 16 kHz mono 16-bit audio from the microphone, kept in memory until it is handed over (the
caller writes it beside the pack). Only staff and group members record, never participants.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from array import array
from collections.abc import Callable

import sounddevice as sd

from kiosk.speech.listen import SAMPLE_RATE, find_input_device
from kiosk.speech.out import find_output_device

log = logging.getLogger(__name__)

BEEP_HZ = 880
BEEP_SECONDS = 0.25


def beep_pcm(samplerate: int = SAMPLE_RATE, seconds: float = BEEP_SECONDS) -> bytes:
    """A soft sine beep (a quarter of full scale), faded in and out so it does not click."""
    count = int(samplerate * seconds)
    fade = max(1, count // 10)
    samples = array("h", (
        int(8000 * min(1.0, i / fade, (count - i) / fade)
            * math.sin(2 * math.pi * BEEP_HZ * i / samplerate)) for i in range(count)))
    return samples.tobytes()


class MicrophoneRecorder:
    """Records one take at a time on its own thread ("kiosk-recorder")."""

    samplerate = SAMPLE_RATE

    def __init__(self, device: str | int | None = "pulse", beep: bool = True,
                 block_seconds: float = 0.1):
        self.device = device
        self.beep = beep
        self.block_seconds = block_seconds
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    def record(self, max_seconds: float, on_done: Callable[[bytes, str], None],
               on_started: Callable[[], None] | None = None) -> None:
        """Beep, then record until stop(), cancel() or `max_seconds`; see ports.Recorder."""
        self.cancel()
        self._stop, self._cancel = threading.Event(), threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(max_seconds, on_done, on_started, self._stop, self._cancel),
            name="kiosk-recorder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End now and keep what was recorded."""
        self._stop.set()

    def cancel(self) -> None:
        """End now and drop what was recorded."""
        self._cancel.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)

    def wait(self, timeout: float | None = None) -> None:
        """Block until the take under way has ended (for tests and the command line)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, max_seconds: float, on_done: Callable[[bytes, str], None],
             on_started: Callable[[], None] | None, stop: threading.Event,
             cancel: threading.Event) -> None:
        chunks: list[bytes] = []
        first = threading.Event()

        def block(data: memoryview, frames: int, _time: object, _status: object) -> None:
            chunks.append(bytes(data))  # PortAudio's thread: only keep the block
            first.set()
        why = "limit"
        try:
            if self.beep:
                # The beep ends before the microphone opens, so it is not in the recording.
                with sd.RawOutputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16",
                                        device=find_output_device(
                                            self.device if isinstance(self.device, str) else None)
                                        ) as speaker:
                    speaker.write(beep_pcm())
            device = find_input_device(self.device)
            with sd.RawInputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16",
                                   device=device,
                                   blocksize=int(SAMPLE_RATE * self.block_seconds),
                                   callback=block):
                # A sound server may take a second to open the microphone: the person is told
                # to speak, and the limit counts, only once sound is arriving.
                if not first.wait(10):
                    raise OSError("no sound arrived from the microphone in 10 s")
                if on_started is not None:
                    on_started()
                ends = time.monotonic() + max_seconds
                while time.monotonic() < ends:
                    if stop.is_set() or cancel.is_set():
                        why = "stopped"
                        break
                    time.sleep(0.02)
        except Exception as exc:  # no microphone: said to the person, never a traceback
            log.warning("cannot record: %s", exc)
            if not cancel.is_set():
                _safe(on_done, b"", f"the microphone cannot be used ({exc})")
            return
        if cancel.is_set():
            return  # dropped: the audio goes with this thread
        pcm = b"".join(chunks)[: int(SAMPLE_RATE * max_seconds) * 2]
        _safe(on_done, pcm, why)


def _safe(callback: Callable[[bytes, str], None], pcm: bytes, why: str) -> None:
    try:
        callback(pcm, why)
    except Exception:  # a UI bug must not be lost on the recorder's thread
        log.exception("recording callback failed")
