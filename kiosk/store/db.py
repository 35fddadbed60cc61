"""Store: the kiosk's own SQLite file, in WAL mode with fully synchronous commits.

Every confirmed answer is committed on its own the moment it is confirmed, so a power cut or a
killed process never loses it. Schema versions are kept in ``PRAGMA user_version`` (a plain number
that sync can compare) rather than in a table of timestamped migrations: the store holds no time
of day at all.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kiosk.background import meanwhile
from kiosk.core.answers import Answer, AnswerValue, ParticipantSession
from kiosk.core.withdrawal import matching_hashes
from kiosk.ids import new_id
from kiosk.store.tally import Tally, tally

SCHEMA_VERSION = 4

# The kiosk's store inside its data folder (`--data DIR`).
STORE_FILE_NAME = "kiosk.sqlite"


def store_in(data_dir: str | Path) -> Path:
    """The path of the kiosk store inside a data folder."""
    return Path(data_dir) / STORE_FILE_NAME


class StoreError(Exception):
    """A store that cannot be used, with a one-line reason and what to do."""


# Raw SQL, not sqlite-utils, in both places it might serve:
# - the schema: sqlite-utils writes its own CREATE TABLE text ("id" TEXT, one column a line),
#   and a shared store is checked against the exact text in sqlite_master (kiosk/store/shared.py),
#   so a change of spelling would refuse every store written before it;
# - the writes: each confirmed answer is one plain INSERT in its own durable transaction, and
#   sync's reads and copies (kiosk/store/sync/) run over every row.
# sqlite-utils stays a dependency for staff: its command-line tool reads the stores.


# What withdrawing by a code did.
WITHDRAWN = "withdrawn"
ALREADY_WITHDRAWN = "already withdrawn"  # said apart, so staff do not think it was new
NO_ONE = "no one"


def withdraw_by_code(conn: sqlite3.Connection, code: str) -> str:
    """Within the caller's transaction, on a kiosk's or a shared store: delete the answers of
    whoever has this code and mark them withdrawn (their row kept, so later syncs never bring
    the answers back). WITHDRAWN, ALREADY_WITHDRAWN (they had withdrawn before: nothing
    changed) or NO_ONE."""
    hashes = matching_hashes(code)
    marks = ", ".join("?" * len(hashes))
    found = conn.execute(f"SELECT id, withdrawn FROM participants WHERE code_hash IN ({marks})",
                         hashes).fetchall()
    if not found:
        return NO_ONE
    # An earlier withdrawal may have been made before an older answer arrived: deleted too.
    for participant_id, _ in found:
        conn.execute("DELETE FROM answers WHERE participant_id = ?", (participant_id,))
        conn.execute("UPDATE participants SET withdrawn = 1 WHERE id = ?", (participant_id,))
    return ALREADY_WITHDRAWN if all(withdrawn == 1 for _, withdrawn in found) else WITHDRAWN


def run_statements(conn: sqlite3.Connection, script: str) -> None:
    """Run a migration's statements inside the caller's transaction.

    Not executescript(): it commits first, which would break the migration's transaction.
    """
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _migration_1(conn: sqlite3.Connection) -> None:
    run_statements(
        conn,
        """
        CREATE TABLE kiosk (id TEXT PRIMARY KEY, created_on TEXT NOT NULL);
        CREATE TABLE packs (
            id TEXT NOT NULL, version INTEGER NOT NULL, title TEXT NOT NULL,
            source TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (id, version));
        CREATE TABLE events (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, venue TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL, kiosk_id TEXT NOT NULL);
        CREATE TABLE participants (
            id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, event_id TEXT REFERENCES events(id),
            pack_id TEXT NOT NULL, pack_version INTEGER NOT NULL, language TEXT NOT NULL,
            date TEXT NOT NULL, withdrawn INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE answers (
            id TEXT PRIMARY KEY,
            participant_id TEXT NOT NULL REFERENCES participants(id),
            question_id TEXT NOT NULL, question_type TEXT NOT NULL, seq INTEGER NOT NULL,
            value TEXT, text TEXT NOT NULL, method TEXT NOT NULL, language TEXT NOT NULL,
            UNIQUE (participant_id, seq));
        CREATE INDEX answers_by_question ON answers (participant_id, question_id, seq);
        CREATE VIEW current_answers AS
            SELECT a.* FROM answers a JOIN participants p ON p.id = a.participant_id
            WHERE p.withdrawn = 0 AND a.value IS NOT NULL
              AND a.seq = (SELECT MAX(b.seq) FROM answers b
                           WHERE b.participant_id = a.participant_id
                             AND b.question_id = a.question_id);
        """
    )


# Index i holds the migration from version i to version i + 1.
def _migration_2(conn: sqlite3.Connection) -> None:
    # Which scrubber removed personal details from each answer's text, so that sync need not
    # run the same scrubber over it again. Answers kept before this are NULL: always scrubbed.
    conn.execute("ALTER TABLE answers ADD COLUMN scrubbed_with TEXT")


def _migration_3(conn: sqlite3.Connection) -> None:
    # The hash of the withdrawal code each participant is given on the thanks screen (the code
    # itself is never kept). Participants kept before this are NULL: they have no code.
    run_statements(conn, """
        ALTER TABLE participants ADD COLUMN code_hash TEXT;
        CREATE INDEX participants_by_code ON participants (code_hash)""")


def _migration_4(conn: sqlite3.Connection) -> None:
    # Rows a shared store refused on sync (broken, or too slow to check), with the reason: kept
    # aside here so that one row never stops the rest and staff can see it (`kiosk doctor`).
    # Only a note: the row itself stays in its table untouched, as every confirmed row does.
    conn.execute(
        "CREATE TABLE kept_back (row_table TEXT NOT NULL, row_id TEXT NOT NULL, "
        "reason TEXT NOT NULL, destination TEXT NOT NULL, noted_on TEXT NOT NULL, "
        "PRIMARY KEY (row_table, row_id, destination))")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migration_1, _migration_2,
                                                          _migration_3, _migration_4]


@dataclass(frozen=True)
class Counts:
    """How much a store holds: for the staff screen."""

    participants: int
    answers: int
    withdrawn: int


class Store:
    """The kiosk's store. Open it once at start; migrations are applied then, safely repeatable."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=10)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot be opened ({exc}); check the data folder "
                             "exists and is writable") from None
        self.conn = conn
        try:
            # Checked before anything is set, so a file the kiosk refuses is left as it was.
            self._check_version()
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: in WAL mode, NORMAL may lose the last commits at a power cut.
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except StoreError:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{self.path}: not a kiosk store ({exc}); move the file aside or "
                             "choose another data folder") from None
        self.kiosk_id = self._ensure_kiosk_id()

    def _check_version(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer kiosk (schema {version}, this "
                             f"kiosk knows {SCHEMA_VERSION}); update the kiosk software")
        if version == 0 and self.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
            # Another program's database: never write the kiosk's tables into it.
            raise StoreError(f"{self.path}: not a kiosk store (it holds another program's "
                             "tables); move the file aside or choose another data folder")

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for target in range(version, SCHEMA_VERSION):
            with self.transaction():
                MIGRATIONS[target](self.conn)
                self.conn.execute(f"PRAGMA user_version = {target + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic, durable write: committed on leaving, rolled back on an exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _ensure_kiosk_id(self) -> str:
        row = self.conn.execute("SELECT id FROM kiosk").fetchone()
        if row:
            return str(row[0])
        kiosk_id = new_id()
        with self.transaction():
            self.conn.execute("INSERT INTO kiosk (id, created_on) VALUES (?, ?)",
                              (kiosk_id, date.today().isoformat()))
        return kiosk_id

    def close(self) -> None:
        """Close the connection (a checkpoint folds the WAL into the main file)."""
        self.conn.close()

    # Packs and events ---------------------------------------------------------------------------

    def record_pack(self, pack_id: str, version: int, title: str, source: str) -> None:
        """Keep the pack a session uses, so reports can show the questions as they were asked."""
        digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
        with self.transaction():
            self.conn.execute(
                "INSERT INTO packs (id, version, title, source, sha256) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id, version) DO UPDATE SET title = excluded.title, "
                "source = excluded.source, sha256 = excluded.sha256",
                (pack_id, version, title, source, digest))

    def pack_versions(self, pack_id: str) -> list[int]:
        """The versions of a pack this kiosk has used (answers point at them), lowest first."""
        return [row[0] for row in self.conn.execute(
            "SELECT version FROM packs WHERE id = ? ORDER BY version", (pack_id,))]

    def start_event(self, name: str, venue: str, today: date) -> str:
        """Name the session participants are about to take part in; returns its id."""
        event_id = new_id()
        with self.transaction():
            self.conn.execute(
                "INSERT INTO events (id, name, venue, date, kiosk_id) VALUES (?, ?, ?, ?, ?)",
                (event_id, name, venue, today.isoformat(), self.kiosk_id))
        return event_id

    def event(self, event_id: str) -> dict[str, Any] | None:
        """The event's name, venue and date."""
        row = self.conn.execute("SELECT id, name, venue, date FROM events WHERE id = ?",
                                (event_id,)).fetchone()
        return None if row is None else dict(zip(("id", "name", "venue", "date"), row, strict=True))

    # Participants and answers --------------------------------------------------------------------

    def begin_participant(self, session: ParticipantSession) -> None:
        """Record a participant session (after consent, before the first answer)."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO participants (id, kiosk_id, event_id, pack_id, "
                "pack_version, language, date, code_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (session.id, self.kiosk_id, session.event_id, session.pack_id,
                 session.pack_version, session.language, session.date, session.code_hash))

    def save_answer(self, answer: Answer) -> None:
        """Commit one confirmed answer durably before returning."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO answers (id, participant_id, question_id, question_type, seq, "
                "value, text, method, language, scrubbed_with) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (answer.id, answer.participant_id, answer.question_id, answer.question_type,
                 answer.seq, encode_value(answer.value), answer.text, answer.method,
                 answer.language, answer.scrubbed_with))

    def save_many(self, sessions: Iterable[ParticipantSession], answers: Iterable[Answer]) -> None:
        """Record many participant sessions and their answers in one transaction (bulk loads such
        as demo data; a live kiosk uses begin_participant and save_answer, one commit each)."""
        with self.transaction():
            self.conn.executemany(
                "INSERT OR IGNORE INTO participants (id, kiosk_id, event_id, pack_id, "
                "pack_version, language, date, code_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((s.id, self.kiosk_id, s.event_id, s.pack_id, s.pack_version, s.language, s.date,
                  s.code_hash) for s in sessions))
            self.conn.executemany(
                "INSERT INTO answers (id, participant_id, question_id, question_type, seq, "
                "value, text, method, language, scrubbed_with) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ((a.id, a.participant_id, a.question_id, a.question_type, a.seq,
                  encode_value(a.value), a.text, a.method, a.language, a.scrubbed_with)
                 for a in answers))

    def withdraw(self, participant_id: str) -> int:
        """Delete a participant's answers at their request; returns how many were removed."""
        with self.transaction():
            removed = self.conn.execute("DELETE FROM answers WHERE participant_id = ?",
                                        (participant_id,)).rowcount
            self.conn.execute("UPDATE participants SET withdrawn = 1 WHERE id = ?",
                              (participant_id,))
        return int(removed)

    def withdraw_code(self, code: str) -> str:
        """Withdraw whoever was given this withdrawal code (after the event, through staff), as
        `withdraw` does: WITHDRAWN, ALREADY_WITHDRAWN or NO_ONE (see withdraw_by_code). The
        next syncs carry the withdrawal. The code may be typed in any of the kiosk's
        languages, and codes of either hashing scheme match
        (kiosk.core.withdrawal.matching_hashes)."""
        with self.transaction():
            return withdraw_by_code(self.conn, code)

    def current_answers(self, participant_id: str) -> list[Answer]:
        """A participant's latest answer to each question, in the order they were given."""
        rows = self.conn.execute(
            "SELECT id, participant_id, question_id, question_type, seq, value, text, method, "
            "language, scrubbed_with FROM current_answers WHERE participant_id = ? ORDER BY seq",
            (participant_id,)).fetchall()
        return [Answer(r[0], r[1], r[2], r[3], r[4], decode_value(r[5]), r[6], r[7], r[8], r[9])
                for r in rows]

    def counts(self) -> Counts:
        """How many people took part, how many answers are kept, how many withdrew (the
        figures of `tally`)."""
        figures = self.tally()
        return Counts(figures.took_part, figures.kept, figures.withdrew)

    def tally(self) -> Tally:
        """Everything this store holds, counted by kind (see kiosk.store.tally)."""
        return tally(self.conn)

    def tally_meanwhile(self) -> Callable[[], Tally]:
        """Start counting what this store holds (as `tally`) on a thread and read-only
        connection of its own, beside other work such as a sync; the function returned waits
        for the figures."""

        def count() -> Tally:
            conn = sqlite3.connect(f"file:{quote(str(self.path))}?mode=ro", uri=True,
                                   timeout=10)
            try:
                return tally(conn)
            finally:
                conn.close()

        return meanwhile(count)

    def keep_back(self, destination: str, rows: Iterable[tuple[str, str, str]],
                  today: date) -> None:
        """Note rows (table, id, reason) that the shared store `destination` refused: the rows
        stay as they are; the note is what `kiosk doctor` and `kiosk sync` report."""
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO kept_back (row_table, row_id, reason, destination, noted_on) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (row_table, row_id, destination) DO UPDATE "
                "SET reason = excluded.reason, noted_on = excluded.noted_on",
                ((table, row_id, reason, destination, today.isoformat())
                 for table, row_id, reason in rows))

    def kept_back(self) -> list[tuple[str, str, str]]:
        """The rows some shared store refused, as (table, id, reason), oldest note first."""
        return kept_back_in(self.conn)

    def integrity_ok(self) -> bool:
        """Whether SQLite's own integrity check passes."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def kept_back_in(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """The kept-back notes of an open kiosk store (none in a store older than schema 4)."""
    try:
        return [(str(t), str(i), str(r)) for t, i, r in conn.execute(
            "SELECT row_table, row_id, reason FROM kept_back ORDER BY rowid")]
    except sqlite3.OperationalError:
        return []  # no such table: the store was never synced by this version


def read_kept_back(path: str | Path) -> list[tuple[str, str, str]]:
    """The kept-back notes of the kiosk store at `path`, read-only (for `kiosk doctor`, which
    must not create or migrate a store); none when there is no store."""
    if not Path(path).exists():
        return []
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return []
    try:
        return kept_back_in(conn)
    except sqlite3.DatabaseError:
        return []
    finally:
        conn.close()


def encode_value(value: AnswerValue) -> str | None:
    """Answer values as JSON text; None (a cleared answer) as SQL NULL."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


def decode_value(text: str | None) -> AnswerValue:
    """The inverse of encode_value."""
    if text is None:
        return None
    value = json.loads(text)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, (str, bool)):
        return value
    return str(value)
