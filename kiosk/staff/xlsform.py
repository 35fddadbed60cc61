"""XLSForm spreadsheets to question packs and back, so groups can write questions in a spreadsheet.

XLSForm is the spreadsheet form standard of ODK Collect and KoboToolbox. The spreadsheet is read
by pyxform, the standard's reference implementation (its reader and its column names), and turned
into a pack here:

- ``text`` -> open, ``select_one LIST`` -> choice (a list of just ``yes`` and ``no`` -> yesno;
  appearance ``likert`` with choices named 1 to N -> scale with those labels),
  ``select_multiple LIST`` -> multi, ``range`` from 1 to 2..11 in steps of 1 -> scale;
- ``label::English (en)`` and ``hint::...`` columns -> the pack's languages, text and help;
  ``audio::...`` -> the question's recorded voice; ``required`` yes -> not optional;
- settings ``form_title``, ``form_id``, ``version``, ``default_language``, and two columns of the
  kiosk's own that other XLSForm tools ignore: ``kiosk_title::LANG`` (the title in the other
  languages) and ``kiosk_description::LANG``;
- groups are flattened; a ``note`` becomes the next question's help; metadata rows (start, end,
  deviceid...) are left out with a warning; anything else the kiosk cannot ask is an error.

Every problem is one line, ``FORM.xlsx:survey:ROW: error: what; what to do``, and all are listed.
`write_xlsform` writes the reverse, so a pack edited in a spreadsheet comes back unchanged.
The pack's TOML is written by `kiosk.staff.pack_toml`, the writer authoring shares.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kiosk.core.pack import (
    DEFAULT_SCALE_LABELS,
    MAX_CHOICES,
    MAX_QUESTIONS,
    MAX_TEXT_LENGTH,
    Choice,
    LocalText,
    QuestionPack,
    parse_pack,
)
from kiosk.staff.pack_toml import dump_toml

FORM_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?$")
_CODE_AT_END = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z]{2})?)\s*\)\s*$")
_YES_NO = {"yes": True, "true": True, "true()": True, "no": False, "false": False,
           "false()": False}
# Rows that record something about the device or the visit rather than ask anything. The kiosk
# keeps no time of day and no device ids, so they are left out (with a warning), not refused.
_METADATA = {"start", "end", "today", "deviceid", "imei", "subscriberid", "simserial",
             "phonenumber", "username", "email", "audit", "start-geopoint", "start_geopoint"}
_SELECT_ONE = ("select_one", "select one", "select1")
_SELECT_MULTIPLE = ("select_multiple", "select all that apply")
_SUPPORTED = "text, select_one LIST, select_multiple LIST, range or note"
_TYPE_ADVICE = {
    "integer": "change it to text (the answer is kept in words) or to a range",
    "decimal": "change it to text (the answer is kept in words) or to a range",
    "calculate": "the kiosk does no calculations; delete the row",
    "hidden": "the kiosk keeps no hidden values; delete the row",
    "begin repeat": "the kiosk asks each question once; take the questions out of the repeat "
                    "and delete its begin repeat and end repeat rows",
    "end repeat": "the kiosk asks each question once; take the questions out of the repeat "
                  "and delete its begin repeat and end repeat rows",
}
# Columns that make a form behave in ways the kiosk does not: it asks every question of everyone,
# fills nothing in and checks no answer.
_BEHAVIOUR = {
    ("bind", "relevant"): "relevant",
    ("bind", "constraint"): "constraint",
    ("bind", "calculate"): "calculation",
    ("bind", "readonly"): "read_only",
    ("bind", "jr:preload"): "jr:preload",
    ("control", "jr:count"): "repeat_count",
    ("choice_filter",): "choice_filter",
    ("default",): "default",
    ("trigger",): "trigger",
}


@dataclass(frozen=True)
class FormProblem:
    """One thing wrong with a form, located by file, sheet and spreadsheet row where known."""

    file: str
    sheet: str | None
    row: int | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = ":".join([self.file, *([self.sheet] if self.sheet else []),
                          *([str(self.row)] if self.row else [])])
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Conversion:
    """A form converted to a pack: the TOML text and the pack, or None when there are errors."""

    text: str | None
    pack: QuestionPack | None
    problems: list[FormProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[FormProblem]:
        return [p for p in self.problems if p.severity == "error"]


# ---------------------------------------------------------------------------------------------
# Languages: "English (en)" in the spreadsheet, "en" in the pack.


def language_code(name: str) -> str | None:
    """The pack's code for an XLSForm language name: "English (en)", "en" or "English"."""
    name = name.strip()
    match = _CODE_AT_END.search(name)
    parts = _CODE.match(match.group(1) if match else name)
    if parts:
        region = parts.group(2)
        return parts.group(1).lower() + (f"_{region.upper()}" if region else "")
    return None if match else _code_from_english_name(name)


