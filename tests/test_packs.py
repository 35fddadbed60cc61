"""Question packs: parsing, one-line problems at the right line, and the packs/run commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kiosk.cli import main as cli
from kiosk.core.pack import (
    DEFAULT_SCALE_LABELS,
    PackError,
    default_pack_path,
    load_pack,
    parse_pack,
)
from tests.support.paths import ROOT

PROBLEM = re.compile(r"^(?P<file>.+):(?P<line>\d+): (?P<severity>error|warning): (?P<message>.+)$")

GOOD = """\
[pack]
id = "winter-forum"
title = { en = "Winter forum", gd = "Fòram a' gheamhraidh" }
languages = ["en", "gd"]
version = 2

[[question]]
id = "meaning"
type = "open"
text = { en = "What does co-production mean to you?", gd = "Dè tha e a' ciallachadh?" }
"""


def write(tmp_path: Path, text: str | bytes, name: str = "pack.toml") -> Path:
    """A pack file with this content."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing `needle`, so tests name lines by content."""
    found = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return found[occurrence - 1]


def validate(*args: str) -> Result:
    """`kiosk packs validate ARGS` through click."""
    return CliRunner().invoke(cli, ["packs", "validate", *args])


def problems_of(output: str) -> list[tuple[str, int, str, str]]:
    """Every problem line printed, parsed; fails on any line that is not one."""
    parsed = []
    for line in output.splitlines():
        if line.endswith("--strict treats as problems"):
            continue
        match = PROBLEM.match(line)
        assert match, f"not a FILE:LINE: problem line: {line!r}"
        parsed.append((match["file"], int(match["line"]), match["severity"], match["message"]))
    return parsed


def only_problem(tmp_path: Path, text: str | bytes) -> tuple[int, str, str]:
    """Validate a pack with exactly one problem; returns its line, severity and message."""
    path = write(tmp_path, text)
    result = validate(str(path))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    problems = problems_of(result.stderr)
    assert len(problems) == 1, result.stderr
    file, line, severity, message = problems[0]
    assert file == str(path)
    assert ";" in message or "for example" in message, message  # says what to do
    assert result.exit_code == (2 if severity == "error" else 0), result.output
    return line, severity, message


# The built-in pack --------------------------------------------------------------------------------

def test_the_built_in_pack_has_no_problem_at_all() -> None:
    pack, problems = load_pack(default_pack_path())
    assert problems == []
    assert pack.languages == ("en", "gd", "pl", "ko")
    for question in pack.questions:
        for language in pack.languages:
            assert question.text.has(language), (question.id, language)
            if question.help is not None:
                assert question.help.has(language), (question.id, language)
            for choice in question.choices:
                if question.type != "scale":  # scale defaults are translated by the catalogs
                    assert choice.text.has(language), (question.id, choice.id, language)
    result = validate("--strict", str(default_pack_path()))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "ok: 'co-production' version 1, 7 questions in en, gd, pl, ko" in result.stdout


# One problem, one line, the right line ------------------------------------------------------------

def test_unknown_type(tmp_path: Path) -> None:
    text = GOOD.replace('type = "open"', 'type = "essay"')
    line, severity, message = only_problem(tmp_path, text)
    assert (line, severity) == (line_of(text, "essay"), "error")
    assert "unknown type 'essay'" in message and "open, choice, multi, scale, yesno" in message


def test_duplicate_question_id_names_the_first_use(tmp_path: Path) -> None:
    text = GOOD + '\n[[question]]\nid = "power"\ntext = { en = "a", gd = "b" }\n' \
        + '\n[[question]]\nid = "meaning"\ntext = { en = "c", gd = "d" }\n'
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, 'id = "meaning"', 2)
    first = line_of(text, 'id = "meaning"')
    assert f"first used on line {first}" in message
    assert "duplicate question id 'meaning'" in message


def test_missing_translation_is_a_warning_unless_strict(tmp_path: Path) -> None:
    text = GOOD.replace(', gd = "Dè tha e a\' ciallachadh?"', "")
    line, severity, message = only_problem(tmp_path, text)
    assert (line, severity) == (line_of(text, "text = "), "warning")
    assert "no 'gd' translation" in message and 'Add gd = "..."' in message
    result = validate("--strict", str(tmp_path / "pack.toml"))
    assert result.exit_code == 2
    assert "ok:" not in result.output  # a pack that fails --strict is not reported as ok
    assert "--strict" in result.stderr


