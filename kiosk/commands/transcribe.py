"""`kiosk transcribe`: recognise a WAV file or a few seconds of microphone, as a session would."""

from __future__ import annotations

import time
from array import array
from pathlib import Path

import click

from kiosk.commands.common import Command
from kiosk.speech import models as model_store
from kiosk.speech.audio import read_wav
from kiosk.speech.listen import Listener, make_recognizer, transcribe_pcm
from kiosk.speech.loader import ModelLoadError, load_model


def _mono(pcm: bytes, channels: int) -> bytes:
    """Mono 16-bit PCM (channel average); Vosk resamples by itself."""
    if channels == 1:
        return pcm
    samples = array("h")
    samples.frombytes(pcm)
    return array(
        "h", (sum(samples[i : i + channels]) // channels for i in range(0, len(samples), channels))
    ).tobytes()


@click.command("transcribe", cls=Command, renamed={"--locale": "--language"})
@click.argument("wav", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--language", default="ko", show_default=True, help="Language whose model to use."
)
@click.option(
    "--model", "model_dir", type=click.Path(file_okay=False, path_type=Path), help="A model folder."
)
@click.option("--grammar", help='Only these words or phrases, comma-separated, e.g. "네,아니요".')
@click.option(
    "--mic", "mic_seconds", type=float, help="Listen to the microphone for up to SECONDS."
)
@click.option("--device", default="pulse", show_default=True, help="Microphone device name.")
def command(
    wav: Path | None,
    language: str,
    model_dir: Path | None,
    grammar: str | None,
    mic_seconds: float | None,
    device: str,
) -> None:
    """Print what the recogniser hears in a WAV file or from the microphone (text on the last line).

    \b
    Example:
        kiosk transcribe --language ko answer.wav
        kiosk transcribe --language ko --grammar "네,아니요" --mic 5
    """
    if (wav is None) == (mic_seconds is None):
        raise click.UsageError("give either a WAV file or --mic SECONDS")
    if model_dir is None:
        found = model_store.find_model(language)
        if found is None:
            raise click.ClickException(
                f"no speech model for {language!r}; fix: kiosk models install {language}"
            )
        model_dir = found.path
    phrases = [p.strip() for p in grammar.split(",") if p.strip()] if grammar else None
    started = time.monotonic()
    try:
        model = load_model(model_dir)
    except ModelLoadError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"model {model_dir} loaded in {time.monotonic() - started:.1f} s", err=True)
    if wav is not None:
        try:
            audio = read_wav(wav)
        except ValueError as error:
            raise click.ClickException(f"{wav}: {error}") from error
        pcm = _mono(audio.pcm, audio.channels)
        recognizer = make_recognizer(
            model, samplerate=audio.samplerate, grammar=phrases, model_dir=model_dir
        )
        started = time.monotonic()
        transcript = transcribe_pcm(recognizer, pcm, language, audio.samplerate)
        spent = time.monotonic() - started
        click.echo(
            f"{transcript.audio_seconds:.1f} s of audio in {spent:.1f} s "
            f"(real-time factor {spent / max(transcript.audio_seconds, 0.01):.2f})",
            err=True,
        )
    else:
        assert mic_seconds is not None
        listener = Listener(
            model,
            language,
            grammar=phrases,
            model_dir=model_dir,
            device=device,
            max_seconds=mic_seconds,
            on_partial=lambda text: click.echo(f"... {text}", err=True),
        )
        try:
            listener.start()
        except Exception as error:  # PortAudio errors vary; one line for staff
            raise click.ClickException(
                f"microphone {device!r} could not be opened ({error}); "
                "fix: check it is plugged in, or pass --device NAME"
            ) from error
        heard = listener.wait(mic_seconds + 30)
        if heard is None:
            raise click.ClickException("the listener stopped without a result")
        transcript = heard
    if transcript.words:
        confidences = " ".join(f"{w.text}:{w.conf:.2f}" for w in transcript.words)
        click.echo(f"confidence {confidences}", err=True)
    click.echo(transcript.text)