def _code_from_english_name(name: str) -> str | None:
    """The code of a language given by its English name ("Scottish Gaelic"), through Babel."""
    from babel import Locale
    from babel.localedata import locale_identifiers

    wanted = name.casefold()
    for identifier in locale_identifiers():
        if "_" in identifier:
            continue
        try:
            english = Locale.parse(identifier).get_display_name("en")
        except (ValueError, TypeError):
            continue
        if english and english.casefold() == wanted:
            return identifier
    return None


def language_name(code: str) -> str:
    """The XLSForm column name of a language: "Scottish Gaelic (gd)", "Portuguese (pt-BR)"."""
    from babel import Locale, UnknownLocaleError

    try:
        english = Locale.parse(code).get_language_name("en")
    except (ValueError, UnknownLocaleError):
        english = None
    tag = code.replace("_", "-")
    return f"{english} ({tag})" if english else tag


# ---------------------------------------------------------------------------------------------
# Reading a form.


def read_xlsform(path: Path, name: str | None = None) -> Conversion:
    """Convert the XLSForm at `path` to a pack; `name` is how problems name the file."""
    file = name or str(path)

    def fail(message: str) -> Conversion:
        return Conversion(None, None, [FormProblem(file, None, None, message)])

    if not path.exists():
        return fail("file not found; check the path and the name of the spreadsheet")
    if path.is_dir():
        return fail("is a folder; give the form's spreadsheet file (.xlsx)")
    if path.suffix.lower() not in FORM_SUFFIXES:
        return fail("is not an XLSForm spreadsheet; save the form from your spreadsheet program "
                    "as .xlsx (or .xls, or .csv) and import that")
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    try:
        data = get_xlsform(str(path), file_type=path.suffix.lower())
    except PyXFormError as exc:
        duplicate = re.match(r"Duplicate column header: (.+)", str(exc))
        if duplicate:
            return fail(f"has two columns named '{duplicate.group(1)}' on one sheet; keep one "
                        "of them, or give each its own name")
        return fail(f"cannot be read as a spreadsheet ({path.suffix.lower()}); open it in a "
                    "spreadsheet program, save it again as .xlsx and import that")
    except Exception:  # noqa: BLE001 - whatever else the reader raises, the file is not a form
        return fail(f"cannot be read as a spreadsheet ({path.suffix.lower()}); open it in a "
                    "spreadsheet program, save it again as .xlsx and import that")
    if not data.survey and not data.survey_header:
        found = ", ".join(repr(s) for s in data.sheet_names or []) or "none"
        return fail(f"has no sheet named 'survey' (sheets: {found}); an XLSForm needs a survey "
                    "sheet with type, name and label columns, and a choices sheet for lists")
    return _Converter(file, data).convert()


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]


