"""`kiosk transcribe` on WAV files of spoken Korean, through click and through the real `kiosk`."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from kiosk.commands.transcribe import command as transcribe


def speak(text: str, path) -> str:
    """espeak-ng's Korean, with a little silence before and after as a person's recording has."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "ko", "-s", "175", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), str(path), "pad", "0.3", "0.6"], check=True)
    raw.unlink()
    return str(path)


def test_transcribe_prints_the_words_last(tmp_path) -> None:
    wav = speak("라디오", tmp_path / "radio.wav")
    result = CliRunner().invoke(transcribe, ["--language", "ko", wav])
    assert result.exit_code == 0, result.output
    print("\n" + result.output)
    assert result.output.strip().splitlines()[-1] == "라디오"


def test_transcribe_with_a_grammar(tmp_path) -> None:
    wav = speak("감사합니다", tmp_path / "thanks.wav")
    result = CliRunner().invoke(
        transcribe, ["--language", "ko", "--grammar", "감사합니다,안녕하세요,네,아니요", wav]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "감사합니다"


def test_real_kiosk_command(tmp_path) -> None:
    wav = speak("라디오", tmp_path / "radio2.wav")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "transcribe", "--language", "ko", wav],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "라디오"
    assert "real-time factor" in done.stderr


def test_transcribe_errors_are_one_line(tmp_path) -> None:
    runner = CliRunner()
    no_model = runner.invoke(transcribe, ["--language", "xx", "--mic", "1"])
    assert no_model.exit_code == 1
    assert "fix: kiosk models install xx" in no_model.output
    both = runner.invoke(transcribe, ["--language", "ko"])
    assert both.exit_code == 2 and "either a WAV file or --mic" in both.output
