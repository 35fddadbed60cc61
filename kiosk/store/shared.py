"""The shared store: one SQLite file that gathers the contributions of several kiosks.

Staff sync each kiosk into it (a file on a USB stick, or a hub on the local network) and export
from it. It is a plain SQLite file, named ``kiosk-shared.db`` wherever one is made (a stick, a
hub's folder; ``shared.sqlite``, the hub's name before, is still found and used where it is):
open it with ``sqlite-utils tables kiosk-shared.db`` or ``datasette kiosk-shared.db``. It is
marked as a kiosk shared store by ``PRAGMA application_id`` and versioned by
``PRAGMA user_version``. Tables:

- ``shared_store``: one row, this shared store's random ``id`` (so that a kiosk notices when the
  file on the stick is swapped for another one) and the date it was created.
- ``kiosks``: every kiosk that has synced: its random ``id``, the date of its first and last
  sync, and how far its contributions have arrived (``answers_mark``: the kiosk's own row number
  of the last answer received, with that answer's id in ``answers_mark_id`` so a reused number is
  noticed; ``participants_mark``; ``withdrawals``: how many withdrawals it has sent).
- ``syncs``: one row per sync: random ``id``, ``kiosk_id``, ``synced_on`` (the date only,
  YYYY-MM-DD: participants carry ``sync_id``, so a time here would give each of them a time of
  day; shared schema 3 renamed ``synced_at`` and cut older rows' times off), ``via`` (``file``
  or ``hub``) and how many participants, answers and withdrawals it brought, and how many
  answers had personal details removed on arrival (``redacted``).
- ``packs``, ``events``, ``participants``, ``answers`` and the view ``current_answers``: as in a
  kiosk's own store (see :mod:`kiosk.store`), with ``sync_id`` on participants and answers saying
  which sync brought them. A withdrawn participant keeps a row (``withdrawn = 1``) and has no
  answers. ``participants.code_hash`` is the hash of the participant's withdrawal code (shared
  schema 2; NULL for participants of older kiosks), never exported.

Opening a shared store checks it before anything is written: the SQLite header, the marker, the
schema version (older ones are migrated, newer ones refused) and every table, index, view and
trigger against the expected schema, so a file carrying its own triggers or views is refused.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import quote

from kiosk.ids import new_id
from kiosk.store.db import run_statements, withdraw_by_code

SHARED_SCHEMA_VERSION = 3
# "KSHR": marks a SQLite file as a kiosk shared store (PRAGMA application_id).
SHARED_APPLICATION_ID = 0x4B534852
# The one name a new shared store is given, in a folder (a stick, a hub's data folder).
SHARED_FILE_NAME = "kiosk-shared.db"
# Names a folder's shared store is found under: the name above, then the hub's and exports'
# older name, still read and written where such a store already is.
SHARED_FILE_NAMES = (SHARED_FILE_NAME, "shared.sqlite")
_SQLITE_HEADER = b"SQLite format 3\x00"
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Longest value SQLite may hand back from a shared file: larger means a hostile or broken file.
MAX_VALUE_BYTES = 2_000_000

# Filesystems reached over a network: SQLite's locking is unreliable on them.
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "sshfs", "fuse.sshfs", "afs", "ceph",
    "glusterfs", "fuse.glusterfs", "davfs", "fuse.davfs", "fuse.rclone", "lustre", "ncpfs",
})


def one_line(exc: BaseException, limit: int = 200) -> str:
    """An error's text on one short line (SQLite may quote a whole damaged schema)."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


class SharedStoreError(Exception):
    """A shared store that cannot be used, with a one-line reason and what to do."""


def shared_store_in(folder: str | Path) -> Path:
    """The shared store of a folder: the one it holds under a known name, else where a new one
    goes (``kiosk-shared.db``). A folder holding two is refused: never two stores in one place.

    The one rule for the hub, `kiosk sync --to`, `kiosk export --from`, `kiosk results --from`
    and the USB stick script (which hands the stick's folder to these commands).
    """
    folder = Path(folder)
    found = [folder / name for name in SHARED_FILE_NAMES if (folder / name).is_file()]
    if len(found) > 1:
        raise SharedStoreError(f"{folder}: holds more than one shared store ({found[0].name}, "
                               f"{found[1].name}); give the file itself, or merge one into the "
                               f"other with `kiosk sync --from-shared {found[1]} --to "
                               f"{found[0]}` and move it aside")
    return found[0] if found else folder / SHARED_FILE_NAME


