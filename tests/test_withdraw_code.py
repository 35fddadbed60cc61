"""Withdrawal after the event, still anonymous (issue 17, item 2).

A participant is given a code of three plain words on the thanks screen (shown and said); staff
give it to `kiosk withdraw` later, on the kiosk's store or a shared store. Only the code's hash
is kept, it is never exported, and the withdrawal travels through every later sync. No window,
microphone or audio: the session runs through the core, its actions carried out on a real store.
"""

from __future__ import annotations

import json
import random
import sqlite3
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.core.pack import load_pack
from kiosk.core.screens import Action, BeginParticipant, SaveAnswer, Show
from kiosk.core.session import Session
from kiosk.core.withdrawal import WORDS, code_hash, new_code, normalise_code
from kiosk.i18n import Catalogs
from kiosk.ids import new_id, random_below
from kiosk.store import db as db_module
from kiosk.store.db import WITHDRAWN, Store, store_in
from kiosk.store.shared import open_shared_store
from kiosk.store.sync import (
    Batch,
    BatchResult,
    DestinationState,
    apply_batch,
    destination_state,
    sync,
    sync_to_file,
)

PACK = Path(__file__).parent / "packs" / "small.toml"
TODAY = date(2026, 11, 28)


def visit(session: Session, store: Store, said: str) -> str:
    """One participant through the core to the thanks screen, the actions carried out on
    `store`; returns the code the thanks screen gives."""

    def do(actions: list[Action]) -> Any:
        screen = None
        for action in actions:
            if isinstance(action, BeginParticipant):
                store.begin_participant(action.session)
            elif isinstance(action, SaveAnswer):
                store.save_answer(action.answer)
            elif isinstance(action, Show):
                screen = action.screen
        return screen

    do(session.start())
    do(session.press("start"))
    do(session.press("agree"))
    do(session.press("type"))
    do(session.set_draft(said))
    do(session.press("done"))
    do(session.press("keep"))  # meaning (open)
    do(session.press("choice:carer"))  # role
    do(session.press("skip"))  # barriers
    do(session.press("choice:4"))  # heard
    review = do(session.press("choice:yes"))  # again
    assert review.name == "review"
    thanks = do(session.press("finish"))
    assert thanks.name == "thanks"
    code = session.withdrawal_code
    assert code is not None
    # Shown in the body at the screen's one (large) text size, and said in full.
    assert code in thanks.body
    assert all(word in thanks.speech for word in code.split())
    do(session.press("finish"))
    return code


def new_session(seed: int = 7, translate: Any = None) -> Session:
    pack, _ = load_pack(PACK)
    rng = random.Random(seed)
    kwargs = {"translate": translate} if translate else {}
    return Session(pack, today=lambda: TODAY, new_id=new_id, random_below=rng.randrange,
                   **kwargs)


@pytest.fixture
def kiosk(tmp_path: Path) -> tuple[Path, list[str]]:
    """A kiosk data folder with three participants; their codes, in order."""
    data = tmp_path / "kioskA"
    store = Store(store_in(data))
    session = new_session()
    codes = [visit(session, store, said) for said in
             ("more ramps at the door", "quieter rooms please", "large print papers")]
    store.close()
    assert len(set(codes)) == 3
    return data, codes


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def export_text(source: Path, out: Path) -> str:
    """What a CSV, a JSON Lines and an XLSX export of `source` hold, as one text."""
    texts = []
    for fmt, name in (("csv", "a.csv"), ("json", "a.jsonl"), ("xlsx", "a.xlsx")):
        code, output = run("export", "--from", str(source), "--format", fmt,
                           "--out", str(out / name))
        assert code == 0, output
        if fmt == "xlsx":
            with zipfile.ZipFile(out / name) as z:
                texts.extend(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            texts.append((out / name).read_text(encoding="utf-8"))
    return "\n".join(texts)


def kept_texts(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT text FROM current_answers "
                                                 "WHERE question_id = 'meaning'"))
    finally:
        conn.close()


def all_bytes(*paths: Path) -> bytes:
    data = b""
    for path in paths:
        for f in [path, *path.parent.glob(path.name + "-*")]:  # the WAL beside a store
            if f.exists():
                data += f.read_bytes()
    return data


# The code on the thanks screen ---------------------------------------------------------------

