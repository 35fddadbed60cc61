"""Making and changing a pack on the kiosk (kiosk.staff.authoring), without a window.

Every saved pack is read back by load_pack and checked by `kiosk packs validate` itself, and the
versions are checked against a real kiosk store, as staff mode uses them.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main as cli
from kiosk.core.pack import QuestionPack, default_pack_path, load_pack
from kiosk.staff.authoring import (
    AuthoringError,
    draft_from_pack,
    new_draft,
    pack_id_for,
    save_draft,
)
from kiosk.staff.packs import available_packs
from kiosk.store.db import Store


def validate(path: Path) -> str:
    result = CliRunner().invoke(cli, ["packs", "validate", str(path)], prog_name="kiosk")
    assert result.exit_code == 0, result.output
    return result.output


def plain(pack: QuestionPack) -> QuestionPack:
    return dataclasses.replace(pack, source="", version=0, questions=tuple(
        dataclasses.replace(q, line=0) for q in pack.questions))


def test_a_new_pack_is_built_saved_and_accepted_by_validate(tmp_path: Path) -> None:
    packs = tmp_path / "data" / "packs"
    draft = new_draft("Village hall: spring", "en")
    first = draft.add_question("open", "What brings you here today?")
    second = draft.add_question("choice", "How did you travel?")
    draft.add_choice(second, "Walked")
    draft.add_choice(second, "Bus")
    draft.add_choice(second, "Car")
    third = draft.add_question()
    draft.set_text(third, "Would you come again?")
    assert draft.set_type(third, "yesno") == ""
    draft.set_type(second, "open")  # and back: its choices are kept while editing
    assert draft.set_type(second, "yesno") == ("Its 3 choices will not be saved with a yes or no "
                                               "question.")
    draft.set_type(second, "choice")
    draft.set_optional(first, True)
    assert [draft.summary(i) for i in range(3)] == [
        "1. Open, optional: What brings you here today?",
        "2. Choice: How did you travel?",
        "3. Yes or no: Would you come again?",
    ]

    saved = save_draft(draft, packs, available_packs(tmp_path / "data"))
    assert saved.path == packs / "village-hall-spring.toml"
    assert saved.version == 1
    assert validate(saved.path) == (f"{saved.path}: ok: 'village-hall-spring' version 1, "
                                    "3 questions in en\n")
    pack, problems = load_pack(saved.path)
    assert problems == []
    assert pack.id == "village-hall-spring" and pack.title.get("en") == "Village hall: spring"
    assert [(q.id, q.type, q.optional) for q in pack.questions] == [
        ("q1", "open", True), ("q2", "choice", False), ("q3", "yesno", False)]
    assert [c.text.get("en") for c in pack.questions[1].choices] == ["Walked", "Bus", "Car"]
    assert not list(packs.glob(".*.part"))  # written whole: no temporary file left


def test_reorder_delete_and_remove_choice(tmp_path: Path) -> None:
    draft = new_draft("Order", "en")
    for words in ("One", "Two", "Three"):
        draft.add_question("open", words)
    assert draft.move(2, -1) == 1
    assert [draft.text_of(i) for i in range(3)] == ["One", "Three", "Two"]
    assert draft.move(0, -1) == 0  # the first stays first
    assert draft.move(2, 1) == 2  # the last stays last
    assert draft.delete(1) == "2. Open: Three"
    assert [draft.text_of(i) for i in range(2)] == ["One", "Two"]
    # Ids are kept as questions move, and a new one never reuses one in use.
    assert [q.id for q in draft.questions] == ["q1", "q2"]
    added = draft.add_question("multi", "Which?")
    assert draft.questions[added].id == "q3"
    for words in ("Tea", "Coffee", "Juice"):
        draft.add_choice(added, words)
    assert draft.remove_choice(added, 1) == "Coffee"
    assert draft.questions[added].choices[draft.add_choice(added, "Water")].id == "4"
    saved = save_draft(draft, tmp_path / "packs", [])
    pack, _ = load_pack(saved.path)
    assert [c.id for c in pack.questions[2].choices] == ["1", "3", "4"]
    assert [q.text.get("en") for q in pack.questions] == ["One", "Two", "Which?"]


@pytest.mark.parametrize("change, problem", [
    (lambda d: d.rename(""), "The pack has no name; type one in Pack name."),
    (lambda d: d.delete(0), "The pack has no questions; add one with Add a question."),
    (lambda d: d.set_text(0, "   "),
     "Question 1 has no text; type it, or delete the question."),
    (lambda d: d.set_type(0, "choice"),
     "Question 1 is a choice question with no choices; add a choice, or change its type."),
    (lambda d: (d.set_type(0, "multi"), d.add_choice(0, "")),
     "Question 1, choice 1 has no text; type it, or remove the choice."),
    (lambda d: (d.set_type(0, "scale"), d.add_choice(0, "Low")),
     "Question 1 is a scale with one label; add another, or remove it to use the kiosk's "
     "own five."),
    (lambda d: d.set_text(0, "x" * 2001),
     "Question 1 is 2001 characters long; keep it under 2000."),
])
def test_a_draft_that_is_no_valid_pack_is_refused_in_one_line_and_nothing_written(
        tmp_path: Path, change: object, problem: str) -> None:
    draft = new_draft("Checks", "en")
    draft.add_question("open", "Fine?")
    change(draft)  # type: ignore[operator]
    with pytest.raises(AuthoringError) as caught:
        save_draft(draft, tmp_path / "packs", [])
    assert str(caught.value) == problem
    assert not (tmp_path / "packs").exists() or not list((tmp_path / "packs").iterdir())


def test_changing_the_built_in_pack_saves_a_new_version_beside_the_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    builtin, _ = load_pack(default_pack_path())
    draft = draft_from_pack(builtin, default_pack_path())
    assert not draft.changed
    with pytest.raises(AuthoringError, match="Nothing has changed"):
        save_draft(draft, data / "packs", available_packs(data))

    # The store already has answers to versions 1 and 3 of this pack.
    store = Store(data / "kiosk.db")
    store.record_pack(builtin.id, 1, "old", "")
    store.record_pack(builtin.id, 3, "older edit", "")
    note = draft.set_text(0, "What does working together mean to you?")
    assert note == ("Its translations (gd, pl, ko) no longer match and were taken out; "
                    "translate it again.")
    saved = save_draft(draft, data / "packs", available_packs(data),
                       store.pack_versions(builtin.id))
    store.close()
    assert saved.path == data / "packs" / f"{builtin.id}.toml"
    assert saved.version == 4
    output = validate(saved.path)
    # Only the changed text lost its translations: a warning, never an error.
    assert "question 'meaning' text has no 'gd' translation" in output
    pack = saved.pack
    assert pack.version == 4 and pack.languages == builtin.languages
    assert pack.questions[0].text.translations == {
        "en": "What does working together mean to you?"}
    # Everything else is as it was: translations, help, scale labels, choices, optional.
    assert plain(pack).questions[1:] == plain(builtin).questions[1:]
    assert pack.title == builtin.title and pack.description == builtin.description
    # The built-in pack itself is untouched.
    assert load_pack(default_pack_path())[0].version == builtin.version

    # Changed again: one more version; the same file is replaced.
    again = draft_from_pack(pack, saved.path)
    again.move(1, -1)
    second = save_draft(again, data / "packs", available_packs(data), [1, 3])
    assert (second.path, second.version) == (saved.path, 5)
    assert [q.id for q in second.pack.questions][:2] == ["power", "meaning"]


def test_round_trip_through_the_writer_and_load_pack_changes_nothing(tmp_path: Path) -> None:
    builtin, _ = load_pack(default_pack_path())
    draft = draft_from_pack(builtin, default_pack_path())
    text = draft.toml(builtin.id, builtin.version)
    path = tmp_path / "copy.toml"
    path.write_text(text, encoding="utf-8")
    again, problems = load_pack(path)
    assert problems == []
    assert plain(again) == plain(builtin)
    assert draft_from_pack(again, path).toml(builtin.id, builtin.version) == text


def test_a_new_pack_never_takes_an_id_in_use(tmp_path: Path) -> None:
    data = tmp_path / "data"
    builtin, _ = load_pack(default_pack_path())
    draft = new_draft(builtin.id, "en")  # named as the built-in pack's id
    draft.add_question("open", "Anything?")
    saved = save_draft(draft, data / "packs", available_packs(data))
    assert saved.pack.id == f"{builtin.id}-2" and saved.version == 1
    other = new_draft(builtin.id, "en")
    other.add_question("open", "Anything else?")
    assert save_draft(other, data / "packs", available_packs(data)).pack.id == f"{builtin.id}-3"
    assert pack_id_for("Cèilidh: Là na Sàbaid!", []) == "ceilidh-la-na-sabaid"
    assert pack_id_for("설문", []) == "my-pack"


def test_recordings_go_with_a_pack_copied_from_another_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "stick"
    elsewhere.mkdir()
    (elsewhere / "hello-en.wav").write_bytes(b"RIFF....WAVE")
    (elsewhere / "voiced.toml").write_text(
        '[pack]\nid = "voiced"\ntitle = "Voiced"\nlanguages = ["en"]\nversion = 2\n\n'
        '[[question]]\nid = "hello"\ntype = "open"\ntext = "Hello?"\n'
        'audio = { en = "hello-en.wav" }\n', encoding="utf-8")
    pack, _ = load_pack(elsewhere / "voiced.toml")
    draft = draft_from_pack(pack, elsewhere / "voiced.toml")
    draft.rename("Voiced, again")
    saved = save_draft(draft, tmp_path / "packs", [elsewhere / "voiced.toml"])
    assert saved.version == 3
    assert (tmp_path / "packs" / "hello-en.wav").read_bytes() == b"RIFF....WAVE"
    assert saved.pack.questions[0].audio == {"en": "hello-en.wav"}
    assert saved.pack.title.get("en") == "Voiced, again"


def test_store_lists_the_versions_it_has_answers_for(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.db")
    assert store.pack_versions("winter") == []
    store.record_pack("winter", 2, "Winter", "")
    store.record_pack("winter", 1, "Winter", "")
    store.record_pack("summer", 7, "Summer", "")
    assert store.pack_versions("winter") == [1, 2]
    store.start_event("x", "y", date(2026, 1, 1))
    store.close()


def test_typed_text_that_looks_like_toml_stays_text(tmp_path: Path) -> None:
    # Whatever is typed (quotes, brackets, backslashes, a pasted new line) is kept as words and
    # can never add a key or a table to the file.
    draft = new_draft('Hall "B" ]] [pack] \\ id = "x"', "en")
    index = draft.add_question("choice", 'Say """hi""" \n[[question]]\ttype = "multi"')
    draft.add_choice(index, '{ id = "evil" }')
    draft.add_choice(index, "\x7f# not a comment")
    saved = save_draft(draft, tmp_path / "packs", [])
    pack = saved.pack
    assert pack.id == "hall-b-pack-id-x"
    assert pack.title.get("en") == 'Hall "B" ]] [pack] \\ id = "x"'
    assert [q.type for q in pack.questions] == ["choice"]
    assert pack.questions[0].text.get("en") == 'Say """hi""" [[question]] type = "multi"'
    assert [c.text.get("en") for c in pack.questions[0].choices] == [
        '{ id = "evil" }', "\x7f# not a comment"]
    validate(saved.path)


# Recordings of staff's own voice -------------------------------------------------------------

def tone(seconds: float, rate: int = 16000) -> bytes:
    """A loud 440 Hz tone as 16-bit mono PCM: a stand-in for a voice where only files matter."""
    import math
    from array import array
    return array("h", (int(12000 * math.sin(2 * math.pi * 440 * i / rate))
                       for i in range(int(seconds * rate)))).tobytes()


def recorded_pack(tmp_path: Path) -> tuple[Path, Path]:
    """A two-language pack with a recording per language made as staff mode makes them: the
    packs folder and the saved pack."""
    from kiosk.staff.authoring import recording_name, write_recording
    packs = tmp_path / "data" / "packs"
    draft = new_draft("Hall voices", "en")
    draft.languages.append("gd")
    index = draft.add_question("open", "What brings you here today?")
    with pytest.raises(AuthoringError, match="confirm the consent"):
        draft.set_recording(index, "en", "x.wav")  # no recording is kept without consent
    draft.agree_to_recordings()
    for language, seconds in (("en", 1.5), ("gd", 2.0)):
        name = recording_name(draft, index, language, [packs])
        write_recording(packs, name, tone(seconds))
        draft.set_recording(index, language, name)
    saved = save_draft(draft, packs, available_packs(tmp_path / "data"))
    return packs, saved.path


def test_recordings_are_saved_beside_the_pack_with_its_consent(tmp_path: Path) -> None:
    import stat
    import wave
    packs, path = recorded_pack(tmp_path)
    pack, warnings = load_pack(path)
    assert warnings == [] or all("translation" in w.message for w in warnings)
    question = pack.questions[0]
    assert question.audio == {"en": "hall-voices/q1-en-1.wav", "gd": "hall-voices/q1-gd-1.wav"}
    assert pack.recordings is not None and "never participants" in pack.recordings.consent
    assert "copied to" in pack.recordings.shared_with
    for name, seconds in (("hall-voices/q1-en-1.wav", 1.5), ("hall-voices/q1-gd-1.wav", 2.0)):
        file = packs / name
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        with wave.open(str(file)) as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
            assert wav.getnframes() == int(seconds * 16000)
    assert "[recordings]" in path.read_text() and "shared_with = " in path.read_text()
    validate(path)


def test_recording_again_never_overwrites_and_removing_keeps_the_file(tmp_path: Path) -> None:
    from kiosk.staff.authoring import recording_name, write_recording
    packs, path = recorded_pack(tmp_path)
    pack, _ = load_pack(path)
    draft = draft_from_pack(pack, path)
    assert pack.recordings is not None and draft.consent == pack.recordings.consent
    again = recording_name(draft, 0, "en", [packs])
    assert again == "hall-voices/q1-en-2.wav"  # a copy of version 1 still plays the first
    write_recording(packs, again, tone(1.0))
    draft.set_recording(0, "en", again)
    assert draft.remove_recording(0, "gd") == "hall-voices/q1-gd-1.wav"
    assert draft.remove_recording(0, "gd") == ""
    saved = save_draft(draft, packs, available_packs(tmp_path / "data"))
    assert saved.pack.questions[0].audio == {"en": "hall-voices/q1-en-2.wav"}
    # Version 1 (on a stick, on another kiosk) still names both first takes: they stay.
    assert (packs / "hall-voices" / "q1-gd-1.wav").is_file()
    assert (packs / "hall-voices" / "q1-en-1.wav").is_file()
    validate(saved.path)


def test_a_recording_name_leading_out_of_the_packs_folder_is_refused(tmp_path: Path) -> None:
    from kiosk.staff.authoring import write_recording
    with pytest.raises(AuthoringError, match="outside the packs folder"):
        write_recording(tmp_path / "packs", "../escape.wav", tone(0.1))
    assert not (tmp_path / "escape.wav").exists()


def test_to_stick_copies_the_recordings_made_on_the_kiosk(tmp_path: Path) -> None:
    import subprocess
    import sys
    packs, path = recorded_pack(tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    from tests.support.paths import ROOT
    result = subprocess.run([sys.executable, "-m", "kiosk", "packs", "to-stick", str(path),
                             str(stick)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for name in ("hall-voices/q1-en-1.wav", "hall-voices/q1-gd-1.wav"):
        assert (stick / "packs" / name).read_bytes() == (packs / name).read_bytes()
    assert "[recordings]" in (stick / "packs" / path.name).read_text()


@pytest.mark.parametrize(("table", "expected"), [
    ('[recordings]\nconsent = ""\nshared_with = "all"\n', "consent must say it in words"),
    ('[recordings]\nconsent = "Agreed"\n', "shared_with must say it in words"),
    ('[recordings]\nconsent = "Agreed"\nshared_with = "all"\nkept = true\n',
     "unknown key 'kept'"),
])
def test_validate_checks_the_recordings_table(tmp_path: Path, table: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[pack]\nid = "p"\ntitle = "P"\nversion = 1\n\n' + table
                    + '\n[[question]]\nid = "q1"\ntext = "Why?"\n')
    result = CliRunner().invoke(cli, ["packs", "validate", str(path)], prog_name="kiosk")
    assert result.exit_code != 0
    assert expected in result.output and "Traceback" not in result.output


def test_a_near_silent_take_is_told_apart_from_a_voice() -> None:
    from kiosk.staff.authoring import near_silent
    assert near_silent(b"") and near_silent(bytes(32000))
    assert near_silent((3).to_bytes(2, "little", signed=True) * 16000)  # hiss
    assert not near_silent(tone(0.5))
