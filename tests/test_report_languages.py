"""The audio report's chapters wholly in their language (issue 17, leftovers).

The question texts, choice words and quotes were already in each recording's language; the
report's own sentences ("What people told us.", "Someone said: ...") were English, so a Polish
listener heard English read by a Polish voice. They now come from the interface's catalogs.
A store is filled by the simulator through the real session, with a pack in English and
Polish, and the chapters are read back as the recordings would say them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.core.pack import load_pack
from kiosk.devtools.simulate import read_pack_source, simulate
from kiosk.i18n import Catalogs
from kiosk.outputs.audio import chapter_title, pack_words, spoken_chapters
from kiosk.outputs.summary import summarise
from kiosk.store.db import Store, store_in

PACK = """
[pack]
id = "forum"
title = { en = "Winter forum", pl = "Forum zimowe", gd = "Fòram a' gheamhraidh" }
languages = ["en", "pl", "gd"]
version = 2

[[question]]
id = "meaning"
type = "open"
[question.text]
en = "What does co-production mean to you?"
pl = "Co dla ciebie znaczy współtworzenie?"
gd = "Dè tha co-riochdachadh a' ciallachadh dhut?"

[[question]]
id = "helps"
type = "multi"
[question.text]
en = "What helps you take part?"
pl = "Co pomaga ci wziąć udział?"
gd = "Dè a chuidicheas tu pàirt a ghabhail?"

[[question.choices]]
id = "transport"
[question.choices.text]
en = "Transport paid"
pl = "Opłacony dojazd"
gd = "Siubhal pàighte"

[[question.choices]]
id = "print"
[question.choices.text]
en = "Large print papers"
pl = "Dokumenty dużym drukiem"
gd = "Pàipearan le clò mòr"

[[question.choices]]
id = "quiet"
[question.choices.text]
en = "A quiet room"
pl = "Cichy pokój"
gd = "Seòmar sàmhach"

[[question]]
id = "again"
type = "yesno"
[question.text]
en = "Would you come again?"
pl = "Czy przyjdziesz znowu?"
gd = "An tig thu a-rithist?"

[[question]]
id = "taking-part-as"
type = "choice"
[question.text]
en = "Are you taking part as:"
pl = "Bierzesz udział jako:"
gd = "A bheil thu a' gabhail pàirt mar:"

[[question.choices]]
id = "lived"
[question.choices.text]
en = "Someone with lived experience"
pl = "Osoba z doświadczeniem"
gd = "Cuideigin le eòlas beò"

[[question.choices]]
id = "carer"
[question.choices.text]
en = "An unpaid carer"
pl = "Nieopłacany opiekun"
gd = "Neach-cùraim gun phàigheadh"

[[question.choices]]
id = "worker"
[question.choices.text]
en = "A worker or volunteer"
pl = "Pracownik lub wolontariusz"
gd = "Neach-obrach no saor-thoileach"
"""

# Words of the report's own English sentences: none may be heard in another language's chapter.
WORDS = ("people", "person", "took part", "answers?", "given", "what", "someone", "said",
         "question", "summary", "about", "themes?", "mentioned", "mention", "languages?",
         "speaking", "tapping", "typing", "groups?", "fewer", "shown", "counted", "anonymous",
         "introduction", "recording", "yes", "no", "by how")
ENGLISH = re.compile(rf"\b({'|'.join(WORDS)})\b", re.IGNORECASE)
# "no" is Gaelic for "or" ("Neach-obrach no saor-thoileach").
NOT_GAELIC = re.compile(rf"\b({'|'.join(w for w in WORDS if w != 'no')})\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    base = tmp_path_factory.mktemp("report-languages")
    pack_file = base / "forum.toml"
    pack_file.write_text(PACK, encoding="utf-8")
    pack, problems = load_pack(pack_file)
    assert pack is not None, problems
    store = Store(store_in(base / "kiosk"))
    simulate(store, pack, 300, 5, read_pack_source(pack_file))
    return store


def event_lines(store: Store) -> set[str]:
    """The lines naming staff's events: names staff typed, said as typed in every language."""
    found = set()
    for name, venue, day in store.conn.execute("SELECT name, venue, date FROM events"):
        found.add(f"{name}, {venue}, {day}." if venue else f"{name}, {day}.")
    return found


def test_a_polish_chapter_has_no_english_sentence(store: Store) -> None:
    summary = summarise(store.conn)
    assert summary.languages["pl"] > 0 and summary.languages["en"] > 0
    chapters = spoken_chapters(summary, "pl", pack_words(store.conn, "pl"), Catalogs())
    english = spoken_chapters(summary, "en", pack_words(store.conn, "en"))
    # The same chapters, under the same (file-naming) titles, as the English recording.
    assert [t for t, _ in chapters] == [t for t, _ in english]
    names = event_lines(store)
    english_lines = {line for _, text in english for line in text.splitlines()} - names
    heard = [line for _, text in chapters for line in text.splitlines() if line not in names]
    assert len(heard) > 20
    for line in heard:
        assert not ENGLISH.search(line), line
        assert line not in english_lines, line
    text = "\n".join(heard)
    for polish in ("Forum zimowe. Co nam powiedziano.", "Pytanie 2. Co pomaga ci wziąć udział?",
                   "Opłacony dojazd: ", "Tak: ", "O tym podsumowaniu."):
        assert polish in text
    # Quotes heard in the Polish chapter are those said in Polish.
    assert "Ktoś powiedział: " in text or "nie znaleziono wspólnych tematów" in text


def test_a_gaelic_chapter_is_in_gaelic_too(store: Store) -> None:
    summary = summarise(store.conn)
    chapters = spoken_chapters(summary, "gd", pack_words(store.conn, "gd"), Catalogs())
    names = event_lines(store)
    heard = [line for _, text in chapters for line in text.splitlines() if line not in names]
    for line in heard:
        assert not NOT_GAELIC.search(line), line
    assert heard[0] == "Fòram a' gheamhraidh. Na dh'innis daoine dhuinn."


def test_the_english_chapters_are_unchanged_by_the_catalogs(store: Store) -> None:
    summary = summarise(store.conn)
    words = pack_words(store.conn, "en")
    assert spoken_chapters(summary, "en", words, Catalogs()) == \
        spoken_chapters(summary, "en", words)


def test_the_playlist_titles_are_in_the_recordings_language(store: Store) -> None:
    words = pack_words(store.conn, "pl")
    catalogs = Catalogs()
    assert chapter_title("Introduction", "pl", words, catalogs) == "Wstęp"
    assert chapter_title("Question 2: What helps you take part?", "pl", words, catalogs) == \
        "Pytanie 2: Co pomaga ci wziąć udział?"
    assert chapter_title("About this summary", "pl", words, catalogs) == "O tym podsumowaniu"
    assert chapter_title("Introduction", "en", {}, catalogs) == "Introduction"


def test_every_catalog_has_the_reports_sentences(tmp_path: Path) -> None:
    catalogs = Catalogs()
    for message in ("What people told us.", "Someone said: {quote}",
                    "People who took part: {people}. Answers given: {answers}.",
                    "Counts for groups of fewer than {number} people are not shown."):
        for language in ("gd", "pl", "ko"):
            assert catalogs.translate(language, message) != message, (language, message)