def test_thanks_screen_gives_a_code_of_plain_words_kept_only_as_a_hash(tmp_path: Path) -> None:
    store = Store(store_in(tmp_path))
    session = new_session()
    code = visit(session, store, "more ramps at the door")
    words = code.split()
    assert len(words) == 3 and all(w in WORDS for w in words)
    row = store.conn.execute("SELECT id, code_hash FROM participants").fetchone()
    assert row[1] == code_hash(code) and len(row[1]) == 64
    # The participant session the shell is handed carries the hash, never the code.
    assert code not in repr(session.participant)
    store.close()
    assert code.encode() not in all_bytes(store_in(tmp_path))
    assert normalise_code(code).encode() not in all_bytes(store_in(tmp_path))
    # The next participant gets a code of their own; the reset forgets the last one.
    assert session.withdrawal_code is None


def test_the_code_line_is_translated(tmp_path: Path) -> None:
    catalogs = Catalogs()
    session = new_session(translate=catalogs.translate)
    session.start()
    session.press("lang:gd")
    session.press("start")
    session.press("agree")
    for _ in range(5):
        session.press("skip")
    thanks = [a.screen for a in session.press("finish") if isinstance(a, Show)][-1]
    line = catalogs.translate("gd", "If you change your mind later, give staff this code:")
    assert line != "If you change your mind later, give staff this code:"
    assert line in thanks.body and line in thanks.speech
    assert session.withdrawal_code in thanks.body


def test_without_a_random_source_no_code_is_given() -> None:
    pack, _ = load_pack(PACK)
    session = Session(pack, today=lambda: TODAY, new_id=new_id)
    session.start()
    session.press("start")
    begun = [a for a in session.press("agree") if isinstance(a, BeginParticipant)][0]
    assert begun.session.code_hash is None
    for _ in range(5):
        session.press("skip")
    thanks = [a.screen for a in session.press("finish") if isinstance(a, Show)][-1]
    assert "code" not in thanks.body and session.withdrawal_code is None


def test_codes_normalise_case_spacing_and_hyphens() -> None:
    assert code_hash("apple river seven") == code_hash("  Apple-RIVER   seven. ")
    assert code_hash("apple river seven") == code_hash("appleriverseven")
    assert code_hash("apple river seven") != code_hash("apple river eight")
    assert new_code(random_below).count(" ") == 2
    assert len(set(WORDS)) == len(WORDS) >= 400


# kiosk withdraw on the kiosk's store, and through sync -------------------------------------------

def test_a_code_typed_differently_withdraws_exactly_that_participant(
        kiosk: tuple[Path, list[str]], tmp_path: Path) -> None:
    data, codes = kiosk
    shared = tmp_path / "stick" / "shared.sqlite"
    first = Store(store_in(data))
    sync_to_file(first, shared)  # everybody is in the shared store before the withdrawal
    first.close()
    assert kept_texts(shared) == sorted(["more ramps at the door", "quieter rooms please",
                                         "large print papers"])

    typed = "  " + "-".join(w.upper() for w in codes[1].split()) + " "
    code, output = run("withdraw", *typed.split(), "--data", str(data))
    assert code == 0, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and "withdrawn" in lines[0]
    # Never which participant.
    conn = sqlite3.connect(store_in(data))
    ids = [r[0] for r in conn.execute("SELECT id FROM participants")]
    withdrawn = [r[0] for r in conn.execute("SELECT id FROM participants WHERE withdrawn = 1")]
    conn.close()
    assert len(withdrawn) == 1 and not any(pid in output for pid in ids)
    assert kept_texts(store_in(data)) == ["large print papers", "more ramps at the door"]
    # The same code again: said to be done already, not as a second withdrawal.
    code, output = run("withdraw", *codes[1].split(), "--data", str(data))
    assert code == 0 and output.count("\n") == 1, output
    assert "had already withdrawn" in output and "Nothing more to do." in output
    assert kept_texts(store_in(data)) == ["large print papers", "more ramps at the door"]

    # The kiosk's export leaves them out at once; the shared store's after the next sync.
    text = export_text(data, tmp_path / "kiosk-export")
    assert "quieter rooms" not in text and "more ramps" in text
    again = Store(store_in(data))
    report = sync_to_file(again, shared)
    again.close()
    assert report.withdrawals_applied == 1
    assert kept_texts(shared) == ["large print papers", "more ramps at the door"]
    text = export_text(shared, tmp_path / "shared-export")
    assert "quieter rooms" not in text and "more ramps" in text and "large print" in text
    # A shared store made afterwards gets the tombstone, never the answers.
    later = Store(store_in(data))
    sync_to_file(later, tmp_path / "new-stick.sqlite")
    later.close()
    assert kept_texts(tmp_path / "new-stick.sqlite") == ["large print papers",
                                                          "more ramps at the door"]

    # No code is anywhere in plain text: stores, exports.
    files = [store_in(data), shared, tmp_path / "new-stick.sqlite"]
    everything = all_bytes(*files) + text.encode()
    everything += (tmp_path / "kiosk-export" / "a.csv").read_bytes()
    for c in codes:
        assert c.encode() not in everything
        assert normalise_code(c).encode() not in everything
        # Nor the hash in any export: it stays in the stores.
        assert code_hash(c) not in text