def _shared_migration_1(conn: sqlite3.Connection) -> None:
    run_statements(
        conn,
        """
        CREATE TABLE shared_store (id TEXT PRIMARY KEY, created_on TEXT NOT NULL);
        CREATE TABLE kiosks (
            id TEXT PRIMARY KEY, first_sync_on TEXT NOT NULL, last_sync_on TEXT NOT NULL,
            answers_mark INTEGER NOT NULL DEFAULT 0, answers_mark_id TEXT,
            participants_mark INTEGER NOT NULL DEFAULT 0,
            withdrawals INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE syncs (
            id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL REFERENCES kiosks(id),
            synced_at TEXT NOT NULL, via TEXT NOT NULL,
            participants_added INTEGER NOT NULL DEFAULT 0,
            answers_added INTEGER NOT NULL DEFAULT 0,
            withdrawals_applied INTEGER NOT NULL DEFAULT 0,
            redacted INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE packs (
            id TEXT NOT NULL, version INTEGER NOT NULL, title TEXT NOT NULL,
            source TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (id, version));
        CREATE TABLE events (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, venue TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL, kiosk_id TEXT NOT NULL);
        CREATE TABLE participants (
            id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, event_id TEXT REFERENCES events(id),
            pack_id TEXT NOT NULL, pack_version INTEGER NOT NULL, language TEXT NOT NULL,
            date TEXT NOT NULL, withdrawn INTEGER NOT NULL DEFAULT 0, sync_id TEXT);
        CREATE TABLE answers (
            id TEXT PRIMARY KEY,
            participant_id TEXT NOT NULL REFERENCES participants(id),
            question_id TEXT NOT NULL, question_type TEXT NOT NULL, seq INTEGER NOT NULL,
            value TEXT, text TEXT NOT NULL, method TEXT NOT NULL, language TEXT NOT NULL,
            sync_id TEXT, UNIQUE (participant_id, seq));
        CREATE INDEX answers_by_question ON answers (participant_id, question_id, seq);
        CREATE VIEW current_answers AS
            SELECT a.* FROM answers a JOIN participants p ON p.id = a.participant_id
            WHERE p.withdrawn = 0 AND a.value IS NOT NULL
              AND a.seq = (SELECT MAX(b.seq) FROM answers b
                           WHERE b.participant_id = a.participant_id
                             AND b.question_id = a.question_id);
        """
    )


def _shared_migration_2(conn: sqlite3.Connection) -> None:
    # The hash of each participant's withdrawal code, as in a kiosk store (NULL: no code), so
    # that `kiosk withdraw CODE --from SHARED` works here too.
    run_statements(conn, """
        ALTER TABLE participants ADD COLUMN code_hash TEXT;
        CREATE INDEX participants_by_code ON participants (code_hash)""")


def _shared_migration_3(conn: sqlite3.Connection) -> None:
    # Participants point at the sync that brought them (sync_id), so a sync's time of day was
    # each participant's time of day to within the minute: keep the date only, and say so in
    # the column's name. The version bump also stops older software adding times again.
    run_statements(conn, """
        ALTER TABLE syncs RENAME COLUMN synced_at TO synced_on;
        UPDATE syncs SET synced_on = substr(synced_on, 1, 10)""")


# Index i holds the migration from shared schema version i to i + 1.
SHARED_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _shared_migration_1, _shared_migration_2, _shared_migration_3]


def withdraw_code(conn: sqlite3.Connection, code: str) -> str:
    """Withdraw, in an open shared store, whoever was given this withdrawal code, as a synced
    withdrawal does: WITHDRAWN, ALREADY_WITHDRAWN or NO_ONE (see withdraw_by_code)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        outcome = withdraw_by_code(conn, code)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return outcome


def _expected_schema(version: int) -> set[tuple[str, str, str, str | None]]:
    """sqlite_master as our own migrations leave it at `version` (built in memory)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for migration in SHARED_MIGRATIONS[:version]:
            migration(conn)
        return set(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        conn.close()


def network_filesystem(path: str | Path, mounts: str | Path = "/proc/mounts") -> str | None:
    """The network filesystem type holding `path`'s folder (e.g. "nfs"), or None if local."""
    folder = Path(os.path.realpath(Path(path).parent))
    try:
        lines = Path(mounts).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None  # no mount table to read (not Linux): nothing to go on
    best, best_type = "", ""
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        # /proc/mounts writes spaces and tabs in mount points as octal escapes.
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
        inside = str(folder) == point or str(folder).startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fields[2]
    return best_type if best_type in NETWORK_FILESYSTEMS else None


def refuse_network_filesystem(path: str | Path) -> None:
    """Raise SharedStoreError if `path` is on a network filesystem (SQLite locks fail there)."""
    fs_type = network_filesystem(path)
    if fs_type:
        raise SharedStoreError(
            f"{path}: is on a network filesystem ({fs_type}), where SQLite files get corrupted; "
            "run `kiosk hub --data DIR` on the machine that holds the store and sync with "
            "`kiosk sync --to https://HOST:PORT` instead")


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True,
                           isolation_level=None, timeout=30)
    # Never let the file's own schema call functions with side effects.
    conn.execute("PRAGMA trusted_schema=OFF")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    return conn


def _configure(conn: sqlite3.Connection) -> None:
    # A rollback journal rather than WAL: the store stays one self-contained file on a stick,
    # and a sync killed part-way is rolled back from the journal the next time it is opened.
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")


