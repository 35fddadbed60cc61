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

    count = export(Path("shared.sqlite"), "csv", Path("answers.csv"),
                   progress=lambda done, total: ...)
"""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kiosk.core.answers import new_id
from kiosk.core.pack import QuestionPack, parse_pack
from kiosk.store.db import STORE_FILE_NAME
from kiosk.store.shared import MAX_VALUE_BYTES, SHARED_FILE_NAME

FORMATS = ("csv", "xlsx", "json", "report")
COLUMNS = ("participant", "pack", "question_id", "question", "answer", "method", "language",
           "session", "date")
METHOD_WORDS = {"voice": "voice", "tap": "tap", "typed": "typed"}
Progress = Callable[[int, int], None]


class ExportError(Exception):
    """An export that cannot be made, with a one-line reason and what to do."""


class BadAnswer(ExportError):
    """An answer row of a shape no kiosk writes: the store was edited by hand, or damaged."""

    def __init__(self, pid: Any, qid: Any, what: str):
        super().__init__(f"participant {pid}, question {qid}: {what}; the store was changed "
                         "outside the kiosk: correct or delete that answer (for example with "
                         "sqlite-utils) and export again")


def _decoded(raw: Any, pid: Any, qid: Any) -> Any:
    """An answer's value decoded from its JSON text."""
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        raise BadAnswer(pid, qid, f"its value is not JSON ({str(raw)[:40]!r})") from None


@dataclass(frozen=True)
class Row:
    """One kept answer, ready to write."""

    participant: str
    pack: str
    question_id: str
    question: str
    answer: str
    method: str
    language: str
    session: str
    date: str
    question_type: str
    value: Any  # decoded: str, list of choice ids, bool

    def values(self) -> tuple[str, ...]:
        """The exported columns, in COLUMNS order."""
        return (self.participant, self.pack, self.question_id, self.question, self.answer,
                self.method, self.language, self.session, self.date)


def open_store(path: str | Path) -> sqlite3.Connection:
    """Open a kiosk store or shared store read-only for export (a folder: the store inside)."""
    path = Path(path)
    if path.is_dir():
        for name in (SHARED_FILE_NAME, STORE_FILE_NAME):
            if (path / name).exists():
                path = path / name
                break
    if not path.is_file():
        raise ExportError(f"{path}: no store there; give a kiosk data folder, a kiosk.sqlite or "
                          "a shared store file")
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30)
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        triggers = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'")
        has_triggers = triggers.fetchone()[0] > 0
    except sqlite3.DatabaseError as exc:
        raise ExportError(f"{path}: is not a kiosk store ({exc}); check the file") from None
    missing = {"packs", "events", "participants", "answers", "current_answers"} - names
    if missing or has_triggers:
        conn.close()
        raise ExportError(f"{path}: is not a kiosk store (lacks {', '.join(sorted(missing))})"
                          if missing else f"{path}: holds triggers a kiosk store never has; "
                          "check the file")
    return conn


def packs_in(conn: sqlite3.Connection) -> dict[tuple[str, int], QuestionPack]:
    """The packs a store used, parsed from their recorded source (unreadable ones left out)."""
    packs: dict[tuple[str, int], QuestionPack] = {}
    for pack_id, version, source in conn.execute("SELECT id, version, source FROM packs"):
        pack, _problems = parse_pack(source, f"pack {pack_id}")
        if pack is not None:
            packs[(pack_id, version)] = pack
    return packs


def _filters(conn: sqlite3.Connection, session: str | None, pack: str | None
             ) -> tuple[str, list[Any]]:
    where, params = [], []
    if session:
        ids = [r[0] for r in conn.execute("SELECT id FROM events WHERE id = ? OR name = ?",
                                          (session, session))]
        if not ids:
            names = [r[0] for r in conn.execute("SELECT DISTINCT name FROM events LIMIT 20")]
            raise ExportError(f"--session {session}: no such session in this store; sessions "
                              f"are: {', '.join(names) or 'none'}")
        where.append(f"p.event_id IN ({', '.join('?' * len(ids))})")
        params += ids
    if pack:
        where.append("p.pack_id = ?")
        params.append(pack)
    return (" AND " + " AND ".join(where)) if where else "", params


def count_answers(conn: sqlite3.Connection) -> int:
    """An upper bound of the rows an export writes (cheap: for progress bars)."""
    return int(conn.execute("SELECT COUNT(*) FROM answers WHERE value IS NOT NULL").fetchone()[0])


def rows(conn: sqlite3.Connection, session: str | None = None, pack: str | None = None
         ) -> Iterator[Row]:
    """Every kept answer, streamed, in participant and answer order."""
    for (pid, day, event), (pack_name, qid, question), answer, method, language, qtype, raw \
            in _tuples(conn, session, pack, values=True):
        yield Row(pid, pack_name, qid, question, answer, method, language, event, day,
                  question_type=qtype, value=_decoded(raw, pid, qid))


# The condition that makes an answer one of the current_answers view's (besides its participant
# not having withdrawn), on the answers table as `a`: the view has no rowid, so only the table can
# give its rows in the order they were stored.
LATEST_ANSWER = ("a.value IS NOT NULL AND a.seq = (SELECT MAX(b.seq) FROM answers b "
                 "WHERE b.participant_id = a.participant_id AND b.question_id = a.question_id)")

# (participant id, date, session name) and (pack name, question id, question text): one tuple per
# participant and per question, shared by all of its rows, so writers can format each once.
_Who = tuple[str, str, str]
_What = tuple[str, str, str]


