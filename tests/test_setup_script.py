"""script/setup installs the kiosk once: script/run after script/test does not install it again.

Run on a copy of the script with a stand-in .venv python that records what pip was asked, and a
dpkg-query that says every system package is there (nothing is installed for real).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "script").mkdir()
    shutil.copy(ROOT / "script" / "setup", tmp_path / "script" / "setup")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    fake_bin = tmp_path / "fake-bin"
    venv_bin = tmp_path / ".venv" / "bin"
    fake_bin.mkdir()
    venv_bin.mkdir(parents=True)
    write_script(fake_bin / "dpkg-query", "printf 'install ok installed'\n")
    write_script(venv_bin / "python", f'echo "$*" >> "{tmp_path}/pip-calls"\n')
    return tmp_path


def write_script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def setup(project: Path, *args: str) -> list[str]:
    """Run script/setup; return the installs it made (the pip calls with -e)."""
    calls = project / "pip-calls"
    calls.unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{project / 'fake-bin'}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([str(project / "script" / "setup"), *args], cwd=project, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = calls.read_text().splitlines() if calls.exists() else []
    return [line.split(" -e ", 1)[1] for line in lines if " -e " in line]


def test_run_after_test_does_not_install_again(project: Path) -> None:
    assert setup(project, "--test") == [".[test]"]
    assert setup(project) == []  # script/run
    assert setup(project, "--test") == []


def test_test_after_run_adds_the_test_tools_once(project: Path) -> None:
    assert setup(project) == ["."]
    assert setup(project, "--test") == [".[test]"]
    assert setup(project) == []
    assert setup(project, "--test") == []


def test_a_change_of_requirements_installs_again(project: Path) -> None:
    assert setup(project, "--test") == [".[test]"]
    with (project / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write("\n# changed\n")
    assert setup(project) == ["."]
    assert setup(project, "--test") == [".[test]"]