def test_a_wrong_code_changes_nothing(kiosk: tuple[Path, list[str]]) -> None:
    data, codes = kiosk
    wrong = next(f"{w} {w} {w}" for w in WORDS if f"{w} {w} {w}" not in codes)
    before = kept_texts(store_in(data))
    code, output = run("withdraw", wrong, "--data", str(data))
    assert code == 0
    assert output.strip().count("\n") == 0 and "no participant has that code" in output
    assert kept_texts(store_in(data)) == before
    conn = sqlite3.connect(store_in(data))
    assert conn.execute("SELECT COUNT(*) FROM participants WHERE withdrawn = 1").fetchone()[0] == 0
    conn.close()
    code, output = run("withdraw", "  - ", "--data", str(data))
    assert code != 0 and "words of the code" in output


def test_withdraw_on_a_shared_store_sticks_through_later_syncs(
        kiosk: tuple[Path, list[str]], tmp_path: Path) -> None:
    data, codes = kiosk
    shared = tmp_path / "stick"
    store = Store(store_in(data))
    sync_to_file(store, shared / "shared.sqlite")
    code, output = run("withdraw", codes[0], "--from", str(shared))  # a folder works too
    assert code == 0 and "withdrawn" in output and output.count("\n") == 1
    assert kept_texts(shared / "shared.sqlite") == ["large print papers",
                                                     "quieter rooms please"]
    # The kiosk sends everything again (say, after a restore): the answers stay out.
    conn = sqlite3.connect(shared / "shared.sqlite")
    conn.execute("UPDATE kiosks SET answers_mark = 0, participants_mark = 0, "
                 "answers_mark_id = NULL")
    conn.commit()
    conn.close()
    sync_to_file(store, shared / "shared.sqlite")
    store.close()
    assert kept_texts(shared / "shared.sqlite") == ["large print papers",
                                                     "quieter rooms please"]
    assert "more ramps" not in export_text(shared / "shared.sqlite", tmp_path)
    code, output = run("withdraw", "apple apple apple", "--from", str(shared / "shared.sqlite"))
    assert code == 0 and "no participant has that code" in output


# Hubs and older versions ------------------------------------------------------------------------

class JsonHub:
    """A hub as a sync sees it: batches carry rows and travel as JSON. `drop` leaves fields
    out on the way, as an older kiosk (which never sends them) or an older hub (which never
    reads them) would."""

    name = "hub"
    copies_spans = False

    def __init__(self, path: Path, drop: tuple[str, ...] = ()):
        self.conn, self.store_id = open_shared_store(path)
        self.drop = drop
        self.sent: list[dict[str, Any]] = []

    def state(self, kiosk_id: str) -> DestinationState:
        return destination_state(self.conn, self.store_id, kiosk_id)

    def apply(self, batch: Batch) -> BatchResult:
        data = json.loads(json.dumps(batch.to_json()))
        for key in self.drop:
            data.pop(key, None)
        self.sent.append(data)
        return apply_batch(self.conn, Batch.from_json(data), "hub")

    def attach(self, kiosk_store: Path) -> None:
        pass

    def detach(self) -> None:
        pass


def test_codes_travel_to_a_hub_and_withdraw_there(kiosk: tuple[Path, list[str]],
                                                  tmp_path: Path) -> None:
    data, codes = kiosk
    hub = JsonHub(tmp_path / "hub.sqlite")
    store = Store(store_in(data))
    sync(store, hub)
    # Participant rows keep their nine fields on the wire, so an older hub still reads them.
    assert all(len(p) == 9 for b in hub.sent for p in b["participants"])
    assert sorted(h for b in hub.sent for h in b["code_hashes"]) == sorted(map(code_hash, codes))
    hub.conn.close()
    code, output = run("withdraw", codes[2], "--from", str(tmp_path / "hub.sqlite"))
    assert code == 0 and "withdrawn" in output
    assert kept_texts(tmp_path / "hub.sqlite") == ["more ramps at the door",
                                                   "quieter rooms please"]
    # A withdrawal on the kiosk reaches the hub by the next sync.
    assert store.withdraw_code(codes[0]) == WITHDRAWN
    hub = JsonHub(tmp_path / "hub.sqlite")
    assert sync(store, hub).withdrawals_applied == 1
    hub.conn.close()
    store.close()
    assert kept_texts(tmp_path / "hub.sqlite") == ["quieter rooms please"]


