"""Reading kept answers out of a store, for exports and the report alike.

Rows are read with one streaming query over the answers of ``current_answers`` (latest answer per
question, no withdrawn participants), so 100,000 answers never sit in memory at once. Choice
answers become the choice's words (in the pack's first language, so that answers given in
different languages count together); several choices are joined with "; ".
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kiosk.core.pack import QuestionPack, parse_pack
from kiosk.store.db import STORE_FILE_NAME
from kiosk.store.shared import MAX_VALUE_BYTES, SharedStoreError, shared_store_in
from kiosk.store.tally import Tally, tally

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


def store_in_folder(folder: Path) -> Path:
    """The store a folder holds: its shared store (either name), else a kiosk's own store;
    the shared store's name when it holds neither."""
    try:
        shared = shared_store_in(folder)
    except SharedStoreError as exc:
        raise ExportError(str(exc)) from None
    if not shared.exists() and (folder / STORE_FILE_NAME).exists():
        return folder / STORE_FILE_NAME
    return shared


def open_store(path: str | Path) -> sqlite3.Connection:
    """Open a kiosk store or shared store read-only for export (a folder: the store inside)."""
    path = Path(path)
    if path.is_dir():
        path = store_in_folder(path)
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
    """The packs a store used, parsed from their recorded source (unreadable ones left out: their
    questions are shown by id, and `unreadable_packs` says which they are)."""
    return _read_packs(conn)[0]


def unreadable_packs(conn: sqlite3.Connection) -> list[str]:
    """One line per pack the store keeps whose source cannot be read, saying what the exports do
    instead; none when every pack can be read."""
    return _read_packs(conn)[1]


def _read_packs(conn: sqlite3.Connection
                ) -> tuple[dict[tuple[str, int], QuestionPack], list[str]]:
    packs: dict[tuple[str, int], QuestionPack] = {}
    unreadable: list[str] = []
    for pack_id, version, source in conn.execute("SELECT id, version, source FROM packs"):
        # parse_pack refuses a source too big or too deeply nested before reading it, so no
        # source in a store (sync checks them, a hand-edited store may hold anything) stops an
        # export: its answers are still written, under their question ids.
        if isinstance(source, str):
            pack, problems = parse_pack(source, f"pack {pack_id}")
        else:
            pack, problems = None, []
        if pack is not None:
            packs[(pack_id, version)] = pack
            continue
        errors = [p for p in problems if p.severity == "error"]
        why = (f"line {errors[0].line}: {errors[0].message[:200]}" if errors
               else f"its source is {type(source).__name__}, not text")
        unreadable.append(f"pack '{str(pack_id)[:64]}' version {version}: warning: its questions "
                          f"cannot be read ({why}); its answers are exported under their "
                          "question ids instead of the questions' words")
    return packs, unreadable


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


def tally_of(conn: sqlite3.Connection, session: str | None = None, pack: str | None = None
             ) -> Tally:
    """The store's figures by kind (kiosk.store.tally) for the participants an export with
    these filters reads: its answers kept are the rows it writes."""
    events = None
    if session:
        events = [r[0] for r in conn.execute("SELECT id FROM events WHERE id = ? OR name = ?",
                                             (session, session))]
    return tally(conn, event_ids=events, pack_id=pack or None)


def question_order(conn: sqlite3.Connection) -> dict[tuple[str, str], int]:
    """Each question's place as (pack name as exported, question id) -> rank: the packs in the
    order the store recorded them, each pack's questions in the pack's own order. Questions a
    pack does not list (or of a pack that cannot be read) have no rank: put them last."""
    order: dict[tuple[str, str], int] = {}
    for (pack_id, version), pack in packs_in(conn).items():
        for question in pack.questions:
            order.setdefault((f"{pack_id} v{version}", question.id), len(order))
    return order


