"""Withdrawal codes in the participant's language (issue 17, leftovers).

A code is drawn as word positions and kept as the hash of the positions, so the Gaelic, Polish,
Korean and English words at those positions are one code: staff may type it in any of them,
without accents, in any case, with any spacing. Codes given out before (English text, hashed
as text) still withdraw. The lists are checked as lists; the session runs through the core and
its actions are carried out on a real store; `kiosk withdraw` runs on real store files.
"""

from __future__ import annotations

import random
import sqlite3
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.core.pack import load_pack
from kiosk.core.session import Session
from kiosk.core.withdrawal import (
    WORD_LISTS,
    WORDS,
    code_hash,
    code_words,
    fold_code,
    legacy_code_hash,
    matching_hashes,
    positions_hash,
    positions_of,
)
from kiosk.ids import new_id
from kiosk.store.db import Store, store_in
from kiosk.store.shared import open_shared_store
from kiosk.store.sync import sync_to_file
from tests.test_withdraw_code import PACK, TODAY, visit

LANGUAGES = ("en", "gd", "pl", "ko")


def strip_accents(text: str) -> str:
    """What staff type on a keyboard without the language's letters."""
    text = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(
        c for c in text if unicodedata.category(c) != "Mn")).replace("ł", "l").replace("Ł", "L")


@pytest.fixture
def four_language_pack(tmp_path: Path) -> Path:
    """The small test pack, offered in all four languages (texts fall back to English)."""
    text = PACK.read_text(encoding="utf-8").replace('languages = ["en", "gd"]',
                                                    'languages = ["en", "gd", "pl", "ko"]')
    path = tmp_path / "four.toml"
    path.write_text(text, encoding="utf-8")
    return path


def session_for(pack_path: Path, seed: int) -> Session:
    pack, _ = load_pack(pack_path)
    return Session(pack, today=lambda: TODAY, new_id=new_id,
                   random_below=random.Random(seed).randrange)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


# The lists ------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_each_list_is_as_long_as_the_english_one_with_no_repeats(language: str) -> None:
    words = WORD_LISTS[language]
    assert len(words) == len(WORDS) == 480
    assert len(set(words)) == len(words)
    # One word each: nothing staff could split or join differently.
    assert all(w.isalpha() and w == w.lower() for w in words), \
        [w for w in words if not (w.isalpha() and w == w.lower())]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_words_of_a_list_are_equal_once_accents_are_dropped(language: str) -> None:
    folded: dict[str, str] = {}
    for word in WORD_LISTS[language]:
        key = fold_code(word)
        assert key, word
        assert key not in folded, f"{word!r} and {folded[key]!r} fold alike"
        folded[key] = word


def test_folding_drops_gaelic_and_polish_accents_and_leaves_korean_alone() -> None:
    assert fold_code("Bàta Òrd Ìm Èis Ùr") == "bataordimeisur"
    assert fold_code("Żółw-ŁÓDŹ ząb Ćma Ęś Ńó") == "zolwlodzzabcmaesno"
    assert fold_code("사과 강 일곱") == "사과강일곱"


# One hash in every language -------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(20))
def test_a_code_in_every_language_maps_to_the_same_hash(seed: int) -> None:
    rng = random.Random(seed)
    positions = tuple(rng.randrange(len(WORDS)) for _ in range(3))
    kept = positions_hash(positions)
    for language in LANGUAGES:
        code = code_words(positions, language)
        assert code_hash(code, language) == kept, (language, code)
        # As staff may type it: without accents, upper case, hyphens, run together.
        for typed in (code, strip_accents(code).upper(), code.replace(" ", "-"),
                      "  " + strip_accents(code).replace(" ", "") + " "):
            assert kept in matching_hashes(typed), (language, typed)


def test_old_english_codes_still_match_under_the_hash_they_were_kept_with() -> None:
    # The first scheme: the hash of the code's text, as stores and syncs already hold it.
    old = legacy_code_hash("apple river seven")
    # The value main's code_hash gave before this change: the stores hold hashes like it.
    assert old == "b3139f48dcd0c9e999650fc0109796f9229443d4a883dfcb8b77f27f8ab38d5b"
    for typed in ("apple river seven", "Apple-RIVER  seven", "appleriverseven"):
        assert old in matching_hashes(typed)
    # and the same words also match a new code at their positions
    positions = (WORDS.index("apple"), WORDS.index("river"), WORDS.index("seven"))
    assert positions_hash(positions) in matching_hashes("apple river seven")
    assert positions_of("apple river seven") >= {positions}


def test_words_that_are_no_code_read_as_no_positions() -> None:
    assert positions_of("nobody has these") == set()
    assert positions_of("apple river") == set()  # two words are not a code
    assert len(matching_hashes("nobody has these")) == 1  # only the old text scheme


# Through the session and the stores ----------------------------------------------------------