def create_shared_store(path: Path) -> None:
    """Write a new, empty shared store at `path`, all at once (via a temporary file)."""
    tmp = path.with_name(f".{path.name}.{new_id()}.creating")
    try:
        conn = _connect(tmp, "rwc")
        try:
            _configure(conn)
            conn.execute(f"PRAGMA application_id = {SHARED_APPLICATION_ID}")
            conn.execute("BEGIN IMMEDIATE")
            for migration in SHARED_MIGRATIONS:
                migration(conn)
            conn.execute("INSERT INTO shared_store (id, created_on) VALUES (?, ?)",
                         (new_id(), date.today().isoformat()))
            conn.execute(f"PRAGMA user_version = {SHARED_SCHEMA_VERSION}")
            conn.execute("COMMIT")
        finally:
            conn.close()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        # link() fails rather than overwrite a store another sync created meanwhile.
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems (vfat on some kernels) cannot sync a folder
    finally:
        os.close(fd)


def open_shared_store(path: str | Path, create: bool = True) -> tuple[sqlite3.Connection, str]:
    """Open (creating if missing and `create`) and check a shared store; migrate an older one.

    Returns the connection and the store's random id. Raises SharedStoreError, leaving the file
    untouched, if it is not a shared store, is damaged, is of a newer version or holds anything
    our schema does not (tables, triggers, views).
    """
    path = Path(path)
    if path.is_dir():
        path = shared_store_in(path)
    refuse_network_filesystem(path)
    if not path.exists() or path.stat().st_size == 0:
        if not create:
            raise SharedStoreError(f"{path}: no shared store there; check the path")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                path.unlink()  # an empty file: a creation that never got going
            create_shared_store(path)
        except (OSError, sqlite3.Error) as exc:
            raise SharedStoreError(f"{path}: cannot create the shared store ({exc}); check the "
                                   "stick or folder is writable and not full") from None
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise SharedStoreError(f"{path}: cannot be read ({exc.strerror}); check the stick "
                               "or folder") from None
    if header != _SQLITE_HEADER:
        raise SharedStoreError(f"{path}: is not a SQLite file; choose the shared store file "
                               "(or a new file name to start one)")
    try:
        conn = _connect(path, "rw")
    except sqlite3.Error as exc:
        raise SharedStoreError(f"{path}: cannot be opened ({exc}); check the file") from None
    try:
        store_id = _check_and_migrate(conn, path)
    except SharedStoreError:
        conn.close()
        raise
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # UnicodeDecodeError: a damaged schema whose text is not UTF-8.
        conn.close()
        raise SharedStoreError(f"{path}: is damaged or not a shared store ({one_line(exc)}); "
                               "keep it aside and sync to a new file") from None
    return conn, store_id


def _check_and_migrate(conn: sqlite3.Connection, path: Path) -> str:
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if application_id != SHARED_APPLICATION_ID:
        if "kiosk" in names and "answers" in names:
            raise SharedStoreError(f"{path}: is a kiosk's own store, not a shared store; sync "
                                   "to another file name")
        raise SharedStoreError(f"{path}: is a SQLite file but not a kiosk shared store; choose "
                               "the shared store file or a new file name")
    if version > SHARED_SCHEMA_VERSION:
        raise SharedStoreError(f"{path}: was written by newer kiosk software (shared schema "
                               f"{version}, this kiosk knows {SHARED_SCHEMA_VERSION}); update "
                               "this kiosk's software first")
    if version < 1:
        raise SharedStoreError(f"{path}: is an unfinished shared store (schema 0); move it "
                               "aside and sync to a new file")
    _check_schema(conn, path, version)
    rows = conn.execute("SELECT id, typeof(id) FROM shared_store").fetchall()
    if len(rows) != 1 or rows[0][1] != "text" or not _ID.match(rows[0][0]):
        raise SharedStoreError(f"{path}: its shared_store table must hold exactly one text id; "
                               "the file has been altered, keep it aside and sync to a new file")
    store_id = str(rows[0][0])
    _configure(conn)
    if version < SHARED_SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for target in range(version, SHARED_SCHEMA_VERSION):
                SHARED_MIGRATIONS[target](conn)
                conn.execute(f"PRAGMA user_version = {target + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return store_id


def _check_schema(conn: sqlite3.Connection, path: Path, version: int) -> None:
    actual = set(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    expected = _expected_schema(version)
    unexpected = sorted(actual - expected, key=lambda row: (row[0], row[1]))
    missing = sorted(expected - actual, key=lambda row: (row[0], row[1]))
    if unexpected:
        kind, name = unexpected[0][0], unexpected[0][1]
        what = f"{kind} '{name}'"
        if any(row[1] == name for row in expected):
            what += " with a changed definition"
        raise SharedStoreError(f"{path}: holds an unexpected {what}, which this kiosk will not "
                               "run; keep the file aside and sync to a new file")
    if missing:
        raise SharedStoreError(f"{path}: lacks the {missing[0][0]} '{missing[0][1]}' of a shared "
                               "store; keep the file aside and sync to a new file")
