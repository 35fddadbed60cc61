"""XLSForm spreadsheets to packs and back: `kiosk packs import` and `kiosk packs export`.

Every form here is written with openpyxl in the test, some exactly as the XLSForm documentation
(xlsform.org) shows them. Each problem is checked as the whole line a group would read.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook

from kiosk.cli import main as cli
from kiosk.core.pack import DEFAULT_SCALE_LABELS, QuestionPack, default_pack_path, load_pack
from tests.support.paths import ROOT

TEST_PACKS = sorted((ROOT / "tests" / "packs").glob("*.toml"))


def form(folder: Path, survey: list[list[Any]], choices: list[list[Any]] | None = None,
         settings: list[list[Any]] | None = None, name: str = "form.xlsx") -> Path:
    """An XLSForm workbook with these sheets (each a header row, then rows)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = book.create_sheet(title)
            for row in rows:
                extra.append(row)
    path = folder / name
    book.save(path)
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["packs", *args], prog_name="kiosk")


def import_form(name: str = "form.xlsx", out: str = "pack.toml") -> Result:
    return run("import", name, "--out", out)


def lines(result: Result) -> list[str]:
    return result.stderr.splitlines()


def plain(pack: QuestionPack) -> QuestionPack:
    """The pack without where it was read from (file and line numbers)."""
    return dataclasses.replace(pack, source="", questions=tuple(
        dataclasses.replace(q, line=0) for q in pack.questions))


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Files are named relative to the working folder, as a group would type them.
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("pack_path", [default_pack_path(), *TEST_PACKS],
                         ids=lambda p: p.name)
def test_a_pack_exported_and_imported_again_is_the_same_pack(pack_path: Path,
                                                             tmp_path: Path) -> None:
    exported = run("export", str(pack_path), "--format", "xlsform", "--out", "form.xlsx")
    assert exported.exit_code == 0, exported.output
    imported = import_form()
    assert imported.exit_code == 0, imported.output
    original, _ = load_pack(pack_path)
    again, _ = load_pack(tmp_path / "pack.toml")
    assert plain(again) == plain(original)
    # The title and description in every language too (settings kiosk_title, kiosk_description).
    assert again.title == original.title and again.description == original.description


def test_the_built_in_pack_exports_as_a_form_the_standards_converter_accepts() -> None:
    from pyxform.xls2xform import convert

    assert run("export", str(default_pack_path()), "--out", "form.xlsx").exit_code == 0
    result = convert(xlsform="form.xlsx", validate=False)
    assert result.warnings == []
    for language in ("English (en)", "Scottish Gaelic (gd)", "Polish (pl)", "Korean (ko)"):
        assert f'lang="{language}"' in result.xform
    book = load_workbook("form.xlsx")
    assert book.sheetnames == ["survey", "choices", "settings"]
    header = [c.value for c in book["survey"][1]]
    assert header[:6] == ["type", "name", "label::English (en)", "label::Scottish Gaelic (gd)",
                          "label::Polish (pl)", "label::Korean (ko)"]
    rows = {row[1]: row for row in book["survey"].iter_rows(min_row=2, values_only=True)}
    assert rows["heard"][0] == "range" and rows["meaning"][0] == "text"
    assert rows["taking-part-as"][0] == "select_one taking-part-as"


def test_an_edited_spreadsheet_comes_back_with_the_edit(tmp_path: Path) -> None:
    run("export", str(TEST_PACKS[0]), "--out", "form.xlsx")
    book = load_workbook("form.xlsx")
    survey = book["survey"]
    survey.cell(row=2, column=3, value="What does working together mean to you?")
    book["settings"].cell(row=2, column=3, value=4)
    book.save("form.xlsx")
    assert import_form().exit_code == 0
    pack, _ = load_pack(tmp_path / "pack.toml")
    assert pack.version == 4
    assert pack.questions[0].text.get("en") == "What does working together mean to you?"


# -- what a form becomes -----------------------------------------------------------------------