@pytest.mark.parametrize("language", ["gd", "pl", "ko"])
def test_the_thanks_screen_shows_and_says_the_code_in_the_sessions_language(
        language: str, four_language_pack: Path, tmp_path: Path) -> None:
    session = session_for(four_language_pack, 11)
    store = Store(store_in(tmp_path / "data"))
    try:
        session.press(f"lang:{language}")
        thanks: list[str] = []
        code = visit_capturing(session, store, thanks)
        words = code.split()
        assert len(words) == 3 and all(w in WORD_LISTS[language] for w in words)
        screen_language, body, speech = thanks
        assert screen_language == language  # so the language's voice says it
        assert code in body
        assert all(w in speech for w in words)
        kept = store.conn.execute("SELECT code_hash FROM participants").fetchone()[0]
        assert kept == code_hash(code, language)
        # The same code read out in English by an interpreter withdraws as well.
        english = code_words(next(iter(positions_of(code, language))), "en")
        assert kept in matching_hashes(english)
    finally:
        store.close()


def visit_capturing(session: Session, store: Store, thanks: list[str]) -> str:
    """`visit`, also keeping the thanks screen's language, body and speech."""
    real_press = session.press

    def press(control_id: str, by_voice: bool = False) -> list:  # type: ignore[type-arg]
        actions = real_press(control_id, by_voice)
        screen = session.screen()
        if screen.name == "thanks" and not thanks:
            thanks.extend([screen.language, screen.body, screen.speech])
        return actions

    session.press = press  # type: ignore[method-assign]
    try:
        return visit(session, store, "more ramps at the door")
    finally:
        del session.press


def test_kiosk_withdraw_takes_a_gaelic_code_typed_without_accents(
        four_language_pack: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = Store(store_in(data))
    session = session_for(four_language_pack, 3)
    codes = []
    for seed_said in ("ramps at the door", "quieter rooms", "large print"):
        session.press("lang:gd")
        codes.append(visit(session, store, seed_said))
    store.close()
    accented = [c for c in codes if strip_accents(c) != c]
    assert accented, codes  # the seed gives a code with accents, so leaving them out counts
    typed = strip_accents(accented[0]).upper().replace(" ", "-")

    code, output = run("withdraw", *typed.split("-"), "--data", str(data))
    assert code == 0, output
    assert "withdrawn" in output and "next syncs carry the withdrawal" in output
    conn = sqlite3.connect(store_in(data))
    try:
        assert conn.execute("SELECT COUNT(*) FROM participants WHERE withdrawn = 1"
                            ).fetchone() == (1,)
        assert conn.execute("SELECT COUNT(DISTINCT participant_id) FROM answers"
                            ).fetchone() == (2,)
    finally:
        conn.close()


def test_an_old_english_code_still_withdraws_on_the_kiosk_and_in_a_shared_store(
        tmp_path: Path) -> None:
    """Rows kept before the lists were translated hold the text hash; `kiosk withdraw` still
    finds them, on the kiosk's store and in a shared store the row was synced to."""
    pack, _ = load_pack(PACK)
    data = tmp_path / "data"
    store = Store(store_in(data))
    session = Session(pack, today=lambda: TODAY, new_id=new_id,
                      random_below=random.Random(9).randrange)
    codes = [visit(session, store, said) for said in ("one thing", "another", "a third")]
    # As the first scheme kept them.
    for code, (pid,) in zip(codes, store.conn.execute(
            "SELECT id FROM participants ORDER BY rowid").fetchall(), strict=True):
        store.conn.execute("UPDATE participants SET code_hash = ? WHERE id = ?",
                           (legacy_code_hash(code), pid))
    store.close()
    shared = tmp_path / "shared.sqlite"
    store = Store(store_in(data))
    try:
        sync_to_file(store, shared)
    finally:
        store.close()

    code, output = run("withdraw", codes[0].title(), "--data", str(data))
    assert code == 0 and "withdrawn" in output, output
    code, output = run("withdraw", codes[1].replace(" ", ""), "--from", str(shared))
    assert code == 0 and "withdrawn" in output, output
    conn, _ = open_shared_store(shared, create=False)
    try:
        assert conn.execute("SELECT COUNT(*) FROM participants WHERE withdrawn = 1"
                            ).fetchone() == (1,)
    finally:
        conn.close()


def test_words_that_are_no_code_are_told_apart_from_a_code_nobody_has(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Store(store_in(data)).close()
    code, output = run("withdraw", "nobody", "has", "these", "--data", str(data))
    assert code == 0
    assert "no participant has that code; nothing was changed." in output
    assert "Those are not 3 code words of any of the kiosk's languages." in output


def test_a_long_paste_is_read_quickly_and_matches_nothing_new() -> None:
    started = time.monotonic()
    hashes = matching_hashes("apple" * 20000)
    assert time.monotonic() - started < 2
    assert len(hashes) == 1  # no reading as three words: only the old text scheme's hash
