"""Audio held in memory: 16-bit PCM with its sample rate, plus the few measurements the kiosk needs.

Nothing here writes audio to disk. Pure Python (array), so no numpy is needed on a small device.
"""

from __future__ import annotations

import io
import math
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Audio:
    """Signed 16-bit little-endian PCM audio in memory."""

    pcm: bytes
    samplerate: int
    channels: int = 1

    @property
    def frames(self) -> int:
        """Number of frames (samples per channel)."""
        return len(self.pcm) // (2 * self.channels)

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self.samplerate if self.samplerate else 0.0

    def rms_dbfs(self) -> float:
        """Root-mean-square level in dB relative to full scale (-inf for silence)."""
        return rms_dbfs(self.pcm)

    def to_wav_bytes(self) -> bytes:
        """The audio as a complete WAV file in memory."""
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(self.channels)
            out.setsampwidth(2)
            out.setframerate(self.samplerate)
            out.writeframes(self.pcm)
        return buffer.getvalue()


def rms_dbfs(pcm: bytes) -> float:
    """RMS level of 16-bit PCM in dBFS; -inf when empty or silent."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    if not samples:
        return float("-inf")
    mean_square = sum(s * s for s in samples) / len(samples)
    if mean_square <= 0:
        return float("-inf")
    return 10 * math.log10(mean_square / (32768.0 * 32768.0))


def peak(pcm: bytes) -> int:
    """Largest absolute 16-bit sample value."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    return max((abs(s) for s in samples), default=0)


def scale(pcm: bytes, gain: float) -> bytes:
    """PCM with every sample multiplied by `gain` (clipped to 16 bits)."""
    if gain == 1.0:
        return pcm
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    scaled = array("h", (max(-32768, min(32767, int(s * gain))) for s in samples))
    return scaled.tobytes()


def read_wav(source: bytes | str | Path) -> Audio:
    """Read a 16-bit PCM WAV from bytes or a path.

    Raises ValueError naming the problem when it is not 16-bit PCM WAV.
    """
    try:
        handle = wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source), "rb")
    except (wave.Error, EOFError) as error:
        raise ValueError(f"not a PCM WAV file ({error})") from error
    with handle:
        if handle.getsampwidth() != 2:
            raise ValueError(
                f"WAV has {8 * handle.getsampwidth()}-bit samples; convert it to 16-bit PCM, "
                "e.g. sox IN.wav -b 16 OUT.wav"
            )
        return Audio(
            pcm=handle.readframes(handle.getnframes()),
            samplerate=handle.getframerate(),
            channels=handle.getnchannels(),
        )


def pcm_wav_header_fixed(wav: bytes) -> bytes:
    """espeak-ng --stdout writes a WAV whose size fields are 0x7fffffff; make them true."""
    if len(wav) < 44 or wav[:4] != b"RIFF" or wav[36:40] != b"data":
        return wav
    data_size = len(wav) - 44
    return (
        wav[:4]
        + (36 + data_size).to_bytes(4, "little")
        + wav[8:40]
        + data_size.to_bytes(4, "little")
        + wav[44:]
    )