def test_every_supported_type_becomes_its_kind_of_question(tmp_path: Path) -> None:
    form(tmp_path, [
        ["type", "name", "label::English (en)", "label::Polski (pl)", "hint::English (en)",
         "required", "appearance", "parameters", "audio::English (en)"],
        ["text", "meaning", "What does it mean?", "Co to znaczy?", "A few words", "yes", None,
         None, "meaning.wav"],
        ["select_one role", "role", "You are", "Jesteś", None, None, None, None, None],
        ["select_multiple barriers", "barriers", "What gets in the way?", "Co przeszkadza?",
         None, "no", None, None, None],
        ["range", "heard", "Heard?", "Słyszany?", None, None, None, "start=1 end=5 step=1",
         None],
        ["range", "ten", "Out of ten", "Na dziesięć", None, None, None, "start=1 end=10", None],
        ["select_one agree", "agree", "Agree?", "Zgoda?", None, None, "likert", None, None],
        ["select_one yn", "again", "Again?", "Znowu?", None, "TRUE", None, None, None],
    ], [
        ["list_name", "name", "label::English (en)", "label::Polski (pl)"],
        ["role", "carer", "A carer", "Opiekun"],
        ["role", "worker", "A worker", "Pracownik"],
        ["barriers", "money", "Money", "Pieniądze"],
        ["barriers", "time", "Time", "Czas"],
        ["agree", "1", "Disagree", "Nie"],
        ["agree", "2", "Not sure", "Nie wiem"],
        ["agree", "3", "Agree", "Tak"],
        ["yn", "yes", "Yes", "Tak"],
        ["yn", "no", "No", "Nie"],
    ], [["form_title", "form_id", "version", "default_language"],
        ["Winter forum", "winter-forum", "7", "English (en)"]])
    (tmp_path / "meaning.wav").write_bytes(b"")
    result = import_form()
    assert result.exit_code == 0, result.output
    assert result.stdout == ("pack.toml: written: 'winter-forum' version 7, 7 questions in en, "
                             "pl, 2 warnings\n")
    # Languages are named as the form's own columns name them.
    assert lines(result) == [
        "form.xlsx:settings:2: warning: the title has no Polski (pl) text; it will be shown in "
        "English (en). Fill in kiosk_title::Polski (pl) to translate it",
        "form.xlsx:survey:2: warning: the hint of 'meaning' has no Polski (pl) text; it will be "
        "shown in English (en). Fill in hint::Polski (pl) to translate it",
    ]
    pack, _ = load_pack(tmp_path / "pack.toml")
    assert pack.languages == ("en", "pl") and pack.title.get("en") == "Winter forum"
    q = {question.id: question for question in pack.questions}
    assert [question.type for question in pack.questions] == [
        "open", "choice", "multi", "scale", "scale", "scale", "yesno"]
    assert q["meaning"].help is not None and q["meaning"].help.get("en") == "A few words"
    assert q["meaning"].audio == {"en": "meaning.wav"}
    assert not q["meaning"].optional and not q["again"].optional
    assert q["role"].optional and q["barriers"].optional
    assert [c.id for c in q["role"].choices] == ["carer", "worker"]
    assert q["role"].choices[1].text.get("pl") == "Pracownik"
    assert [c.text.get("en") for c in q["heard"].choices] == list(DEFAULT_SCALE_LABELS)
    assert [c.text.get("en") for c in q["ten"].choices] == [str(i) for i in range(1, 11)]
    assert [c.text.get("pl") for c in q["agree"].choices] == ["Nie", "Nie wiem", "Tak"]


def test_groups_are_flattened_and_a_note_becomes_the_next_questions_help(tmp_path: Path) -> None:
    form(tmp_path, [
        ["type", "name", "label", "hint"],
        ["begin group", "respondent", "Respondent", None],
        ["note", "intro", "Take your time.", None],
        ["text", "name_of_group", "Which group are you with?", None],
        ["note", "lost", "This note has nowhere to go.", None],
        ["text", "position", "What is your role?", "Your own words"],
        ["end group", None, None, None],
        ["start", "start", None, None],
        ["note", "bye", "Thank you.", None],
    ])
    result = import_form()
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        "form.xlsx:survey:5: warning: this note is left out: the next question (row 6) has its "
        "own hint; move the note's words into that hint, or delete the note",
        "form.xlsx:survey:8: warning: 'start' is left out: the kiosk keeps no time of day and "
        "no device or person details; delete the row to silence this",
        "form.xlsx:survey:9: warning: this note is left out: no question follows it; delete "
        "it, or move its words into a question's hint",
        "form.xlsx:survey:1: warning: the label column does not say which language it is; it "
        "is taken as English (en). Write it as label::English (en), or set default_language on "
        "the settings sheet",
    ]
    pack, _ = load_pack(tmp_path / "pack.toml")
    assert pack.id == "form" and pack.languages == ("en",)
    assert [q.id for q in pack.questions] == ["name_of_group", "position"]
    help_text = pack.questions[0].help
    assert help_text is not None and help_text.get("en") == "Take your time."