def sessions_of(conn: sqlite3.Connection, participants: set[str], session: str | None = None,
                pack: str | None = None) -> list[tuple[str, str, str]]:
    """The sessions (name, venue, date) that `participants` took part in, within the filters,
    each named once: kiosks at one event each record it, under their own ids."""
    where, params = _filters(conn, session, pack)
    found: set[tuple[str, str, str]] = set()
    for pid, name, venue, day in conn.execute(
            "SELECT p.id, e.name, e.venue, e.date FROM participants p "
            f"JOIN events e ON e.id = p.event_id WHERE p.withdrawn = 0{where}", params):
        if pid in participants:
            found.add((name, venue, day))
    return sorted(found, key=lambda s: (s[2], s[0], s[1]))


def count_answers(conn: sqlite3.Connection) -> int:
    """An upper bound of the rows an export writes (cheap: for progress bars)."""
    return int(conn.execute("SELECT COUNT(*) FROM answers WHERE value IS NOT NULL").fetchone()[0])


def rows(conn: sqlite3.Connection, session: str | None = None, pack: str | None = None
         ) -> Iterator[Row]:
    """Every kept answer, streamed, by participant id (random: never the order people took
    part) and each person's answers in the order asked."""
    for (pid, day, event), (pack_name, qid, question), answer, method, language, qtype, raw \
            in answer_tuples(conn, session, pack, values=True):
        yield Row(pid, pack_name, qid, question, answer, method, language, event, day,
                  question_type=qtype, value=_decoded(raw, pid, qid))


# The condition that makes an answer one of the current_answers view's (besides its participant
# not having withdrawn), on the answers table as `a`: read from the table so that its
# (participant_id, seq) index orders the rows.
LATEST_ANSWER = ("a.value IS NOT NULL AND a.seq = (SELECT MAX(b.seq) FROM answers b "
                 "WHERE b.participant_id = a.participant_id AND b.question_id = a.question_id)")

# (participant id, date, session name) and (pack name, question id, question text): one tuple per
# participant and per question, shared by all of its rows, so writers can format each once.
Who = tuple[str, str, str]
What = tuple[str, str, str]


def answer_tuples(conn: sqlite3.Connection, session: str | None, pack: str | None,
            values: bool = False
            ) -> Iterator[tuple[Who, What, str, str, str, str, str | None]]:
    """(who, what, answer words, method, language, question type, raw value JSON) per kept
    answer: the fast path, without building objects or decoding open answers. The raw value
    of an open answer is None unless `values` asks for it (its words are the answer).

    Participants are read first, once each: fetching their columns with every answer cost
    more than all the rest of a CSV export. The answers are those of the current_answers view
    (kept participants, latest answer to each question), read from the answers table, by
    participant id (random, so never the order people took part) and then in the order asked.
    """
    packs = packs_in(conn)
    where, params = _filters(conn, session, pack)
    people: dict[str, tuple[tuple[str, int], Who]] = {
        pid: ((pack_id, version), (pid, day, event))
        for pid, pack_id, version, event, day in conn.execute(
            "SELECT p.id, p.pack_id, p.pack_version, COALESCE(e.name, ''), p.date "
            "FROM participants p LEFT JOIN events e ON e.id = p.event_id "
            f"WHERE p.withdrawn = 0{where}", params)}
    value = "a.value" if values else \
        "CASE WHEN a.question_type = 'open' THEN NULL ELSE a.value END"
    cursor = conn.execute(
        "SELECT a.participant_id, a.question_id, a.question_type, a.text, a.method, "
        f"a.language, {value} FROM answers a WHERE {LATEST_ANSWER} "
        # By random participant id, not rowid: the order rows were stored is the order people
        # took part, which outside knowledge ("the third person of the morning") turns into
        # who said what. Each person's answers stay in the order asked (seq); the
        # UNIQUE (participant_id, seq) index gives this order without a sort.
        "ORDER BY a.participant_id, a.seq")
    questions: dict[tuple[tuple[str, int], str], tuple[What, dict[str, str]]] = {}
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


def tick(progress: Progress | None, done: int, total: int) -> None:
    if progress and done % 5000 == 0:
        progress(done, total)
