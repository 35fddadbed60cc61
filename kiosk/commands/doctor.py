"""`kiosk doctor`: check, and time, each part a session needs, one line per check."""

from __future__ import annotations

import shutil
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import click
import sounddevice as sd

from kiosk.commands.common import Command, data_option
from kiosk.speech import models as model_store
from kiosk.speech.audio import rms_dbfs
from kiosk.speech.listen import SAMPLE_RATE, find_input_device
from kiosk.speech.loader import ModelLoadError, load_model
from kiosk.speech.out import find_output_device
from kiosk.speech.tts import DEFAULT_RATE_STEP, RATE_STEPS, Renderer, RenderError, voice_for
from kiosk.store.db import read_kept_back, store_in
from kiosk.store.sync.messages import kept_back_line

DEFAULT_LANGUAGES = ("en", "gd", "pl", "ko")
PHRASES = {
    "en": "Hello, welcome.",
    "gd": "Halò, fàilte.",
    "pl": "Dzień dobry.",
    "ko": "안녕하세요.",
}
MIN_FREE_MB = 500


@dataclass
class Check:
    """One line of the doctor's report."""

    name: str
    verdict: str  # "ok", "warn", "MISSING" or "FAIL"
    detail: str
    fix: str = ""
    essential: bool = True
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """True if this check stops a session from working."""
        return self.essential and self.verdict == "FAIL"

    def line(self) -> str:
        """`VERDICT  name  time  detail  fix: ...`"""
        text = f"{self.verdict:<7} {self.name:<14} {self.seconds:6.2f} s  {self.detail}"
        return text + (f"  fix: {self.fix}" if self.fix else "")


def _timed(check: Callable[[], Check]) -> Check:
    started = time.monotonic()
    try:
        result = check()
    except Exception as error:  # a check that crashes is a failed check, not a traceback
        result = Check(
            getattr(check, "check_name", "check"), "FAIL", f"{type(error).__name__}: {error}"
        )
    result.seconds = time.monotonic() - started
    return result


def default_pack_languages() -> tuple[str, ...]:
    """Languages of the built-in pack (kiosk/packs/default.toml), else en, gd, pl, ko."""
    pack = Path(__file__).resolve().parent.parent / "packs" / "default.toml"
    try:
        languages = tomllib.loads(pack.read_text(encoding="utf-8"))["pack"]["languages"]
        return tuple(str(language) for language in languages) or DEFAULT_LANGUAGES
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return DEFAULT_LANGUAGES


def check_microphone(device: str) -> Check:
    """Open the microphone for half a second and measure its level."""
    chunks: list[bytes] = []
    index = find_input_device(device)
    if index is None and device not in ("pulse", "default", ""):
        # A named microphone that is not there: do not quietly test another one.
        return Check(
            "microphone",
            "FAIL",
            f"no input device named {device!r}",
            "plug in the microphone, or pass --mic-device with a name from: python -m sounddevice",
        )
    try:
        with sd.RawInputStream(
            samplerate=SAMPLE_RATE,
            blocksize=1600,
            dtype="int16",
            channels=1,
            device=index,
            callback=lambda data, frames, t, status: chunks.append(bytes(data)),
        ):
            time.sleep(0.5)
    except Exception as error:  # PortAudio errors vary
        return Check(
            "microphone",
            "FAIL",
            f"{device!r} does not open ({error})",
            "plug in the microphone, or pass --mic-device NAME",
        )
    pcm = b"".join(chunks)  # measured in memory only, then dropped
    level = rms_dbfs(pcm)
    name = sd.query_devices(index)["name"] if index is not None else "default"
    if not pcm:
        return Check(
            "microphone", "FAIL", f"{name}: opened but gave no audio", "check the microphone"
        )
    if level == float("-inf"):
        return Check(
            "microphone",
            "warn",
            f"{name}: opened, level silent (digital zero)",
            "check the microphone is not muted",
            essential=False,
        )
    return Check("microphone", "ok", f"{name}: opened, level {level:.0f} dBFS")


def check_speaker(device: str | None) -> Check:
    """Open the output device and play a moment of silence."""
    index = find_output_device(device)
    try:
        with sd.RawOutputStream(
            samplerate=22050, channels=1, dtype="int16", device=index
        ) as stream:
            stream.write(b"\0" * 4410)
    except Exception as error:
        return Check(
            "speaker",
            "FAIL",
            f"output device does not open ({error})",
            "plug in headphones or speaker, or pass --speaker-device NAME",
        )
    name = sd.query_devices(index)["name"] if index is not None else "default"
    return Check("speaker", "ok", f"{name}: opened")


