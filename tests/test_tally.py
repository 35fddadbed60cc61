"""The one count of a store (kiosk.store.tally) against its definition, counted in Python from
the rows of a real shared store file that holds every kind: changed and cleared answers,
withdrawn and empty sessions, two kiosks, two events and two packs."""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

from kiosk.store.shared import open_shared_store
from kiosk.store.tally import Tally, tally, tally_by_kiosk


def _fill(path: Path, seed: int) -> list[tuple[str, str, str, str, int]]:
    """Random participants and answers; returns the participants as (id, kiosk, event, pack,
    withdrawn)."""
    rng = random.Random(seed)
    conn, _ = open_shared_store(path)
    conn.execute("BEGIN")
    for kiosk in ("k1", "k2"):
        conn.execute("INSERT INTO kiosks (id, first_sync_on, last_sync_on) VALUES "
                      "(?, '2026-01-01', '2026-01-01')", (kiosk,))
    for event in ("e1", "e2"):
        conn.execute("INSERT INTO events (id, name, date, kiosk_id) VALUES "
                     "(?, 'Fair', '2026-01-01', 'k1')", (event,))
    people = []
    for n in range(300):
        person = (f"p{n}", rng.choice(["k1", "k2"]), rng.choice(["e1", "e2"]),
                  rng.choice(["packa", "packb"]), int(rng.random() < 0.1))
        people.append(person)
        conn.execute("INSERT INTO participants (id, kiosk_id, event_id, pack_id, pack_version, "
                     "language, date, withdrawn) VALUES (?, ?, ?, ?, 1, 'en', '2026-01-01', ?)",
                     person)
        if person[4] and rng.random() < 0.8:
            continue  # a withdrawal deleted their answers
        for seq in range(rng.choice([0, 0, 1, 3, 6, 9])):
            # Some questions answered again (changed), some latest answers empty (cleared).
            value = None if rng.random() < 0.15 else '"yes"'
            conn.execute("INSERT INTO answers (id, participant_id, question_id, question_type, "
                         "seq, value, text, method, language) VALUES (?, ?, ?, 'open', ?, ?, "
                         "'yes', 'touch', 'en')",
                         (f"a{n}-{seq}", person[0], f"q{rng.randrange(4)}", seq, value))
    conn.execute("COMMIT")
    conn.close()
    return people


def _by_definition(path: Path, chosen: set[str]) -> Tally:
    """The figures as tally.py's notes define them, counted in Python."""
    conn, _ = open_shared_store(path)
    rows = conn.execute("SELECT participant_id, question_id, seq, value FROM answers").fetchall()
    people = conn.execute("SELECT id, withdrawn FROM participants").fetchall()
    conn.close()
    versions: dict[tuple[str, str], list[tuple[int, str | None]]] = defaultdict(list)
    for pid, qid, seq, value in rows:
        versions[(pid, qid)].append((seq, value))
    figures = dict.fromkeys(("sessions", "took_part", "withdrew", "empty", "kept", "changed",
                             "cleared"), 0)
    for pid, withdrawn in people:
        if pid not in chosen:
            continue
        figures["sessions"] += 1
        if withdrawn:
            figures["withdrew"] += 1
            continue
        mine = [v for (p, _), v in versions.items() if p == pid]
        kept = sum(1 for v in mine if max(v)[1] is not None)
        figures["kept"] += kept
        figures["cleared"] += len(mine) - kept
        figures["changed"] += sum(len(v) - 1 for v in mine)
        figures["took_part" if kept else "empty"] += 1
    return Tally(**figures)


def test_tally_counts_every_kind_as_defined(tmp_path: Path) -> None:
    for seed in range(3):
        path = tmp_path / f"shared-{seed}.db"
        people = _fill(path, seed)
        conn, _ = open_shared_store(path)
        try:
            everyone = tally(conn)
            assert everyone == _by_definition(path, {p[0] for p in people})
            assert everyone.cleared and everyone.changed and everyone.withdrew  # all kinds
            assert tally(conn, kiosk_id="k2") == _by_definition(
                path, {p[0] for p in people if p[1] == "k2"})
            assert tally(conn, event_ids=["e1"]) == _by_definition(
                path, {p[0] for p in people if p[2] == "e1"})
            assert tally(conn, pack_id="packb") == _by_definition(
                path, {p[0] for p in people if p[3] == "packb"})
            by_kiosk = tally_by_kiosk(conn)
            assert by_kiosk["k1"] + by_kiosk["k2"] == everyone
            assert by_kiosk["k1"] == tally(conn, kiosk_id="k1")
            # What staff read: the same lines as the figures say.
            assert f"{everyone.cleared} cleared" in everyone.lines()[1]
        finally:
            conn.close()