@pytest.mark.parametrize("qtype", ["choice", "multi"])
def test_choice_and_multi_need_choices(tmp_path: Path, qtype: str) -> None:
    text = GOOD.replace('type = "open"', f'type = "{qtype}"\nchoices = []')
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, "choices = []")
    assert f"{qtype} question with no choices" in message
    # No choices key at all: pointed at the question.
    text = GOOD.replace('type = "open"', f'type = "{qtype}"')
    line, _, _ = only_problem(tmp_path, text)
    assert line == line_of(text, "[[question]]")


def test_choices_on_an_open_question(tmp_path: Path) -> None:
    text = GOOD + 'choices = ["Yes", "No"]\n'
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, "choices =")
    assert "takes no choices" in message


def test_unknown_keys_in_a_question_in_pack_and_at_the_top(tmp_path: Path) -> None:
    text = GOOD + 'colour = "red"\n'
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, "colour")
    assert "unknown key 'colour'" in message
    text = GOOD.replace("version = 2", "version = 2\ndescripton = \"typo\"")
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, "descripton")
    assert "[pack] has an unknown key 'descripton'" in message
    # A misspelt [[question]] must be named, not only reported as "no questions".
    text = GOOD + '\n[[questions]]\nid = "x"\ntext = "y"\n'
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, "[[questions]]")
    assert "unknown table or key 'questions'" in message


@pytest.mark.parametrize("bad", ['"bad id!"', '""', "7", '"' + "x" * 65 + '"'])
def test_bad_ids(tmp_path: Path, bad: str) -> None:
    text = GOOD.replace('id = "meaning"', f"id = {bad}")
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, f"id = {bad}")
    assert "needs an id of letters, digits" in message
    text = GOOD.replace('id = "winter-forum"', f"id = {bad}")
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, f"id = {bad}")
    assert "[pack] id must be" in message


@pytest.mark.parametrize("bad", ['"en"', "[]", '["English"]', '["en", "en"]', "[1]"])
def test_bad_languages(tmp_path: Path, bad: str) -> None:
    text = GOOD.replace('title = { en = "Winter forum", gd = "Fòram a\' gheamhraidh" }',
                        'title = "Winter forum"')
    text = text.replace('languages = ["en", "gd"]', f"languages = {bad}")
    text = text.replace(', gd = "Dè tha e a\' ciallachadh?"', "")
    path = write(tmp_path, text)
    result = validate(str(path))
    assert result.exit_code == 2
    problems = problems_of(result.stderr)
    assert problems, result.output
    assert all(p[1] == line_of(text, "languages =") for p in problems), problems
    assert "[pack] languages" in problems[0][3]


@pytest.mark.parametrize("bad", ["0", "-1", '"2"', "1.5", "true"])
def test_version_must_be_a_positive_whole_number(tmp_path: Path, bad: str) -> None:
    text = GOOD.replace("version = 2", f"version = {bad}")
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, "version =")
    assert "version must be a whole number of 1 or more" in message


def test_a_file_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    raw = GOOD.encode("utf-8").replace(b"Winter forum", b"Winter f\xf6rum")  # Latin-1 ö
    line, _, message = only_problem(tmp_path, raw)
    assert line == 3
    assert "not UTF-8" in message and "save it as UTF-8" in message
    # A UTF-8 byte order mark (as some editors write) is fine.
    assert load_pack(write(tmp_path, "\ufeff" + GOOD, "bom.toml"))[0].id == "winter-forum"


def test_not_toml_gives_the_parsers_line(tmp_path: Path) -> None:
    text = GOOD.replace('version = 2', 'version = 2\nnotes = "unclosed')
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, "unclosed")
    assert "not valid TOML" in message and "check quotes, brackets" in message
    # Left open until the end: the last line, not line 1.
    text = GOOD + 'choices = [\n  "a",\n'
    line, _, message = only_problem(tmp_path, text)
    assert line == len(text.splitlines())
    assert "not valid TOML" in message


def test_no_pack_table_and_no_questions(tmp_path: Path) -> None:
    text = GOOD.split("[[question]]")[1]
    path = write(tmp_path, "[[question]]" + text)
    result = validate(str(path))
    assert result.exit_code == 2
    assert any(p[1] == 1 and "no [pack] table" in p[3] for p in problems_of(result.stderr))
    text = GOOD.split("[[question]]")[0]
    line, _, message = only_problem(tmp_path, text)
    assert line == line_of(text, "[pack]")
    assert "no questions" in message


