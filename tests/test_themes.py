"""Themes that mean something: phrases said under every question are never themes, phrases said
under one question are, inflections count together, and every quote contains its theme."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from kiosk.core.answers import Answer, ParticipantSession
from kiosk.ids import new_id
from kiosk.outputs.rows import open_store
from kiosk.outputs.summary import Summary, summarise
from kiosk.outputs.themes import stop_words, terms_of
from kiosk.store.db import Store, store_in

PACK = """
[pack]
id = "themes"
title = "Themes"
languages = ["en", "pl"]
version = 1

[[question]]
id = "travel"
type = "open"
text = "How did you get here?"

[[question]]
id = "room"
type = "open"
text = "What makes a good meeting room?"

[[question]]
id = "support"
type = "open"
text = "What support helps you most?"

[[question]]
id = "again"
type = "yesno"
text = "Would you come again?"
"""

# Said under every question, as often: never a theme.
EVERYWHERE = ("community centre", "honestly at the end of the day")
# Said under one question only: its theme.
PLANTED = {"travel": "bus passes", "room": "quiet corner", "support": "peer mentor"}
FILLER = ["it was fine", "we talked about it for ages", "nothing much else to add",
          "good to be asked", "glad someone is listening", "mostly it works"]


def _store(folder: Path, people: int = 40, seed: int = 5) -> Path:
    rng = random.Random(seed)
    store = Store(store_in(folder))
    store.record_pack("themes", 1, "Themes", PACK)
    for i in range(people):
        person = ParticipantSession.begin("themes", 1, "en", date(2026, 5, 1), new_id=new_id)
        store.begin_participant(person)
        for seq, qid in enumerate(("travel", "room", "support"), 1):
            parts = [rng.choice(FILLER)]
            if i % 2 == 0:
                parts.append(f"the {EVERYWHERE[0]} was handy")
            if i % 3 == 0:
                parts.append(EVERYWHERE[1])
            if i % 5 in (0, 1):
                planted = PLANTED[qid]
                if qid == "support" and i % 2:  # inflections count together
                    planted += "s"
                parts.append(f"we need {planted}")
            rng.shuffle(parts)
            text = ", ".join(parts)
            store.save_answer(Answer(new_id(), person.id, qid, "open", seq, text, text,
                                     "typed", "en"))
        store.save_answer(Answer(new_id(), person.id, "again", "yesno", 4, True, "Yes", "tap",
                                 "en"))
    store.close()
    return store_in(folder)


def _summary(path: Path) -> Summary:
    conn = open_store(path)
    try:
        return summarise(conn, quotes_per_theme=8)
    finally:
        conn.close()


def test_phrases_said_everywhere_are_never_themes_and_planted_ones_are(tmp_path: Path) -> None:
    summary = _summary(_store(tmp_path / "k"))
    themes = {q.question_id: [theme for theme, _n in q.themes] for q in summary.questions
              if q.question_type == "open"}
    everywhere_words = {w for phrase in EVERYWHERE for w in terms_of(phrase)}
    for qid, found in themes.items():
        assert found, qid
        for theme in found:
            assert not set(theme.split()) & {w for t in everywhere_words for w in t.split()}, \
                (qid, theme)
    for qid, phrase in PLANTED.items():
        assert any(theme in phrase or phrase in theme for theme in themes[qid]), \
            (qid, themes[qid])
        # A question's phrase is never another question's theme.
        for other, found in themes.items():
            if other != qid:
                assert not any(set(theme.split()) & set(phrase.split()) for theme in found)


def test_inflections_count_together_and_quotes_contain_their_theme(tmp_path: Path) -> None:
    summary = _summary(_store(tmp_path / "k"))
    support = next(q for q in summary.questions if q.question_id == "support")
    # "peer mentor" and "peer mentors": one theme, counted over both (16 of 40 answers).
    mentor = [(theme, n) for theme, n in support.themes if "mentor" in theme]
    assert len(mentor) == 1 and mentor[0][1] == 16, support.themes
    for q in summary.questions:
        for theme, quotes in q.quotes.items():
            if theme in PLANTED.values() or theme.startswith("peer mentor"):
                assert quotes, (q.question_id, theme)
            for quote in quotes:
                assert theme in quote.lower(), (theme, quote)


def test_each_language_has_its_stop_words() -> None:
    assert "the" in stop_words("en") and "agus" in stop_words("gd")
    assert "oraz" in stop_words("pl") and stop_words("ko")
    # Polish words are stemmed by the Polish stemmer, and stop words left out.
    assert terms_of("oraz transport publiczny", "pl") == {"transport", "publiczny",
                                                         "transport publiczny"}
