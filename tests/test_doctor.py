"""`kiosk doctor` on the virtual sound card: one well-formed line per check."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kiosk.commands.doctor import command as doctor

pytestmark = pytest.mark.audio

LINE = re.compile(r"^(ok|warn|MISSING|FAIL)\s+(\S+(?: \S+)?)\s+(\d+\.\d\d) s  (.+)$")


def test_doctor_reports_every_check(virtual_audio, tmp_path) -> None:
    result = CliRunner().invoke(
        doctor, ["--data", str(tmp_path / "data"), "--models-dir", str(tmp_path / "models")]
    )
    print("\n" + result.output)
    lines = result.output.strip().splitlines()
    checks = {}
    for line in lines[:-1]:
        match = LINE.match(line)
        assert match, f"malformed line: {line!r}"
        checks[match.group(2)] = (match.group(1), float(match.group(3)), match.group(4))
    expected = {"microphone", "speaker", "disk", "kept back"}
    expected |= {f"voice {lang}" for lang in ("en", "gd", "pl", "ko")}
    expected |= {f"model {lang}" for lang in ("en", "gd", "pl", "ko")}
    assert set(checks) == expected
    for language in ("en", "pl"):
        verdict, _, detail = checks[f"model {language}"]
        assert verdict == "MISSING"
        assert detail.endswith(f"fix: kiosk models install {language}")
    # No Gaelic recogniser exists: the fix says so instead of a command that can only fail.
    verdict, _, detail = checks["model gd"]
    assert verdict == "MISSING" and "fix: none needed" in detail and "touch and typing" in detail
    assert checks["model ko"][0] == "ok"
    assert checks["speaker"][0] == "ok"
    assert checks["microphone"][0] in ("ok", "warn")  # the null sink is silent when nothing plays
    for language in ("en", "gd", "pl", "ko"):
        assert checks[f"voice {language}"][0] == "ok"
    assert checks["disk"][0] in ("ok", "warn")
    assert re.match(r"^\d+ of \d+ checks passed", lines[-1])
    assert result.exit_code == 0  # every essential check passed


def test_doctor_fails_without_a_microphone(virtual_audio, tmp_path) -> None:
    result = CliRunner().invoke(
        doctor,
        ["--mic-device", "no-such-microphone-xyz", "--language", "ko", "--data", str(tmp_path)],
    )
    print("\n" + result.output)
    first = result.output.splitlines()[0]
    assert first.startswith("FAIL") and "fix:" in first
    assert result.exit_code == 1