def test_the_documentations_multiple_choice_examples(tmp_path: Path) -> None:
    # xlsform.org, "Multiple choice": select_one yes_no and select_multiple pizza_toppings.
    form(tmp_path, [
        ["type", "name", "label"],
        ["select_one yes_no", "likes_pizza", "Do you like pizza?"],
        ["select_multiple pizza_toppings", "favorite_toppings",
         "What are your favorite pizza toppings?"],
    ], [
        ["list name", "name", "label"],
        ["yes_no", "yes", "Yes"],
        ["yes_no", "no", "No"],
        ["pizza_toppings", "cheese", "Cheese"],
        ["pizza_toppings", "pepperoni", "Pepperoni"],
        ["pizza_toppings", "sausage", "Sausage"],
    ])
    result = import_form()
    assert result.exit_code == 0, result.output
    pack, _ = load_pack(tmp_path / "pack.toml")
    likes, toppings = pack.questions
    assert (likes.id, likes.type, likes.text.get("en")) == (
        "likes_pizza", "yesno", "Do you like pizza?")
    assert toppings.type == "multi"
    assert [c.id for c in toppings.choices] == ["cheese", "pepperoni", "sausage"]


def test_a_csv_form_as_the_standards_reader_takes_it(tmp_path: Path) -> None:
    (tmp_path / "form.csv").write_text(
        "survey,,,\n,type,name,label::English (en)\n,text,thoughts,Any thoughts?\n"
        "settings,,,\n,form_id,version,\n,csv-form,2,\n", encoding="utf-8")
    result = import_form("form.csv")
    assert result.exit_code == 0, result.output
    pack, _ = load_pack(tmp_path / "pack.toml")
    assert (pack.id, pack.version, pack.questions[0].id) == ("csv-form", 2, "thoughts")


# -- forms the kiosk cannot ask ----------------------------------------------------------------


def test_every_unsupported_row_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    form(tmp_path, [
        ["type", "name", "label", "relevant", "constraint", "calculation", "parameters"],
        ["text", "store_name", "What is the name of this store?", None, None, None, None],
        ["geopoint", "store_gps", "Collect the GPS coordinates of this store.", None, None,
         None, None],
        ["image", "photo", "A photo", None, None, None, None],
        ["calculate", "sum", None, None, None, "1 + 1", None],
        ["text", "why", "Why?", "${store_name} != ''", None, None, None],
        ["text", "age", "Age?", None, ". <= 150", None, None],
        ["integer", "count", "How many?", None, None, None, None],
        ["select_one nowhere", "pick", "Pick one", None, None, None, None],
        ["select_multiple fruit or_other", "fruit", "Fruit?", None, None, None, None],
        ["range", "amount", "What amount?", None, None, None, "start=0 end=17 step=1"],
        ["text", "two words", "Bad name", None, None, None, None],
        ["text", "store_name", "Again", None, None, None, None],
        ["text", "silent", None, None, None, None, None],
        ["begin repeat", "child", None, None, None, None, None],
    ], [["list_name", "name", "label"], ["fruit", "apple", "Apple"]])
    (tmp_path / "pack.toml").write_text("kept", encoding="utf-8")
    result = import_form()
    assert result.exit_code == 2
    assert lines(result) == [
        "form.xlsx:survey:3: error: type 'geopoint' is not supported by the kiosk; change it "
        "to text, select_one LIST, select_multiple LIST, range or note, or delete the row",
        "form.xlsx:survey:4: error: type 'image' is not supported by the kiosk; change it to "
        "text, select_one LIST, select_multiple LIST, range or note, or delete the row",
        "form.xlsx:survey:5: error: type 'calculate' is not supported by the kiosk; the kiosk "
        "does no calculations; delete the row",
        "form.xlsx:survey:6: error: relevant is not supported: the kiosk asks every question "
        "of everyone and checks no answer; clear the relevant cell of this row",
        "form.xlsx:survey:7: error: constraint is not supported: the kiosk asks every question "
        "of everyone and checks no answer; clear the constraint cell of this row",
        "form.xlsx:survey:8: error: type 'integer' is not supported by the kiosk; change it to "
        "text (the answer is kept in words) or to a range",
        "form.xlsx:survey:9: error: the list 'nowhere' is not on the choices sheet; add its "
        "choices there with list_name nowhere, or correct the name after the type",
        "form.xlsx:survey:10: error: 'or_other' is not supported; remove it from the type and "
        "add a choice such as 'Something else' to the list 'fruit'",
        "form.xlsx:survey:11: error: this range (start=0 end=17 step=1) is not a kiosk scale, "
        "which goes from 1 to between 2 and 11 in steps of 1; write parameters such as start=1 "
        "end=5 step=1",
        "form.xlsx:survey:12: error: name 'two words' is not a short name; use letters, "
        "digits, '-', '_' or '.' (no spaces), for example travel_time",
        "form.xlsx:survey:13: error: name 'store_name' is used twice (first on row 2); give "
        "each question its own name",
        "form.xlsx:survey:14: error: question 'silent' has no label in English (en); write the "
        "question in the label column",
        "form.xlsx:survey:15: error: type 'begin repeat' is not supported by the kiosk; the "
        "kiosk asks each question once; take the questions out of the repeat and delete its "
        "begin repeat and end repeat rows",
        "form.xlsx:survey:1: warning: the label column does not say which language it is; it "
        "is taken as English (en). Write it as label::English (en), or set default_language on "
        "the settings sheet",
        "form.xlsx: 13 errors; pack.toml was not written. Fix them and import the "
        "spreadsheet again",
    ]
    assert (tmp_path / "pack.toml").read_text(encoding="utf-8") == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.xlsx", "pack.toml"]


