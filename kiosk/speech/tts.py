"""Text to audio: pyttsx3's espeak driver in a separate process, with espeak-ng as the fallback.

The caller gets an `Audio` in memory. pyttsx3 never runs in the caller's process, so a hung
engine costs at most `timeout` seconds on the rendering thread, never the UI.
"""

from __future__ import annotations

import json
import logging
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from kiosk.speech.audio import Audio, pcm_wav_header_fixed, read_wav

log = logging.getLogger(__name__)

# espeak-ng voice per kiosk language (espeak-ng --voices lists them).
VOICES: dict[str, str] = {"en": "en", "gd": "gd", "pl": "pl", "ko": "ko"}

# Speech rates in words per minute, slowest first; the kiosk moves between these steps.
RATE_STEPS: tuple[int, ...] = (110, 135, 160, 185, 215)
DEFAULT_RATE_STEP = 2


def voice_for(language: str) -> str:
    """The espeak-ng voice for a language code such as "en" or "ko_KR" (falls back to the code)."""
    base = language.split("_")[0].split("-")[0].lower()
    return VOICES.get(base, base)


class RenderError(RuntimeError):
    """Neither pyttsx3 nor espeak-ng could render the text."""


class Renderer:
    """Renders text to audio; thread-safe (one render at a time).

    pyttsx3 runs in a long-lived worker process (fast after the first call); when it fails or does
    not answer within `timeout` seconds it is killed and espeak-ng renders instead. After
    `max_worker_failures` failures in a row pyttsx3 is no longer tried.
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        use_pyttsx3: bool = True,
        worker_command: Sequence[str] | None = None,
        max_worker_failures: int = 2,
    ) -> None:
        self.timeout = timeout
        self.use_pyttsx3 = use_pyttsx3
        self.worker_command = list(
            worker_command or [sys.executable, "-m", "kiosk.speech._tts_worker"]
        )
        self.max_worker_failures = max_worker_failures
        self.last_engine = ""
        # How many renders each engine made ("pyttsx3", "espeak-ng"): a fallback shows here.
        self.rendered_by: Counter[str] = Counter()
        self._failures = 0
        self._lock = threading.Lock()
        self._worker: subprocess.Popen[str] | None = None
        self._worker_ready = False
        self._scratch = tempfile.mkdtemp(prefix="kiosk-tts-")
        self._closed = False

    def render(self, text: str, language: str, rate: int) -> Audio:
        """Render `text` in `language` at `rate` words per minute. Raises RenderError."""
        voice = voice_for(language)
        with self._lock:
            if self.use_pyttsx3 and self._failures < self.max_worker_failures:
                try:
                    audio = self._render_pyttsx3(text, voice, rate)
                    self._failures = 0
                    self.last_engine = "pyttsx3"
                    self.rendered_by["pyttsx3"] += 1
                    return audio
                except RenderError as error:
                    self._failures += 1
                    log.warning("pyttsx3 failed (%s); using espeak-ng", error)
            audio = self._render_espeak(text, voice, rate)
            self.last_engine = "espeak-ng"
            self.rendered_by["espeak-ng"] += 1
            return audio

    def close(self) -> None:
        """Stop the worker process and remove the scratch folder."""
        with self._lock:
            self._closed = True
            self._kill_worker()
            shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- pyttsx3 in its own process --------------------------------------------------------

    def _spawn_worker(self) -> subprocess.Popen[str]:
        """Start a fresh worker; it says it is ready later (read on first use)."""
        worker = subprocess.Popen(
            self.worker_command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._worker = worker
        self._worker_ready = False
        return worker

    def _kill_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        if worker.poll() is None:
            worker.kill()  # only the process this object started
        worker.wait(timeout=5)
        for stream in (worker.stdin, worker.stdout):
            if stream:
                stream.close()

    def _read_answer(self, worker: subprocess.Popen[str], timeout: float) -> dict:
        assert worker.stdout is not None
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill_worker()
                raise RenderError(f"pyttsx3 gave no answer within {timeout:.0f} s")
            ready, _, _ = select.select([worker.stdout], [], [], min(remaining, 0.2))
            if ready:
                line = worker.stdout.readline()
                if not line:
                    self._kill_worker()
                    raise RenderError("pyttsx3 process ended")
                try:
                    return json.loads(line)
                except json.JSONDecodeError:
                    continue  # stray output; the answer is a JSON line
            elif worker.poll() is not None:
                self._kill_worker()
                raise RenderError(f"pyttsx3 process exited with code {worker.returncode}")

    def _render_pyttsx3(self, text: str, voice: str, rate: int) -> Audio:
        # One request per process: pyttsx3 keeps state between utterances (one's rate can stick to
        # the next, or nothing is written), so each render gets a fresh engine. The next worker is
        # started as soon as this one is done, so its start-up is hidden from the next render.
        worker = self._worker if self._worker and self._worker.poll() is None else None
        worker = worker or self._spawn_worker()
        if not self._worker_ready:
            ready = self._read_answer(worker, self.timeout)
            if not ready.get("ok"):
                self._kill_worker()
                raise RenderError(ready.get("error", "pyttsx3 did not start"))
            self._worker_ready = True
        out = os.path.join(self._scratch, "render.wav")
        try:
            assert worker.stdin is not None
            worker.stdin.write(
                json.dumps({"text": text, "voice": voice, "rate": rate, "out": out}) + "\n"
            )
            worker.stdin.flush()
        except (OSError, ValueError) as error:
            self._kill_worker()
            raise RenderError(f"pyttsx3 process unusable: {error}") from error
        try:
            answer = self._read_answer(worker, self.timeout)
        finally:
            self._kill_worker()
        if not self._closed:
            self._spawn_worker()
        try:
            if not answer.get("ok"):
                raise RenderError(answer.get("error", "pyttsx3 failed"))
            try:
                audio = read_wav(Path(out).read_bytes())
            except (OSError, ValueError) as error:
                raise RenderError(f"pyttsx3 output unreadable: {error}") from error
        finally:
            Path(out).unlink(missing_ok=True)
        if audio.frames == 0:
            raise RenderError("pyttsx3 rendered no audio")
        return audio

    # -- espeak-ng directly ------------------------------------------------------------------

    def _render_espeak(self, text: str, voice: str, rate: int) -> Audio:
        binary = shutil.which("espeak-ng") or shutil.which("espeak")
        if binary is None:
            raise RenderError(
                "espeak-ng is not installed; install it with: apt-get install espeak-ng"
            )
        try:
            # --stdout keeps the audio in memory; "--" so text starting with "-" is not an option.
            result = subprocess.run(
                [binary, "-v", voice, "-s", str(rate), "--stdout", "--", text],
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise RenderError(f"espeak-ng gave no audio within {self.timeout:.0f} s") from error
        if result.returncode != 0 or not result.stdout:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise RenderError(f"espeak-ng failed for voice {voice!r}: {message}")
        try:
            return read_wav(pcm_wav_header_fixed(result.stdout))
        except ValueError as error:
            raise RenderError(f"espeak-ng output unreadable: {error}") from error
