"""Exports: every kept answer from a kiosk store or a shared store, as CSV, XLSX or JSON Lines.

Rows are read with one streaming query over ``current_answers`` (latest answer per question, no
withdrawn participants) and written as they come, so 100,000 answers never sit in memory at once.
Choice answers are written as the choice's words (in the pack's first language, so that answers
given in different languages count together); several choices are joined with "; ".

Text that a spreadsheet program would run as a formula (a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: answers, question texts, session names, pack names) cannot
attack whoever opens an export (OWASP's CSV injection guidance): in CSV such a cell gets a
single quote in front (``'=HYPERLINK(...)``), which spreadsheet programs show as text and hide;
in XLSX every text is written as a text cell, exactly as given, never as a formula. JSON Lines
and the report keep the text exact. ``raw_text=True`` (``kiosk export --raw-text``) writes CSV
text exactly as stored, for analysts whose tools read it as data only.

Library use (the staff screen)::

    count = export(Path("kiosk-shared.db"), "csv", Path("answers.csv"),
                   progress=lambda done, total: ...)
"""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.ids import new_id
from kiosk.outputs.rows import (
    COLUMNS,
    BadAnswer,
    ExportError,
    Progress,
    What,
    Who,
    answer_tuples,
    count_answers,
    open_store,
    question_order,
    rows,
    tick,
)

FORMATS = ("csv", "xlsx", "json", "report")

_MUST_QUOTE = re.compile(r'[",\r\n]')

# First characters that make a spreadsheet program read a cell as a formula (OWASP).
FORMULA_STARTS = frozenset("=+-@\t\r")


def neutral(text: str) -> str:
    """`text` as a CSV cell no spreadsheet program runs as a formula: a single quote in front
    when it starts with = + - @, a tab or a carriage return; anything else unchanged."""
    return "'" + text if text and text[0] in FORMULA_STARTS else text


def _as_is(text: str) -> str:
    return text


def csv_field(value: Any) -> str:
    """One field as csv.writer's default (excel) dialect writes it: None as nothing, quoted
    only when it holds a comma, a quote or a line break, quotes doubled."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    if _MUST_QUOTE.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(conn: sqlite3.Connection, out: Path, progress: Progress | None = None,
              raw_text: bool = False, **filters: Any) -> int:
    """CSV, UTF-8 with a byte-order mark (so spreadsheet programs read accents right).

    Byte for byte what csv.writer makes of rows() with neutral() applied to every cell (or
    not, with `raw_text`), written without it: the csv module cost more than the query itself,
    and most columns repeat per participant or per question, so they are quoted once and
    reused. neutral() looks at one character, so the answers pay almost nothing for it.
    """
    safe = _as_is if raw_text else neutral
    total, n = (count_answers(conn) if progress else 0), 0
    heads: dict[Who, tuple[str, str]] = {}  # participant: (first column, last two)
    middles: dict[What, str] = {}  # question: its three columns
    tails: dict[tuple[str, str], str] = {}  # method and language
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(",".join(COLUMNS) + "\r\n")
        lines: list[str] = []
        for who, what, answer, method, language, _qtype, _raw in answer_tuples(
                conn, filters.get("session"), filters.get("pack")):
            head = heads.get(who)
            if head is None:
                head = heads[who] = (csv_field(safe(who[0])),
                                     f"{csv_field(safe(who[2]))},{csv_field(safe(who[1]))}\r\n")
            middle = middles.get(what)
            if middle is None:
                middle = middles[what] = ",".join(csv_field(safe(w)) for w in what)
            tail = tails.get((method, language))
            if tail is None:
                tail = tails[(method, language)] = \
                    f"{csv_field(safe(method))},{csv_field(safe(language))}"
            if answer and answer[0] in FORMULA_STARTS:
                answer = safe(answer)
            lines.append(f"{head[0]},{middle},{csv_field(answer)},{tail},{head[1]}")
            n += 1
            if n % 5000 == 0:
                handle.write("".join(lines))
                lines.clear()
                tick(progress, n, total)
        handle.write("".join(lines))
    return n


def write_json_lines(conn: sqlite3.Connection, out: Path, progress: Progress | None = None,
                     **filters: Any) -> int:
    """JSON Lines: one object per answer, the CSV columns plus the answer's raw value."""
    total, n = (count_answers(conn) if progress else 0), 0
    with open(out, "w", encoding="utf-8") as handle:
        for row in rows(conn, **filters):
            record = dict(zip(COLUMNS, row.values(), strict=True))
            record["question_type"] = row.question_type
            record["value"] = row.value
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
            tick(progress, n, total)
    return n


def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(ch for ch in text if ch not in '[]:*?/\\')[:28] or "Question"
    base, i = title, 2
    while title.lower() in used:
        title = f"{base[:25]} {i}"
        i += 1
    used.add(title.lower())
    return title


