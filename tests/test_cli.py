"""The `kiosk` command group: every command listed with its help, and commands imported lazily.

Start-up speed itself is measured by `kiosk bench` (whole processes against `python -c pass`);
here only what decides it is checked, deterministically: which modules a command imports.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kiosk.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("kivy", "vosk", "sounddevice", "sqlite_utils")


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running `code`."""
    probe = (f"{code}\nimport json, sys\n"
             "print('\\nMODULES ' + json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    line = result.stdout.rsplit("MODULES ", 1)[1]
    return set(json.loads(line))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_help_lists_every_command_with_its_help() -> None:
    result = subprocess.run([sys.executable, "-m", "kiosk", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split("Commands:", 1)[1].strip().splitlines()
    rows = {line.split()[0]: line.split(None, 1)[1] for line in listed if line.strip()}
    modules = {p.stem for p in (ROOT / "kiosk" / "commands").glob("*.py")} - {"__init__",
                                                                              "common"}
    assert {module.rsplit(".", 1)[1] for module, _help in COMMANDS.values()} == modules
    assert set(rows) == set(COMMANDS)
    for name, text in rows.items():
        assert len(text) > 15, (name, text)
        assert COMMANDS[name][1].startswith(text.removesuffix("...")), (name, text)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_help_is_the_commands_own(name: str) -> None:
    command = importlib.import_module(COMMANDS[name][0]).command
    assert isinstance(command, click.Command)
    assert command.get_short_help_str(limit=1000) == COMMANDS[name][1]
    context = click.Context(main)
    assert main.get_command(context, name) is command


def test_importing_the_command_line_imports_no_heavy_library() -> None:
    modules = modules_after("import kiosk.cli")
    assert heavy_in(modules) == []
    assert not [m for m in modules if m.startswith("kiosk.commands.")]
    assert "kiosk.store" not in modules and "kiosk.speech.models" not in modules


@pytest.mark.parametrize("args", [["--version"], ["--help"],
                                  ["packs", "validate", "kiosk/packs/default.toml"]])
def test_quick_commands_import_no_heavy_library(args: list[str]) -> None:
    modules = modules_after(
        "import sys\nfrom kiosk.cli import main\n"
        f"try:\n    main({args!r}, prog_name='kiosk')\nexcept SystemExit as end:\n"
        "    assert not end.code, end.code")
    assert heavy_in(modules) == []


def test_version_is_the_installed_packages() -> None:
    result = subprocess.run([sys.executable, "-m", "kiosk", "--version"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == f"kiosk, version {importlib.metadata.version('kiosk')}"


def test_an_unknown_command_is_one_clear_error() -> None:
    result = subprocess.run([sys.executable, "-m", "kiosk", "nosuch"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "No such command 'nosuch'" in result.stderr