def test_the_documentations_basic_and_language_examples_are_refused_row_by_row(
        tmp_path: Path) -> None:
    # xlsform.org, "Basic format" and "Multiple language support", as written there.
    form(tmp_path, [
        ["type", "name", "label"],
        ["today", "today", None],
        ["select_one gender", "gender", "Respondent's gender?"],
        ["integer", "age", "Respondent's age?"],
    ], [
        ["list_name", "name", "label"],
        ["gender", "transgender", "Transgender"],
        ["gender", "female", "Female"],
        ["gender", "male", "Male"],
        ["gender", "other", "Other"],
    ])
    result = import_form()
    assert result.exit_code == 2
    assert lines(result)[:2] == [
        "form.xlsx:survey:2: warning: 'today' is left out: the kiosk keeps no time of day and "
        "no device or person details; delete the row to silence this",
        "form.xlsx:survey:4: error: type 'integer' is not supported by the kiosk; change it to "
        "text (the answer is kept in words) or to a range",
    ]
    form(tmp_path, [
        ["type", "name", "label::English (en)", "label::Español (es)", "constraint"],
        ["integer", "age", "How old are you?", "¿Cuántos años tienes?", ". <= 150"],
    ], name="languages.xlsx")
    result = import_form("languages.xlsx")
    assert result.exit_code == 2
    assert lines(result)[0] == (
        "languages.xlsx:survey:2: error: type 'integer' is not supported by the kiosk; change "
        "it to text (the answer is kept in words) or to a range")


def test_choice_rows_are_named_by_their_own_row(tmp_path: Path) -> None:
    form(tmp_path, [
        ["type", "name", "label"],
        ["select_one colours", "colour", "Favourite colour?"],
    ], [
        ["list_name", "name", "label"],
        ["colours", "red", "Red"],
        ["colours", "red", "Red again"],
        ["colours", "dark blue", "Dark blue"],
        ["colours", "green", None],
    ])
    result = import_form()
    assert result.exit_code == 2
    assert lines(result) == [
        "form.xlsx:choices:3: error: list 'colours' has the choice 'red' twice (first on row "
        "2); give each choice its own name",
        "form.xlsx:choices:4: error: choice name 'dark blue' in list 'colours' is not a short "
        "name; use letters, digits, '-', '_' or '.' (no spaces), for example unpaid_carer",
        "form.xlsx:choices:5: error: choice 'green' has no label in English (en); write it in "
        "the label column",
        "form.xlsx:survey:1: warning: the label column does not say which language it is; it "
        "is taken as English (en). Write it as label::English (en), or set default_language on "
        "the settings sheet",
        "form.xlsx: 3 errors; pack.toml was not written. Fix them and import the "
        "spreadsheet again",
    ]