def test_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = validate(str(missing))
    assert result.exit_code == 2
    assert problems_of(result.stderr)[0][0] == str(missing)
    assert "file not found; check the path and name" in result.stderr


def test_several_problems_are_all_reported_at_their_lines(tmp_path: Path) -> None:
    text = """\
[pack]
id = "bad id!"
title = { en = "T", gd = "T" }
languages = ["en", "gd"]
version = "two"

[[question]]
id = "a"
type = "open"
text = { en = "Q1" }
choices = ["x"]

[[question]]
id = "a"
type = "choice"
text = { en = "Q2", gd = "Q2" }
colour = "red"
choices = [
  { id = "yes", text = { en = "Yes", gd = "Tha" } },
  { id = "no", text = { en = "No" } },
  { id = "yes", text = { en = "Again", gd = "A-rithist" } },
]

[[question]]
id = "c"
type = "multi"
text = { en = "Q3", gd = "Q3" }
choices = []

[[question]]
id = "d"
type = "weird"
text = { en = "Q4", gd = "Q4" }
"""
    path = write(tmp_path, text)
    result = validate(str(path))
    assert result.exit_code == 2
    found = {(line, severity, message.split(";")[0]) for _, line, severity, message
             in problems_of(result.stderr)}
    expected = {
        (2, "error", "[pack] id must be a short name of letters, digits, '-', '_' or '.', "
                     "for example id = \"winter-forum\""),
        (5, "error", "[pack] version must be a whole number of 1 or more, for example "
                     "version = 2"),
        (10, "warning", "question 'a' text has no 'gd' translation"),
        (11, "error", "question 'a' is an open question, which takes no choices"),
        (14, "error", "duplicate question id 'a' (first used on line 8)"),
        (17, "error", "question 2 has an unknown key 'colour'"),
        (20, "warning", "question 'a' choice 'no' text has no 'gd' translation"),
        (21, "error", "question 'a' has two choices with id 'yes'"),
        (28, "error", "question 'c' is a multi question with no choices"),
        (32, "error", "question 'd' has unknown type 'weird'"),
    }
    assert found == expected
    assert "Traceback" not in result.output


# What a good pack may say ------------------------------------------------------------------------

def test_plain_string_and_id_text_choices(tmp_path: Path) -> None:
    text = GOOD + """
[[question]]
id = "barriers"
type = "multi"
text = { en = "What gets in the way?", gd = "Dè tha a' cur bacadh?" }
choices = ["Transport", { id = "money", text = { en = "Money", gd = "Airgead" } }]
"""
    pack, problems = parse_pack(text, "inline.toml")
    assert pack is not None
    question = pack.question("barriers")
    assert [c.id for c in question.choices] == ["1", "money"]
    assert question.choices[0].text.get("gd") == "Transport"  # falls back to the default
    assert question.choices[1].text.get("gd") == "Airgead"
    assert [p.severity for p in problems] == ["warning"]  # "Transport" has no gd
    assert problems[0].line == line_of(text, "choices = [")


def test_scale_labels_and_default_labels(tmp_path: Path) -> None:
    text = GOOD + """
[[question]]
id = "heard"
type = "scale"
text = { en = "Heard?", gd = "Cluinnte?" }

[[question]]
id = "trust"
type = "scale"
text = { en = "Trust?", gd = "Earbsa?" }
labels = [{ en = "Low", gd = "Ìosal" }, { en = "High", gd = "Àrd" }]
"""
    pack, problems = parse_pack(text, "scale.toml")
    assert pack is not None and problems == []
    heard = pack.question("heard")
    assert [c.id for c in heard.choices] == ["1", "2", "3", "4", "5"]
    assert tuple(c.text.get("en") for c in heard.choices) == DEFAULT_SCALE_LABELS
    trust = pack.question("trust")
    assert [(c.id, c.text.get("gd")) for c in trust.choices] == [("1", "Ìosal"), ("2", "Àrd")]
    bad = text.replace('labels = [{ en = "Low", gd = "Ìosal" }, { en = "High", gd = "Àrd" }]',
                       'labels = ["Only one"]')
    pack, problems = parse_pack(bad, "scale.toml")
    assert pack is None
    assert [(p.line, p.severity) for p in problems] == [(line_of(bad, "labels ="), "error")]
    assert "2 to 11" in problems[0].message