def _tuples(conn: sqlite3.Connection, session: str | None, pack: str | None,
            values: bool = False
            ) -> Iterator[tuple[_Who, _What, str, str, str, str, str | None]]:
    """(who, what, answer words, method, language, question type, raw value JSON) per kept
    answer: the fast path, without building objects or decoding open answers. The raw value
    of an open answer is None unless `values` asks for it (its words are the answer).

    Participants are read first, once each: fetching their columns with every answer cost
    more than all the rest of a CSV export. The answers are those of the current_answers view
    (kept participants, latest answer to each question), but read from the answers table so
    that they come in the order they were stored: the view has no rowid to order by.
    """
    packs = packs_in(conn)
    where, params = _filters(conn, session, pack)
    people: dict[str, tuple[tuple[str, int], _Who]] = {
        pid: ((pack_id, version), (pid, day, event))
        for pid, pack_id, version, event, day in conn.execute(
            "SELECT p.id, p.pack_id, p.pack_version, COALESCE(e.name, ''), p.date "
            "FROM participants p LEFT JOIN events e ON e.id = p.event_id "
            f"WHERE p.withdrawn = 0{where}", params)}
    value = "a.value" if values else \
        "CASE WHEN a.question_type = 'open' THEN NULL ELSE a.value END"
    cursor = conn.execute(
        "SELECT a.participant_id, a.question_id, a.question_type, a.text, a.method, "
        f"a.language, {value} FROM answers a WHERE {LATEST_ANSWER} ORDER BY a.rowid")
    questions: dict[tuple[tuple[str, int], str], tuple[_What, dict[str, str]]] = {}
    labels: dict[tuple[tuple[str, int], str, str], str] = {}
    while batch := cursor.fetchmany(2000):
        for pid, qid, qtype, text, method, language, raw in batch:
            person = people.get(pid)
            if person is None:
                continue  # withdrawn, or left out by --session or --pack
            key, who = person
            known = questions.get((key, qid))
            if known is None:
                question, choices = _question(packs.get(key), qid)
                known = questions[(key, qid)] = ((f"{key[0]} v{key[1]}", qid, question),
                                                 choices)
            what, choices = known
            if type(text) is not str:
                raise BadAnswer(pid, qid, f"its text is {type(text).__name__}, not text")
            if qtype == "open":
                answer = text
            else:
                answer = labels.get((key, qid, raw), "")
                if not answer:
                    answer = _answer_words(qtype, _decoded(raw, pid, qid), choices, text)
                    labels[(key, qid, raw)] = answer
            yield (who, what, answer, METHOD_WORDS.get(method, method), language, qtype, raw)


def _question(pack: QuestionPack | None, qid: str) -> tuple[str, dict[str, str]]:
    if pack is None:
        return qid, {}
    try:
        q = pack.question(qid)
    except KeyError:
        return qid, {}
    language = pack.default_language
    choices = {c.id: c.text.get(language) for c in q.choices}
    if q.type == "scale":
        choices = {cid: f"{cid} – {label}" for cid, label in choices.items()}
    return q.text.get(language), choices


def _answer_words(qtype: str, value: Any, choices: dict[str, str], text: str) -> str:
    if qtype == "yesno":
        return "Yes" if value is True else "No" if value is False else text
    if qtype == "multi" and isinstance(value, list):
        return "; ".join(choices.get(str(v), str(v)) for v in value)
    if isinstance(value, str) and value in choices:
        return choices[value]
    return text


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress and done % 5000 == 0:
        progress(done, total)


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
    total, n = count_answers(conn), 0
    heads: dict[_Who, tuple[str, str]] = {}  # participant: (first column, last two)
    middles: dict[_What, str] = {}  # question: its three columns
    tails: dict[tuple[str, str], str] = {}  # method and language
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(",".join(COLUMNS) + "\r\n")
        lines: list[str] = []
        for who, what, answer, method, language, _qtype, _raw in _tuples(
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
                _tick(progress, n, total)
        handle.write("".join(lines))
    return n


def write_json_lines(conn: sqlite3.Connection, out: Path, progress: Progress | None = None,
                     **filters: Any) -> int:
    """JSON Lines: one object per answer, the CSV columns plus the answer's raw value."""
    total, n = count_answers(conn), 0
    with open(out, "w", encoding="utf-8") as handle:
        for row in rows(conn, **filters):
            record = dict(zip(COLUMNS, row.values(), strict=True))
            record["question_type"] = row.question_type
            record["value"] = row.value
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
            _tick(progress, n, total)
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
        total, n = count_answers(conn), 0

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
                _tick(progress, n, total)
        except BaseException:
            for sheet in (overview, *sheets.values()):
                _discard(sheet)
            raise
        overview.append(["Answers kept", n])
        overview.append([])
        overview.append(["pack", "question id", "question", "sheet", "answers"])
        for line in counts.values():
            overview.append(cells(overview, line))
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


def export(store: str | Path, fmt: str, out: str | Path, progress: Progress | None = None,
           session: str | None = None, pack: str | None = None,
           min_group: int = 3, raw_text: bool = False) -> int:
    """Write an export of `store` in `fmt` (csv, xlsx, json, report) to `out`.

    Returns how many answers were written. `progress(done, total)` is called now and then.
    For "report", `out` is a folder that receives report.pdf, report.html and report.wav, or a
    name ending in .pdf or .html with the other files written beside it. `raw_text` writes
    CSV cells that a spreadsheet would read as formulas as stored, without the quote in front.
    """
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    conn = open_store(store)
    out = Path(out)
    try:
        if fmt == "report":
            from kiosk.report import write_report

            return write_report(conn, out, progress=progress, session=session, pack=pack,
                                min_group=min_group)
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