def write_xlsx(conn: sqlite3.Connection, out: Path, progress: Progress | None = None,
               raw_text: bool = False, **filters: Any) -> int:
    """A workbook: an Overview sheet, then one sheet per question with its answers.

    Every text goes in as a text cell, exactly as given: openpyxl would make a text starting
    with "=" a live formula, and Excel, LibreOffice and Google Sheets never run a text cell.
    (`raw_text` changes nothing here: the texts are already exact.)
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    # The file is opened before any sheet exists: a path that cannot be written fails here,
    # not inside save() with half-made sheets left for the garbage collector.
    with open(out, "wb") as handle:
        workbook = Workbook(write_only=True)
        overview = workbook.create_sheet("Overview")
        sheets: dict[tuple[str, str], Any] = {}
        counts: dict[tuple[str, str], list[Any]] = {}
        used = {"overview"}
        total, n = (count_answers(conn) if progress else 0), 0

        def cells(sheet: Any, values: list[Any]) -> list[Any]:
            """`values` for sheet.append(), texts that could be read as formulas made text
            cells (any other text is one already)."""
            out: list[Any] = []
            for value in values:
                if isinstance(value, str) and value and value[0] in FORMULA_STARTS:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
                out.append(value)
            return out

        try:
            for row in rows(conn, **filters):
                key = (row.pack, row.question_id)
                sheet = sheets.get(key)
                if sheet is None:
                    sheet = sheets[key] = workbook.create_sheet(
                        _sheet_title(row.question_id, used))
                    sheet.append(cells(sheet, [row.question]))
                    sheet.append(["participant", "answer", "method", "language", "session",
                                  "date"])
                    counts[key] = [row.pack, row.question_id, row.question, sheet.title, 0]
                sheet.append(cells(sheet, [row.participant, row.answer, row.method,
                                           row.language, row.session, row.date]))
                counts[key][4] += 1
                n += 1
                tick(progress, n, total)
        except BaseException:
            for sheet in (overview, *sheets.values()):
                _discard(sheet)
            raise
        # The question sheets in the pack's order (as asked), not the order answers came in;
        # a write-only workbook writes its sheets in the order of this list.
        order = question_order(conn)
        ranked = sorted(sheets, key=lambda key: order.get(key, len(order)))
        workbook._sheets = [overview, *(sheets[key] for key in ranked)]
        overview.append(["Answers kept", n])
        overview.append([])
        overview.append(["pack", "question id", "question", "sheet", "answers"])
        for key in ranked:
            overview.append(cells(overview, counts[key]))
        workbook.save(handle)
        return n


def _discard(sheet: Any) -> None:
    """Finish a write-only sheet that will never be saved and remove its temporary file (it
    holds answers), rather than leave both to the garbage collector."""
    try:
        sheet.close()
        sheet._writer.cleanup()  # what save() does after writing a sheet into the workbook
    except (OSError, ValueError):
        pass  # openpyxl removes its temporary files when the program ends anyway


def _make_private(path: Path) -> None:
    """An exported file 0600, a folder 0700 (best effort: a FAT stick has no modes)."""
    try:
        path.chmod(0o700 if path.is_dir() else 0o600)
    except OSError:
        pass


def export(store: str | Path, fmt: str, out: str | Path, progress: Progress | None = None,
           session: str | None = None, pack: str | None = None,
           min_group: int = 3, raw_text: bool = False, audio: bool = True) -> int:
    """Write an export of `store` in `fmt` (csv, xlsx, json, report) to `out`.

    Returns how many answers were written. `progress(done, total)` is called now and then.
    For "report", `out` is a folder that receives report.pdf, report.html and the recordings in
    report-audio/, or a name ending in .pdf or .html with the others written beside it (`audio`
    False: no recordings). `raw_text` writes CSV cells that a spreadsheet would read as formulas
    as stored, without the quote in front.
    """
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    conn = open_store(store)
    out = Path(out)
    try:
        if fmt == "report":
            from kiosk.outputs.report import report_files, write_report

            written = write_report(conn, out, progress=progress, session=session, pack=pack,
                                   min_group=min_group, audio=audio)
            pdf, page, sound = report_files(out)
            for path in (pdf, page, *(sound.rglob("*") if sound.is_dir() else ())):
                _make_private(path)  # files written over keep their old mode otherwise
            if sound.is_dir():
                _make_private(sound)
            return written
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.is_dir():
            raise ExportError(f"{out}: is a folder; give a file name, such as "
                              f"{out / ('answers.' + fmt)}")
        writer: Callable[..., int] = {"csv": write_csv, "json": write_json_lines,
                                      "xlsx": write_xlsx}[fmt]
        if fmt == "csv" and raw_text:
            writer = functools.partial(write_csv, raw_text=True)
        # Written to a temporary file and renamed when complete: a full disk or a pulled stick
        # never leaves a half-written export that looks whole.
        partial = out.with_name(f".{out.name[:200]}.{new_id()}.part")
        try:
            n = writer(conn, partial, progress, session=session, pack=pack)
            _make_private(partial)  # the owner's only, also when called without the CLI's umask
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        return n
    except BadAnswer as exc:
        raise ExportError(f"{store}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise ExportError(f"{store}: could not be read ({exc}); check the file") from None
    except OSError as exc:
        raise ExportError(f"{out}: cannot be written ({exc.strerror}); check the folder") \
            from None
    finally:
        conn.close()
