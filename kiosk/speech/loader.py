"""Loading a Vosk model in the background, so the Welcome screen is usable at once.

Loading the Korean model takes a few seconds (its graph is about 230 MB); a Raspberry Pi takes
longer. `load_model_async` returns a handle at once and reports ready or failed from its thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import vosk

vosk.SetLogLevel(-1)

REQUIRED_FILES = ("am/final.mdl", "conf/model.conf")


class ModelLoadError(RuntimeError):
    """The model folder is missing, incomplete or unreadable; the message says which and why."""


def check_model_dir(path: Path) -> list[str]:
    """Problems with a model folder (missing required files); empty when it looks complete."""
    path = Path(path)
    if not path.is_dir():
        return [f"{path}: no such model folder"]
    problems = [f"{path / name}: missing" for name in REQUIRED_FILES if not (path / name).is_file()]
    graph = path / "graph"
    static = (graph / "HCLG.fst").is_file()
    dynamic = (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()
    if not (static or dynamic):
        problems.append(f"{graph}: missing HCLG.fst (or HCLr.fst and Gr.fst)")
    return problems


def load_model(path: Path) -> vosk.Model:
    """Load a Vosk model now (blocking). Raises ModelLoadError with a one-line reason."""
    problems = check_model_dir(Path(path))
    if problems:
        raise ModelLoadError("; ".join(problems))
    try:
        return vosk.Model(str(path))
    except Exception as error:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelLoadError(f"{path}: Vosk could not load the model ({error})") from error


class ModelLoad:
    """A model being loaded on a background thread ("kiosk-model-load").

    `on_ready(model)` or `on_failed(error)` is called once from that thread; a Kivy caller should
    hop to the UI thread with Clock.schedule_once. `wait()` blocks until done (tests, CLI).
    """

    def __init__(
        self,
        path: Path,
        language: str = "",
        on_ready: Callable[[vosk.Model], None] | None = None,
        on_failed: Callable[[ModelLoadError], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.language = language
        self.model: vosk.Model | None = None
        self.error: ModelLoadError | None = None
        self.seconds = 0.0
        self._on_ready = on_ready
        self._on_failed = on_failed
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-model-load", daemon=True)
        self._thread.start()

    @property
    def ready(self) -> bool:
        """True once the model has loaded successfully."""
        return self.model is not None

    @property
    def done(self) -> bool:
        """True once loading has finished, successfully or not."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> vosk.Model | None:
        """Block until loaded; the model, or None on failure or timeout."""
        self._done.wait(timeout)
        return self.model

    def _run(self) -> None:
        started = time.monotonic()
        try:
            self.model = load_model(self.path)
        except ModelLoadError as error:
            self.error = error
        self.seconds = time.monotonic() - started
        try:
            if self.model is not None and self._on_ready:
                self._on_ready(self.model)
            elif self.error is not None and self._on_failed:
                self._on_failed(self.error)
        finally:
            self._done.set()


def load_model_async(
    path: Path,
    language: str = "",
    *,
    on_ready: Callable[[vosk.Model], None] | None = None,
    on_failed: Callable[[ModelLoadError], None] | None = None,
) -> ModelLoad:
    """Start loading the model at `path` in the background and return its handle at once."""
    return ModelLoad(path, language, on_ready, on_failed)