def test_settings_the_kiosk_cannot_use(tmp_path: Path) -> None:
    form(tmp_path, [["type", "name", "label::English (en)", "label::Klingon"],
                    ["text", "q", "Why?", "qatlh?"], ["text", "r", "Where?", "nuqDaq?"]],
         settings=[["form_id", "version"], ["my form", "2024.1"]])
    result = import_form()
    assert result.exit_code == 2
    assert lines(result) == [
        "form.xlsx:settings:2: error: form_id 'my form' is not a short name; use letters, "
        "digits, '-', '_' or '.', for example winter-forum",
        "form.xlsx:settings:2: error: version '2024.1' is not a whole number; the kiosk "
        "numbers versions 1, 2, 3..., so write a whole number such as 2",
        "form.xlsx:survey:1: error: column 'label::Klingon' does not say which language it is; "
        "write it as label::Klingon (xx) with the language's code, for example "
        "label::English (en)",
        "form.xlsx: 3 errors; pack.toml was not written. Fix them and import the "
        "spreadsheet again",
    ]


# -- files that are not forms ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("missing.xlsx", None, "missing.xlsx: error: file not found; check the path and the name of "
     "the spreadsheet"),
    ("form.xlsx", b"just some words, not a spreadsheet", "form.xlsx: error: cannot be read as a "
     "spreadsheet (.xlsx); open it in a spreadsheet program, save it again as .xlsx and import "
     "that"),
    ("form.txt", b"type,name,label", "form.txt: error: is not an XLSForm spreadsheet; save the "
     "form from your spreadsheet program as .xlsx (or .xls, or .csv) and import that"),
])
def test_a_file_that_is_not_a_form_is_one_clear_line(tmp_path: Path, name: str,
                                                     content: bytes | None,
                                                     expected: str) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    result = import_form(name)
    assert result.exit_code == 2
    assert lines(result)[0] == expected
    assert "Traceback" not in result.output and not (tmp_path / "pack.toml").exists()


def test_a_workbook_without_a_survey_sheet_is_one_clear_line(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "questions"
    sheet.append(["type", "name", "label"])
    book.create_sheet("choices").append(["list_name", "name", "label"])
    book.save(tmp_path / "form.xlsx")
    result = import_form()
    assert result.exit_code == 2
    assert lines(result)[0] == (
        "form.xlsx: error: has no sheet named 'survey' (sheets: 'questions', 'choices'); an "
        "XLSForm needs a survey sheet with type, name and label columns, and a choices sheet "
        "for lists")


def test_out_must_be_a_pack_file_in_a_folder_that_exists(tmp_path: Path) -> None:
    form(tmp_path, [["type", "name", "label"], ["text", "q", "Why?"]])
    assert lines(import_form(out="pack.txt")) == [
        "pack.txt: error: a pack is a .toml file; give --out a name ending in .toml"]
    assert lines(import_form(out="nowhere/pack.toml")) == [
        "nowhere/pack.toml: error: the folder nowhere does not exist; create it or choose "
        "another --out"]


def test_an_invalid_pack_is_not_exported(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[pack]\nid = \"x\"\n", encoding="utf-8")
    result = run("export", "bad.toml", "--out", "form.xlsx")
    assert result.exit_code == 2
    assert lines(result)[-1] == "bad.toml: cannot be exported until it is fixed; form.xlsx was " \
        "not written"
    assert not (tmp_path / "form.xlsx").exists()
    assert lines(run("export", "bad.toml", "--out", "form.ods")) == [
        "form.ods: error: an XLSForm is written as .xlsx; give --out a name ending in .xlsx"]


def test_a_survey_sheet_without_a_type_column_or_with_a_column_twice(tmp_path: Path) -> None:
    form(tmp_path, [["name", "label"], ["q", "Why?"], ["r", "Where?"]])
    result = import_form()
    assert result.exit_code == 2
    assert lines(result)[0] == (
        "form.xlsx:survey:1: error: there is no type column; add one and write in it what each "
        "row is (text, select_one LIST, select_multiple LIST, range or note)")
    form(tmp_path, [["type", "name", "label", "label"], ["text", "q", "Why?", "Why not?"]])
    result = import_form()
    assert result.exit_code == 2
    assert lines(result)[0] == (
        "form.xlsx: error: has two columns named 'label' on one sheet; keep one of them, or give "
        "each its own name")