def test_audio_field(tmp_path: Path) -> None:
    text = GOOD + 'audio = "meaning-en.wav"\n'
    pack, problems = parse_pack(text, "audio.toml")
    assert pack is not None and problems == []
    assert pack.question("meaning").audio == {"en": "meaning-en.wav"}
    text = GOOD + 'audio = { en = "m-en.wav", gd = "m-gd.wav" }\n'
    pack, _ = parse_pack(text, "audio.toml")
    assert pack is not None
    assert pack.question("meaning").audio == {"en": "m-en.wav", "gd": "m-gd.wav"}
    for bad, expected in [("audio = 3", "audio must be a file name"),
                          ('audio = { fr = "m-fr.wav" }', "recording in 'fr'")]:
        text = GOOD + bad + "\n"
        pack, problems = parse_pack(text, "audio.toml")
        assert pack is None
        assert [(p.line, p.severity) for p in problems] == [(line_of(text, "audio ="), "error")]
        assert expected in problems[0].message


def test_load_pack_raises_every_error_and_returns_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("version = 2", "version = 0").replace(
        'type = "open"', 'type = "essay"'))
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert len(caught.value.problems) == 2
    assert len(str(caught.value).splitlines()) == 2


# The commands ------------------------------------------------------------------------------------

def test_packs_list_shows_the_built_in_pack_and_the_data_folders_packs(tmp_path: Path) -> None:
    packs = tmp_path / "data" / "packs"
    packs.mkdir(parents=True)
    write(packs, GOOD, "winter.toml")
    write(packs, GOOD.replace("version = 2", "version = 0"), "broken.toml")
    result = CliRunner().invoke(cli, ["packs", "list", "--data", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("co-production\tversion 1\t7 questions\ten, gd, pl, ko\t")
    assert f"{packs / 'broken.toml'}: cannot be used (1 problems); see: kiosk packs validate" \
        in result.stdout
    assert any(line.startswith("winter-forum\tversion 2\t1 questions\ten, gd\t")
               for line in lines)


def _kiosk(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m kiosk ARGS` with no display, as on a device before the window opens."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_validate_and_run_refuse_a_bad_pack_with_the_same_lines_and_no_traceback(
        tmp_path: Path) -> None:
    bad = write(tmp_path, GOOD.replace("version = 2", "version = 0").replace(
        'type = "open"', 'type = "essay"'), "bad.toml")
    checked = _kiosk(["packs", "validate", "bad.toml"], tmp_path)
    assert checked.returncode == 2
    assert "Traceback" not in checked.stderr
    expected = checked.stderr.splitlines()
    assert len(expected) == 2 and all(PROBLEM.match(line) for line in expected)

    started = time.monotonic()
    run = _kiosk(["run", "--pack", "bad.toml", "--no-voice"], tmp_path)
    elapsed = time.monotonic() - started
    assert run.returncode == 2, run.stderr
    assert run.stderr.splitlines() == expected
    assert "Traceback" not in run.stderr
    assert elapsed < 20  # checked before any display or window is started
    assert not (tmp_path / "data").exists()  # nor any store made
    assert bad.exists()

    for name in ["missing.toml"]:
        run = _kiosk(["run", "--pack", name, "--no-voice"], tmp_path)
        assert run.returncode == 2
        assert run.stderr.strip() == f"{name}:0: error: file not found; check the path and name"
    not_utf8 = write(tmp_path, GOOD.encode("utf-8").replace(b"Winter", b"W\xefnter"), "l1.toml")
    run = _kiosk(["run", "--pack", not_utf8.name, "--no-voice"], tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == (f"{not_utf8.name}:3: error: file is not UTF-8 text; save it "
                                  "as UTF-8 in your editor")


def test_a_recording_missing_beside_the_pack_is_a_warning(tmp_path: Path) -> None:
    pack_file = tmp_path / "recorded.toml"
    pack_file.write_text('[pack]\nid = "rec"\ntitle = "Recorded"\nlanguages = ["en"]\n'
                         'version = 1\n\n[[question]]\nid = "q"\ntext = "What matters?"\n'
                         'audio = "q-en.wav"\n', encoding="utf-8")
    pack, problems = load_pack(pack_file)
    assert [(p.line, p.severity) for p in problems] == [(7, "warning")]
    assert "'q-en.wav' (en) is not beside the pack" in problems[0].message
    (tmp_path / "q-en.wav").write_bytes(b"RIFF")
    assert load_pack(pack_file)[1] == []
