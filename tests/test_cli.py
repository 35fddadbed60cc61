"""The `kiosk` command group: every command listed with its help, and commands imported lazily.

Start-up speed itself is measured by `kiosk bench` (whole processes against `python -c pass`);
here only what decides it is checked, deterministically: which modules a command imports.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kiosk.cli import COMMANDS, main
from tests.support.paths import ROOT

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


def every_command() -> list[tuple[str, ...]]:
    """The path of each command and subcommand listed in kiosk.cli, e.g. ("models", "install")."""
    paths: list[tuple[str, ...]] = []
    for name in sorted(COMMANDS):
        command = importlib.import_module(COMMANDS[name][0]).command
        paths.append((name,))
        if isinstance(command, click.Group):
            paths += [(name, sub) for sub in sorted(command.commands)]
    return paths


@pytest.mark.parametrize("path", every_command(), ids=" ".join)
def test_every_command_has_help_with_a_description_and_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="kiosk")
    assert result.exit_code == 0, result.output
    description = result.output.split("\n\n", 2)[1].strip()  # after the usage line
    assert len(description) > 15 and not description.startswith("Options"), result.output
    example = result.output.split("Example", 1)[1] if "Example" in result.output else ""
    lines = [line.strip() for line in example.split("Options:")[0].splitlines()[1:]]
    used = re.compile(rf"(^|[|;] *)kiosk {re.escape(' '.join(path))}( |$)")
    assert any(used.search(line) for line in lines), result.output


OLD_SPELLINGS = [
    ("doctor", "--data-dir", "--data", "data_dir", Path("somewhere")),
    ("rehearse", "--locale", "--language", "language", "gd"),
    ("transcribe", "--locale", "--language", "language", "gd"),
]


@pytest.mark.parametrize(("name", "old", "new", "param", "value"), OLD_SPELLINGS)
def test_an_old_option_spelling_still_works_with_a_note(
        name: str, old: str, new: str, param: str, value: object,
        capsys: pytest.CaptureFixture[str]) -> None:
    command = importlib.import_module(COMMANDS[name][0]).command
    args = ["pack.toml", "--screenshots", "shots"] if name == "rehearse" else []
    for given in ([old, str(value)], [f"{old}={value}"]):
        context = command.make_context(name, [*args, *given])
        assert context.params[param] == value
        note = f"note: {old} is now {new}; the old spelling goes in the next release\n"
        assert capsys.readouterr().err == note
    context = command.make_context(name, [*args, new, str(value)])
    assert context.params[param] == value
    assert capsys.readouterr().err == ""
    assert old not in CliRunner().invoke(command, ["--help"]).output


def test_an_old_spelling_is_only_an_option_where_an_option_is_expected(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.commands.transcribe import command as transcribe

    monkeypatch.chdir(tmp_path)
    (tmp_path / "--locale").touch()  # a WAV file of that name, after --
    context = transcribe.make_context("transcribe", ["--grammar", "--locale", "--", "--locale"])
    assert context.params["grammar"] == "--locale" and context.params["wav"] == Path("--locale")
    assert capsys.readouterr().err == ""


def test_an_old_spelling_runs_the_command_through_kiosk() -> None:
    result = subprocess.run([sys.executable, "-m", "kiosk", "transcribe", "--locale", "xx",
                             "--mic", "1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == ("note: --locale is now --language; the old "
                                             "spelling goes in the next release")
    assert "fix: kiosk models install xx" in result.stderr


@pytest.mark.parametrize(("path", "args"), [
    (("sync",), ["--to", "shared.sqlite"]), (("doctor",), []), (("staff-pin",), ["--pin", "1234"]),
    (("packs", "list"), []), (("run",), []), (("hub-token", "show"), []),
    (("hub-token", "set"), ["TOKEN"])], ids=str)
def test_the_data_folder_is_kiosk_data_unless_given(path: tuple[str, ...], args: list[str],
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    command: click.Command | None = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    assert command is not None
    monkeypatch.setenv("KIOSK_DATA", str(tmp_path))
    assert command.make_context(name, list(args)).params["data_dir"] == tmp_path
    given = command.make_context(name, [*args, "--data", "other"])
    assert given.params["data_dir"] == Path("other")
    monkeypatch.delenv("KIOSK_DATA")
    assert command.make_context(name, list(args)).params["data_dir"] == Path("data")


@pytest.mark.parametrize("words", [["sync"], ["export"], ["simulate"], ["models", "install"]])
def test_every_command_with_progress_takes_quiet(words: list[str]) -> None:
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0 and "--quiet" in result.output and "No progress bar" \
        in result.output


def test_quiet_means_no_progress_bar(tmp_path: Path) -> None:
    runner = CliRunner()
    loud = runner.invoke(main, ["simulate", "--data", str(tmp_path / "a"), "--participants",
                                "20"])
    quiet = runner.invoke(main, ["simulate", "--data", str(tmp_path / "b"), "--participants",
                                 "20", "--quiet"])
    assert loud.exit_code == quiet.exit_code == 0
    assert "Simulating" in loud.stderr and quiet.stderr == ""
    assert quiet.stdout.replace(str(tmp_path / "b"), "") \
        == loud.stdout.replace(str(tmp_path / "a"), "")  # the same work, the same summary