class _Converter:
    """One form's conversion: collects every problem, then builds and checks the pack."""

    def __init__(self, file: str, data: Any):
        self.file = file
        self.data = data
        self.problems: list[FormProblem] = []
        self.languages: list[str] = []
        self.default: str = "en"
        self.unnamed_language_used = False
        self.unnamed_columns: set[tuple[str, str, str]] = set()
        self.names: dict[str, str] = {}  # code -> the language's name as this form writes it

    def name(self, code: str) -> str:
        """A language as the form's own columns name it, so a fix names a column it has."""
        return self.names.get(code) or language_name(code)

    def error(self, sheet: str | None, row: int | None, message: str) -> None:
        self.problems.append(FormProblem(self.file, sheet, row, message))

    def warn(self, sheet: str | None, row: int | None, message: str) -> None:
        self.problems.append(FormProblem(self.file, sheet, row, message, "warning"))

    # -- sheets through pyxform's column rules -----------------------------------------------

    def _sheet(self, sheet: str, rows: Any, header: Any, aliases: Mapping[str, Any],
               columns: set[str]) -> list[_Row]:
        from pyxform.errors import PyXFormError
        from pyxform.parsing.sheet_headers import dealias_and_group_headers

        try:
            result = dealias_and_group_headers(
                sheet_name=sheet, sheet_data=rows or [], sheet_header=header,
                header_aliases=dict(aliases), header_columns=columns,
                default_language="default", strip_whitespace=True, add_row_number=True)
        except PyXFormError as exc:
            self.error(sheet, 1, f"the column names cannot be read ({exc}); give each column "
                       "one name, spelt as in the XLSForm standard")
            return []
        return [_Row(sheet, values.pop("__row"), values) for values in result.data]

    # -- languages --------------------------------------------------------------------------

    def _settings(self) -> dict[str, str]:
        rows = self.data.settings or []
        return {_snake(k): str(v) for k, v in (rows[0] if rows else {}).items()}

    def _language(self, name: str, sheet: str, column: str) -> str | None:
        if name == "default":
            self.unnamed_language_used = True
            return self.default
        code = language_code(name)
        if code is not None and _CODE_AT_END.search(name):
            self.names.setdefault(code, name)
        if code is None and (sheet, column, name) not in self.unnamed_columns:
            self.unnamed_columns.add((sheet, column, name))  # said once, not on every row
            self.error(sheet, 1, f"column '{column}::{name}' does not say which language it is; "
                       f"write it as {column}::{name} (xx) with the language's code, for example "
                       "label::English (en)")
        return code

    def texts(self, value: Any, sheet: str, column: str) -> dict[str, str]:
        """A cell group such as label::English (en), label::Polski (pl) as {code: text}."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            value = {"default": value}
        out: dict[str, str] = {}
        for name, text in value.items():
            if isinstance(text, dict):  # a deeper split, e.g. media::audio::English (en)
                continue
            code = self._language(str(name), sheet, column)
            text = str(text).strip()
            if code is None or not text:
                continue
            # An explicit language column wins over the plain one for the same language.
            if name == "default" and code in out:
                continue
            out[code] = text
            if code not in self.languages:
                self.languages.append(code)
        return out

    def _find_default_language(self, settings: dict[str, str]) -> None:
        given = settings.get("default_language", "").strip()
        if given and given.lower() != "default":
            code = language_code(given)
            if code is None:
                self.error("settings", 2, f"default_language '{given}' does not say which "
                           "language it is; write it as in the label columns, for example "
                           "English (en)")
            else:
                self.default = code
                return
        # Otherwise the first language named by a label column.
        for name in (self.data.survey_header or [{}])[0]:
            match = re.match(r"^\s*label\s*::(.+)$", str(name), re.IGNORECASE)
            if match and (code := language_code(match.group(1))):
                self.default = code
                return

    # -- the conversion ---------------------------------------------------------------------

    def convert(self) -> Conversion:
        from pyxform import aliases
        from pyxform.question import MultipleChoiceQuestion, Option

        header = (self.data.survey_header or [{}])[0]
        if not any(_snake(name) in ("type", "command") for name in header):
            self.error("survey", 1, "there is no type column; add one and write in it what each "
                       f"row is ({_SUPPORTED})")
            return Conversion(None, None, self.problems)
        settings = self._settings()
        self._find_default_language(settings)
        self.languages = [self.default]
        survey = self._sheet("survey", self.data.survey, self.data.survey_header,
                             aliases.survey_header, set(MultipleChoiceQuestion.get_slot_names()))
        choice_rows = self._sheet("choices", self.data.choices, self.data.choices_header,
                                  aliases.list_header,
                                  set(Option.get_slot_names()) | {"list_name"})
        lists: dict[str, list[_Row]] = {}
        for row in choice_rows:
            # pyxform names the column "list name" whichever way the sheet spells it.
            list_name = str(row.values.get("list name") or row.values.get("list_name")
                            or "").strip()
            if list_name:
                lists.setdefault(list_name, []).append(row)
            elif row.values:
                self.error("choices", row.number, "this choice has no list_name; write the name "
                           "of its list (as after select_one in the survey sheet)")

        meta, meta_rows = self._meta(settings)
        questions: list[tuple[dict[str, Any], _Row]] = []
        seen: dict[str, int] = {}
        note: tuple[_Row, dict[str, str]] | None = None
        for row in survey:
            question = self._question(row, lists)
            if question is None:
                continue
            if isinstance(question, str):  # a note
                if note is not None:
                    self.warn("survey", note[0].number, "this note is left out: another note "
                              f"follows it (row {row.number}); put both in one note, or move "
                              "its words into the next question's hint")
                note = (row, self.texts(row.values.get("label"), "survey", "label"))
                continue
            qid = question["id"]
            if qid in seen:
                self.error("survey", row.number, f"name '{qid}' is used twice (first on row "
                           f"{seen[qid]}); give each question its own name")
            seen.setdefault(qid, row.number)
            if note is not None:
                if "help" in question:
                    self.warn("survey", note[0].number, f"this note is left out: the next "
                              f"question (row {row.number}) has its own hint; move the note's "
                              "words into that hint, or delete the note")
                elif note[1]:
                    question["help"] = note[1]
                note = None
            questions.append((question, row))
        if note is not None:
            self.warn("survey", note[0].number, "this note is left out: no question follows it; "
                      "delete it, or move its words into a question's hint")
        if not questions and not self.errors():
            self.error("survey", None, "the form has no questions; add rows with a type (text, "
                       "select_one LIST, ...), a name and a label")
        if len(questions) > MAX_QUESTIONS:
            self.error("survey", questions[MAX_QUESTIONS][1].number, f"the form has "
                       f"{len(questions)} questions; split it into forms of at most "
                       f"{MAX_QUESTIONS}")
        if self.unnamed_language_used and not settings.get("default_language"):
            self.warn("survey", 1, f"the label column does not say which language it is; it is "
                      f"taken as {self.name(self.default)}. Write it as "
                      f"label::{self.name(self.default)}, or set default_language on the "
                      "settings sheet")
        self._check_translations(meta, meta_rows, questions)

        meta["languages"] = list(self.languages)
        if self.errors():
            return Conversion(None, None, self.problems)
        text, line_rows = dump_toml(meta, meta_rows, questions, self.languages)
        pack, pack_problems = parse_pack(text, self.file)
        for problem in pack_problems:
            if problem.severity == "error":  # all checked above; here only as a safeguard
                sheet, number = line_rows.get(problem.line, ("survey", None))
                self.error(sheet, number, problem.message)
        if self.errors():
            return Conversion(None, None, self.problems)
        return Conversion(text, pack, self.problems)

    def errors(self) -> list[FormProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def _meta(self, settings: dict[str, str]) -> tuple[dict[str, Any], dict[str, int]]:
        raw = self.data.settings[0] if self.data.settings else {}
        form_id = (settings.get("form_id") or settings.get("set_form_id")
                   or settings.get("id_string") or "")
        meta: dict[str, Any] = {}
        if form_id:
            if not _ID.match(form_id):
                self.error("settings", 2, f"form_id '{form_id}' is not a short name; use letters, "
                           "digits, '-', '_' or '.', for example winter-forum")
            meta["id"] = form_id
        else:
            stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(self.file).stem).strip("-._")[:64]
            meta["id"] = stem or "form"
        title = {}
        form_title = settings.get("form_title") or settings.get("set_form_title") or ""
        if form_title.strip():
            title[self.default] = form_title.strip()
        description: dict[str, str] = {}
        for header, value in raw.items():
            match = re.match(r"^\s*kiosk_(title|description)\s*::(.+)$", str(header))
            if match:
                texts = self.texts({match.group(2).strip(): value}, "settings",
                                   f"kiosk_{match.group(1)}")
                (title if match.group(1) == "title" else description).update(texts)
        meta["title"] = title or {self.default: meta["id"]}
        if description:
            meta["description"] = description
        version = settings.get("version", "").strip()
        if version:
            if re.fullmatch(r"[0-9]+", version) and int(version) >= 1:
                meta["version"] = int(version)
            else:
                self.error("settings", 2, f"version '{version}' is not a whole number; the kiosk "
                           "numbers versions 1, 2, 3..., so write a whole number such as 2")
        meta.setdefault("version", 1)
        return meta, {"title": 2, "description": 2}

    def _question(self, row: _Row, lists: dict[str, list[_Row]]) -> dict[str, Any] | str | None:
        values = row.values
        number = row.number
        kind = " ".join(str(values.get("type", "")).split())
        if not kind:
            if any(k not in ("name",) for k in values):
                self.error("survey", number, "this row has no type; write one in the type column "
                           f"({_SUPPORTED}) or clear the row")
            return None
        lowered = kind.lower()
        base = lowered.replace("_", " ")
        if base in ("begin group", "end group"):
            self._behaviour(row)
            return None
        if lowered in _METADATA:
            self.warn("survey", number, f"'{kind}' is left out: the kiosk keeps no time of day "
                      "and no device or person details; delete the row to silence this")
            return None
        if lowered in _TYPE_ADVICE or base in _TYPE_ADVICE:
            advice = _TYPE_ADVICE.get(lowered) or _TYPE_ADVICE[base]
            self.error("survey", number, f"type '{kind}' is not supported by the kiosk; {advice}")
            return None
        select, list_name, other = _select(lowered, kind)
        if select is None and lowered not in ("text", "range", "note"):
            self.error("survey", number, f"type '{kind}' is not supported by the kiosk; change it "
                       f"to {_SUPPORTED}, or delete the row")
            return None
        if not self._behaviour(row):
            return None
        if other:
            self.error("survey", number, f"'or_other' is not supported; remove it from the type "
                       f"and add a choice such as 'Something else' to the list '{list_name}'")
            return None
        label = self.texts(values.get("label"), "survey", "label")
        if lowered == "note":
            return "note"
        name = str(values.get("name", "")).strip()
        if not name:
            self.error("survey", number, "this question has no name; write a short name in the "
                       "name column, for example barriers")
            return None
        if not _ID.match(name):
            self.error("survey", number, f"name '{name}' is not a short name; use letters, "
                       "digits, '-', '_' or '.' (no spaces), for example travel_time")
            return None
        question: dict[str, Any] = {"id": name}
        if self.default not in label:
            column = "label" if self._plain_label("survey") else f"label::{self.name(self.default)}"
            self.error("survey", number, f"question '{name}' has no label in "
                       f"{self.name(self.default)}; write the question in the {column} "
                       "column")
            return None
        question["text"] = label
        help_text = self.texts(values.get("hint"), "survey", "hint")
        if help_text:
            question["help"] = help_text
        required = str((values.get("bind") or {}).get("required", "")).strip()
        question["optional"] = not _YES_NO.get(required.lower(), False)
        media = values.get("media") or {}
        audio = self.texts(media.get("audio"), "survey", "audio")
        if audio:
            question["audio"] = audio
        for what in ("image", "big-image", "video"):
            if media.get(what):
                self.warn("survey", number, f"the {what} of question '{name}' is left out: the "
                          "kiosk shows words only; delete it to silence this")
        appearance = str((values.get("control") or {}).get("appearance", "")).strip().lower()
        if lowered == "text":
            question["type"] = "open"
        elif lowered == "range":
            return self._range(row, question)
        else:
            assert list_name is not None
            rows = lists.get(list_name)
            if not rows:
                self.error("survey", number, f"the list '{list_name}' is not on the choices "
                           f"sheet; add its choices there with list_name {list_name}, or correct "
                           "the name after the type")
                return None
            choices = self._choices(list_name, rows)
            if choices is None:
                return None
            ids = [c["id"] for c in choices]
            if select == "one" and sorted(i.lower() for i in ids) == ["no", "yes"]:
                question["type"] = "yesno"
            elif (select == "one" and "likert" in appearance.split()
                  and ids == [str(i + 1) for i in range(len(ids))] and 2 <= len(ids) <= 11):
                question["type"] = "scale"
                question["labels"] = [c["text"] for c in choices]
            else:
                question["type"] = "choice" if select == "one" else "multi"
                if len(choices) > MAX_CHOICES:
                    self.error("survey", number, f"the list '{list_name}' has {len(choices)} "
                               f"choices; keep it to {MAX_CHOICES} or fewer")
                    return None
                question["choices"] = choices
        return question

    def _plain_label(self, sheet: str) -> bool:
        """Whether the sheet has a label column that names no language."""
        header = getattr(self.data, f"{sheet}_header", None) or [{}]
        return any(_snake(name) in ("label", "caption") for name in header[0])

    def _behaviour(self, row: _Row) -> bool:
        """Refuse a row using columns whose behaviour the kiosk lacks; True when there is none."""
        used = []
        for path, column in _BEHAVIOUR.items():
            value: Any = row.values
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if value is not None and str(value).strip():
                if column == "read_only" and not _YES_NO.get(str(value).strip().lower(), True):
                    continue
                used.append(column)
        required = str((row.values.get("bind") or {}).get("required", "")).strip()
        if required and required.lower() not in _YES_NO:
            used.append("required (an expression)")
        if not used:
            return True
        self.error("survey", row.number, f"{', '.join(used)} {'is' if len(used) == 1 else 'are'} "
                   "not supported: the kiosk asks every question of everyone and checks no "
                   f"answer; clear the {' and '.join(c.split(' ')[0] for c in used)} "
                   f"cell{'s' if len(used) > 1 else ''} of this row")
        return False

    def _range(self, row: _Row, question: dict[str, Any]) -> dict[str, Any] | None:
        raw = str(row.values.get("parameters", "")).strip()
        params = dict(re.findall(r"(\w+)\s*=\s*([-+0-9.]+)", raw))
        try:
            start, end, step = (float(params.get(k, d)) for k, d in
                                (("start", 1), ("end", 10), ("step", 1)))
        except ValueError:
            start, end, step = 0.0, 0.0, 0.0
        if start != 1 or step != 1 or not end.is_integer() or not 2 <= end <= 11:
            self.error("survey", row.number, f"this range ({raw or 'start=1 end=10 step=1'}) is "
                       "not a kiosk scale, which goes from 1 to between 2 and 11 in steps of 1; "
                       "write parameters such as start=1 end=5 step=1")
            return None
        question["type"] = "scale"
        if end != 5:  # 1 to 5 gets the kiosk's own words (Not at all ... Completely)
            question["labels"] = [{lang: str(i) for lang in self.languages}
                                  for i in range(1, int(end) + 1)]
        return question

    def _choices(self, list_name: str, rows: list[_Row]) -> list[dict[str, Any]] | None:
        choices: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        ok = True
        for row in rows:
            name = str(row.values.get("name", "")).strip()
            label = self.texts(row.values.get("label"), "choices", "label")
            if not _ID.match(name):
                self.error("choices", row.number, f"choice name '{name}' in list '{list_name}' "
                           "is not a short name; use letters, digits, '-', '_' or '.' (no "
                           "spaces), for example unpaid_carer")
                ok = False
                continue
            if name in seen:
                self.error("choices", row.number, f"list '{list_name}' has the choice '{name}' "
                           f"twice (first on row {seen[name]}); give each choice its own name")
                ok = False
            seen.setdefault(name, row.number)
            if self.default not in label:
                column = ("label" if self._plain_label("choices")
                          else f"label::{self.name(self.default)}")
                self.error("choices", row.number, f"choice '{name}' has no label in "
                           f"{self.name(self.default)}; write it in the {column} column")
                ok = False
                continue
            choices.append({"id": name, "text": label, "_row": row.number})
        return choices if ok else None

    def _check_translations(self, meta: dict[str, Any], meta_rows: dict[str, int],
                            questions: list[tuple[dict[str, Any], _Row]]) -> None:
        """Warn for each cell left empty in one language, and refuse texts that are too long."""

        def check(texts: dict[str, str], sheet: str, row: int, what: str, column: str) -> None:
            for language in self.languages:
                if language not in texts:
                    self.warn(sheet, row, f"{what} has no {self.name(language)} text; it will "
                              f"be shown in {self.name(self.default)}. Fill in "
                              f"{column}::{self.name(language)} to translate it")
            for text in texts.values():
                if len(text) > MAX_TEXT_LENGTH:
                    self.error(sheet, row, f"{what} is {len(text)} characters long; keep it "
                               f"under {MAX_TEXT_LENGTH}")

        check(meta["title"], "settings", meta_rows["title"], "the title", "kiosk_title")
        for question, row in questions:
            qid = question["id"]
            check(question["text"], "survey", row.number, f"question '{qid}'", "label")
            if "help" in question:
                check(question["help"], "survey", row.number, f"the hint of '{qid}'", "hint")
            for choice in question.get("choices", []):
                check(choice["text"], "choices", choice["_row"], f"choice '{choice['id']}'",
                      "label")


def _snake(header: str) -> str:
    return "_".join(str(header).split()).lower()


def _select(lowered: str, kind: str) -> tuple[str | None, str | None, bool]:
    """("one" or "multiple", the list's name, whether 'or_other' follows) for a select type."""
    for prefixes, which in ((_SELECT_ONE, "one"), (_SELECT_MULTIPLE, "multiple")):
        for prefix in prefixes:
            if lowered.startswith(prefix + " "):
                rest = kind[len(prefix):].split()
                other = len(rest) > 1 and rest[-1].lower() == "or_other"
                return which, rest[0], other
    return None, None, False


# ---------------------------------------------------------------------------------------------
# Writing a pack as an XLSForm.


def _default_scale() -> tuple[Choice, ...]:
    return tuple(Choice(str(i + 1), LocalText({"en": label}, "en"))
                 for i, label in enumerate(DEFAULT_SCALE_LABELS))


def write_xlsform(pack: QuestionPack, out: IO[bytes],
                  translate: Callable[[str, str], str] | None = None) -> None:
    """Write `pack` as an XLSForm workbook (survey, choices, settings) to a binary file.

    `translate(language, message)` gives the words of the yes/no list in each language; without
    it they are in English (the kiosk shows its own Yes and No anyway).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    languages = list(pack.languages)
    names = {lang: language_name(lang) for lang in languages}
    say = translate or (lambda _language, message: message)

    def per_language(text: LocalText | None) -> list[str | None]:
        return [text.translations.get(lang) if text else None for lang in languages]

    default_scale = _default_scale()
    rows: list[dict[str, Any]] = []
    choice_rows: list[list[Any]] = []
    for q in pack.questions:
        row: dict[str, Any] = {"name": q.id, "required": None if q.optional else "yes"}
        if q.type == "open":
            row["type"] = "text"
        elif q.type in ("choice", "multi"):
            row["type"] = f"{'select_one' if q.type == 'choice' else 'select_multiple'} {q.id}"
            choice_rows += [[q.id, c.id, *per_language(c.text)] for c in q.choices]
        elif q.type == "yesno":
            row["type"] = f"select_one {q.id}"
            choice_rows += [[q.id, cid, *[say(lang, word) for lang in languages]]
                            for cid, word in (("yes", "Yes"), ("no", "No"))]
        elif q.choices == default_scale:
            row["type"], row["parameters"] = "range", "start=1 end=5 step=1"
        else:
            row["type"], row["appearance"] = f"select_one {q.id}", "likert"
            choice_rows += [[q.id, c.id, *per_language(c.text)] for c in q.choices]
        for lang, label, hint in zip(languages, per_language(q.text), per_language(q.help),
                                     strict=True):
            row[f"label::{names[lang]}"] = label
            row[f"hint::{names[lang]}"] = hint
            row[f"audio::{names[lang]}"] = q.audio.get(lang)
        rows.append(row)
    # A column appears only when some question uses it, so a simple pack stays a simple sheet.
    columns = ["type", "name", *[f"label::{names[lang]}" for lang in languages],
               *[f"hint::{names[lang]}" for lang in languages], "required", "appearance",
               "parameters", *[f"audio::{names[lang]}" for lang in languages]]
    header = [c for c in columns if c in ("type", "name") or c.startswith("label::")
              or any(row.get(c) for row in rows)]
    rows_out = [[row.get(c) for c in header] for row in rows]

    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    choices = book.create_sheet("choices")
    settings = book.create_sheet("settings")
    _fill(survey, header, rows_out)
    _fill(choices, ["list_name", "name", *[f"label::{names[lang]}" for lang in languages]],
          choice_rows)
    settings_header: list[str] = ["form_title", "form_id", "version", "default_language"]
    settings_row: list[Any] = [pack.title.translations.get(pack.default_language), pack.id,
                               pack.version, names[pack.default_language]]
    for lang in languages[1:]:
        if pack.title.has(lang):
            settings_header.append(f"kiosk_title::{names[lang]}")
            settings_row.append(pack.title.translations[lang])
    if pack.description:
        for lang in languages:
            if pack.description.has(lang):
                settings_header.append(f"kiosk_description::{names[lang]}")
                settings_row.append(pack.description.translations[lang])
    _fill(settings, settings_header, [settings_row])
    for sheet in (survey, choices, settings):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            letter = column[0].column_letter
            label_like = str(column[0].value).split("::")[0] in (
                "label", "hint", "form_title", "kiosk_title", "kiosk_description")
            sheet.column_dimensions[letter].width = 45 if label_like else 18
            if label_like:
                for cell in column[1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    book.save(out)


def _fill(sheet: Any, header: list[str], rows: list[list[Any]]) -> None:
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    # A text starting with "=" would be taken for a formula: keep every such cell as text.
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