def check_voice(renderer: Renderer, language: str, essential: bool) -> Check:
    """Render a short phrase and check its length and level."""
    name = f"voice {language}"
    try:
        audio = renderer.render(
            PHRASES.get(language, "Hello."), language, RATE_STEPS[DEFAULT_RATE_STEP]
        )
    except RenderError as error:
        return Check(name, "FAIL", str(error), "apt-get install espeak-ng", essential)
    level = audio.rms_dbfs()
    detail = (
        f"{voice_for(language)} via {renderer.last_engine}: {audio.duration:.2f} s, "
        f"level {level:.0f} dBFS"
    )
    if audio.duration < 0.3 or level < -45:
        return Check(
            name,
            "FAIL",
            detail + " (too short or too quiet)",
            f"check espeak-ng has the {voice_for(language)} voice",
            essential,
        )
    return Check(name, "ok", detail, essential=essential)


def check_model(language: str, models_dir: Path | None) -> Check:
    """Find and load the recognition model for a language."""
    name = f"model {language}"
    found = model_store.find_model(language, models_dir)
    if found is None:
        return Check(
            name,
            "MISSING",
            "no speech recognition model (touch and typing still work)",
            model_store.install_fix(language),
            essential=False,
        )
    started = time.monotonic()
    try:
        load_model(found.path)
    except ModelLoadError as error:
        return Check(name, "FAIL", str(error), f"kiosk models install {language}", essential=False)
    return Check(
        name,
        "ok",
        f"{found.path.name} ({found.source}) loads in {time.monotonic() - started:.1f} s",
        essential=False,
    )


def check_disk(data_dir: Path) -> Check:
    """Free space where contributions are written."""
    existing = data_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free_mb = shutil.disk_usage(existing).free / 1e6
    detail = f"{free_mb:,.0f} MB free at {existing}"
    if free_mb < 100:
        return Check("disk", "FAIL", detail, "free some space or use another --data folder")
    if free_mb < MIN_FREE_MB:
        return Check("disk", "warn", detail, "free some space before a long event", essential=False)
    return Check("disk", "ok", detail)


def check_kept_back(data_dir: Path) -> Check:
    """Rows a shared store refused on sync and this kiosk keeps back (never deleted)."""
    rows = read_kept_back(store_in(data_dir))
    if not rows:
        return Check("kept back", "ok", "no rows kept back from syncs", essential=False)
    reasons = sorted({reason for _, _, reason in rows})
    return Check(
        "kept back",
        "warn",
        kept_back_line(len(rows), reasons[0]).removesuffix("; see kiosk doctor")
        + (f" (and {len(reasons) - 1} other reasons)" if len(reasons) > 1 else ""),
        "the rows stay on this kiosk; send its data folder to whoever maintains the kiosks",
        essential=False,
    )


@click.command("doctor", cls=Command, renamed={"--data-dir": "--data"})
@click.option("--mic-device", default="pulse", show_default=True, help="Microphone device name.")
@click.option("--speaker-device", default=None, help="Speaker or headphone device name.")
@data_option
@click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where models are installed (default: $KIOSK_MODELS_DIR or models/installed).",
)
@click.option(
    "--language",
    "languages",
    multiple=True,
    help="Check this language (repeatable; default: the default pack's languages).",
)
def command(
    mic_device: str,
    speaker_device: str | None,
    data_dir: Path,
    models_dir: Path | None,
    languages: tuple[str, ...],
) -> None:
    """Check the microphone, speaker, voices, speech models and disk before an event.

    One line per check: verdict, time taken, what was found, and the fix. Exits 0 when every
    essential check passes, 1 otherwise. A missing speech model is reported but not essential:
    people can still answer by touch or typing. Rows a shared store refused on sync, kept
    back on this kiosk, are listed with the reason.

    \b
    Example:
        kiosk doctor
        kiosk doctor --language ko --mic-device "USB Audio"
    """
    languages = languages or default_pack_languages()
    checks: list[Check] = []

    def run(name: str, function: Callable[[], Check]) -> None:
        function.check_name = name  # type: ignore[attr-defined]
        result = _timed(function)
        checks.append(result)
        click.echo(result.line())

    run("microphone", lambda: check_microphone(mic_device))
    run("speaker", lambda: check_speaker(speaker_device))
    # The worker must not hang the doctor either: Renderer has its own timeout.
    with Renderer(timeout=10) as renderer:
        for position, language in enumerate(languages):
            run(
                f"voice {language}",
                partial(check_voice, renderer, language, essential=position == 0),
            )
    for language in languages:
        run(f"model {language}", partial(check_model, language, models_dir))
    models_found = [c for c in checks if c.name.startswith("model ") and c.verdict == "ok"]
    if not models_found:
        result = Check(
            "models",
            "FAIL",
            "no language has a speech model; voice answers impossible",
            model_store.install_fix(languages[0]),
        )
        checks.append(result)
        click.echo(result.line())
    run("disk", lambda: check_disk(data_dir))
    run("kept back", lambda: check_kept_back(data_dir))
    failed = [c for c in checks if c.failed]
    click.echo(
        f"{len(checks) - len(failed)} of {len(checks)} checks passed"
        + (f"; {len(failed)} essential failed" if failed else "")
    )
    if failed:
        raise SystemExit(1)