def test_batches_without_codes_still_sync(kiosk: tuple[Path, list[str]], tmp_path: Path) -> None:
    """An older kiosk sends no code_hashes; an older hub reads none: both sync as before, and
    those participants simply have no code."""
    data, codes = kiosk
    hub = JsonHub(tmp_path / "hub.sqlite", drop=("code_hashes",))
    store = Store(store_in(data))
    report = sync(store, hub)
    store.close()
    assert report.participants_added == 3
    assert hub.conn.execute("SELECT COUNT(*) FROM participants WHERE code_hash IS NULL"
                            ).fetchone()[0] == 3
    hub.conn.close()
    code, output = run("withdraw", codes[0], "--from", str(tmp_path / "hub.sqlite"))
    assert "no participant has that code" in output


def test_a_bad_code_hash_is_refused_by_name(kiosk: tuple[Path, list[str]], tmp_path: Path) -> None:
    data, _ = kiosk
    conn = sqlite3.connect(store_in(data))
    conn.execute("UPDATE participants SET code_hash = 'apple river seven' WHERE rowid = 1")
    bad = conn.execute("SELECT id FROM participants WHERE rowid = 1").fetchone()[0]
    conn.commit()
    conn.close()
    store = Store(store_in(data))
    # Refused alone, named, and kept back on the kiosk; the other participants arrive.
    for report in (sync_to_file(store, tmp_path / "shared.sqlite"),  # spans, checked in SQL
                   sync(store, JsonHub(tmp_path / "hub.sqlite"))):  # rows, checked in Python
        refused = {r.id: r.reason for r in report.kept_back if r.table == "participants"}
        assert list(refused) == [bad] and "code_hash" in refused[bad]
        assert report.participants_added == 2
    store.close()


def test_older_stores_are_migrated_and_have_no_codes(tmp_path: Path) -> None:
    # A kiosk store of schema 2, written before codes.
    path = store_in(tmp_path / "old")
    path.parent.mkdir()
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in db_module.MIGRATIONS[:2]:
        migration(conn)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO kiosk VALUES ('k1', '2026-01-01')")
    conn.execute("INSERT INTO participants (id, kiosk_id, pack_id, pack_version, language, date) "
                 "VALUES ('p1', 'k1', 'small-test', 3, 'en', '2026-01-01')")
    conn.close()
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == db_module.SCHEMA_VERSION
    assert store.conn.execute("SELECT code_hash FROM participants").fetchone() == (None,)
    # An old shared store (schema 1) is migrated on the next sync.
    from kiosk.store import shared as shared_module

    old_shared = tmp_path / "old-shared.sqlite"
    conn = sqlite3.connect(old_shared, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {shared_module.SHARED_APPLICATION_ID}")
    shared_module.SHARED_MIGRATIONS[0](conn)
    conn.execute("INSERT INTO shared_store VALUES ('s1', '2026-01-01')")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    assert sync_to_file(store, old_shared).participants_added == 1
    store.close()
    conn = sqlite3.connect(old_shared)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == shared_module.SHARED_SCHEMA_VERSION
    assert conn.execute("SELECT code_hash FROM participants").fetchall() == [(None,)]
    conn.close()


def test_a_code_still_works_after_a_stick_is_merged_into_the_hub(
        kiosk: tuple[Path, list[str]], tmp_path: Path) -> None:
    """A participant's code travels with them through a stick into the hub's store."""
    data, codes = kiosk
    stick, hub = tmp_path / "stick", tmp_path / "hub"
    stick.mkdir()
    hub.mkdir()
    assert run("sync", "--data", str(data), "--to", str(stick), "--quiet")[0] == 0
    code, output = run("sync", "--from-shared", str(stick), "--to", str(hub), "--quiet")
    assert code == 0, output
    code, output = run("withdraw", codes[1], "--from", str(hub))
    assert code == 0 and "withdrawn" in output, output
    assert "quieter rooms please" not in kept_texts(hub / "kiosk-shared.db")
    assert "more ramps at the door" in kept_texts(hub / "kiosk-shared.db")
