"""The one way contributions are counted, for every place that shows a count.

The simulator, the staff screen, `kiosk sync`, `kiosk export`, the hub's console and its status
page all count with `tally`, and say each figure with the same words (`Tally.lines`), so the
same store gives the same figures everywhere, and a difference between two figures is always
one of the kinds named here:

- sessions: every participant session begun (after consent), whatever became of it;
- people who took part: sessions not withdrawn with at least one answer kept;
- people who withdrew: sessions whose answers were removed at the person's request;
- empty sessions: sessions not withdrawn that kept no answer (every question skipped);
- answers kept (latest per question): what exports and reports hold, one per question a person
  answered (the `current_answers` view);
- answers changed: earlier versions of an answer the person changed later, kept in the store
  but not exported;
- answers cleared: a question whose latest answer is empty (none is written today).

So sessions = took part + withdrew + empty, and the answers a store holds (what a sync carries)
= kept + changed + cleared. A withdrawn person's answers are deleted, so they are in no count.
Works on a kiosk's own store and on a shared store alike (the same tables).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields

# Per person, from the answers_by_question index alone (no row of the table is read): how many
# answers they hold and how many questions those answer.
_PER_PERSON = ("SELECT participant_id AS pid, COUNT(*) AS held, "
               "COUNT(DISTINCT question_id) AS questions FROM answers GROUP BY participant_id")
# Per person, the questions whose latest answer (the largest seq) is empty: few or none, so
# found from the rows with no value (one pass over the table, NOT INDEXED so that it is not
# read in index order, row by row) rather than by looking up every question's latest row.
_CLEARED = ("SELECT a.participant_id AS pid, COUNT(*) AS n FROM answers a NOT INDEXED "
            "WHERE a.value IS NULL AND a.seq = (SELECT MAX(b.seq) FROM answers b WHERE "
            "b.participant_id = a.participant_id AND b.question_id = a.question_id) "
            "GROUP BY a.participant_id")
# kept = questions - cleared, changed = held - questions. About a third of the time of
# grouping every question's rows from the table (0.1 s against 0.26 s for 89,000 answers).
_KEPT = "(COALESCE(t.questions, 0) - COALESCE(c.n, 0))"
_TALLY = (
    f"WITH t AS ({_PER_PERSON}), c AS ({_CLEARED}) "
    "SELECT {group} COUNT(*), "
    f"COALESCE(SUM(p.withdrawn = 0 AND {_KEPT} > 0), 0), "
    "COALESCE(SUM(p.withdrawn = 1), 0), "
    f"COALESCE(SUM(p.withdrawn = 0 AND {_KEPT} = 0), 0), "
    f"COALESCE(SUM(CASE WHEN p.withdrawn = 0 THEN {_KEPT} END), 0), "
    "COALESCE(SUM(CASE WHEN p.withdrawn = 0 THEN t.held - t.questions END), 0), "
    "COALESCE(SUM(CASE WHEN p.withdrawn = 0 THEN COALESCE(c.n, 0) END), 0) "
    "FROM participants p LEFT JOIN t ON t.pid = p.id LEFT JOIN c ON c.pid = p.id "
    "WHERE 1 = 1{where} {group_by}")


@dataclass(frozen=True)
class Tally:
    """What a store holds, by kind (see the module's notes)."""

    sessions: int = 0
    took_part: int = 0
    withdrew: int = 0
    empty: int = 0
    kept: int = 0
    changed: int = 0
    cleared: int = 0

    @property
    def answers_held(self) -> int:
        """Every answer the store holds, changed ones included: what a first sync carries."""
        return self.kept + self.changed + self.cleared

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def __sub__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) - getattr(other, f.name) for f in fields(self)))

    def people(self) -> list[str]:
        """The people figures, each with what it counts."""
        return [f"{self.took_part} {_people(self.took_part)} took part",
                f"{self.withdrew} withdrew",
                f"{self.empty} empty {_plural(self.empty, 'session', 'sessions')} "
                "(nothing kept)"]

    def answers(self) -> list[str]:
        """The answer figures, each with what it counts (cleared only when there are any)."""
        out = [f"{self.kept} {_plural(self.kept, 'answer', 'answers')} kept "
               "(latest per question)",
               f"{self.changed} changed (earlier {_plural(self.changed, 'version', 'versions')} "
               "not exported)"]
        if self.cleared:
            out.append(f"{self.cleared} cleared")
        return out

    def lines(self) -> list[str]:
        """Two lines for staff: people, then answers."""
        return ["People: " + ", ".join(self.people()) + ".",
                "Answers: " + ", ".join(self.answers()) + "."]

    def as_json(self) -> dict[str, int]:
        """The figures by name, for status.json and tests."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _people(n: int) -> str:
    return _plural(n, "person", "people")


def _where(kiosk_id: str | None, event_ids: Sequence[str] | None, pack_id: str | None
           ) -> tuple[str, list[str]]:
    where, params = "", []
    if kiosk_id is not None:
        where += " AND p.kiosk_id = ?"
        params.append(kiosk_id)
    if event_ids is not None:
        where += f" AND p.event_id IN ({', '.join('?' * len(event_ids))})"
        params += list(event_ids)
    if pack_id is not None:
        where += " AND p.pack_id = ?"
        params.append(pack_id)
    return where, params


def tally(conn: sqlite3.Connection, kiosk_id: str | None = None,
          event_ids: Sequence[str] | None = None, pack_id: str | None = None) -> Tally:
    """Count a store's contributions by kind: all of them, or one kiosk's, those of some
    sessions (event ids) or of one pack."""
    where, params = _where(kiosk_id, event_ids, pack_id)
    row = conn.execute(_TALLY.format(group="", where=where, group_by=""), params).fetchone()
    return Tally(*(int(v) for v in row))


def tally_by_kiosk(conn: sqlite3.Connection) -> dict[str, Tally]:
    """`tally` for each kiosk, in one pass (the hub's status page)."""
    rows = conn.execute(_TALLY.format(group="p.kiosk_id,", where="",
                                      group_by="GROUP BY p.kiosk_id")).fetchall()
    return {str(r[0]): Tally(*(int(v) for v in r[1:])) for r in rows}
