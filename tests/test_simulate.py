"""Simulated participants through the real Session into the real Store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from kiosk.commands.simulate import command as simulate_command
from kiosk.store.db import store_in


def run(folder: Path, n: int, seed: int) -> list[tuple[str, ...]]:
    result = CliRunner().invoke(simulate_command, ["--data", str(folder), "--participants",
                                                   str(n), "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(store_in(folder))
    return conn.execute("SELECT question_id, value, text, method, language FROM answers "
                        "ORDER BY rowid").fetchall()


def test_same_seed_same_people_with_a_realistic_mix(tmp_path: Path) -> None:
    first = run(tmp_path / "one", 400, 5)
    assert first == run(tmp_path / "two", 400, 5)
    assert first != run(tmp_path / "three", 400, 6)
    assert {m for *_, m, _ in first} == {"voice", "tap", "typed"}
    assert len({lang for *_, lang in first}) >= 3
    open_texts = [t for q, _v, t, m, _ in first if m != "tap"]
    assert len(set(open_texts)) > len(open_texts) / 4
    conn = sqlite3.connect(store_in(tmp_path / "one"))
    participants, withdrawn = conn.execute(
        "SELECT COUNT(*), SUM(withdrawn) FROM participants").fetchone()
    assert participants == 400 and 0 < withdrawn < 40
    # Some changed an answer (a later seq for the same question), some skipped questions.
    changed = conn.execute("SELECT COUNT(*) FROM (SELECT participant_id, question_id FROM "
                           "answers GROUP BY 1, 2 HAVING COUNT(*) > 1)").fetchone()[0]
    assert changed > 0
    answered = conn.execute("SELECT COUNT(*) FROM current_answers").fetchone()[0]
    assert answered < (participants - withdrawn) * 7
    # Nothing a withdrawn participant said is kept.
    assert conn.execute("SELECT COUNT(*) FROM answers a JOIN participants p ON "
                        "p.id = a.participant_id WHERE p.withdrawn = 1").fetchone()[0] == 0
