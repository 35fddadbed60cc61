"""Korean on the on-screen keyboard: letters typed one key at a time make the syllable blocks a
Korean reader expects, and Delete takes back exactly the last key."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.hangul import CONSONANTS, KEYS, NAMES, VOWELS, Composer, spoken, type_letter

FINALS = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]


def keys_for(text: str, split_vowels: bool) -> list[str]:
    """The keys a person presses for `text`: each block taken apart into its letters, by the
    Unicode standard's arithmetic for Hangul syllables (initial, vowel, final)."""
    pairs = {"ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ",
             "ㄽ": "ㄹㅅ", "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ"}
    if split_vowels:
        pairs |= {"ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ",
                  "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ"}
    keys: list[str] = []
    for ch in text:
        index = ord(ch) - 0xAC00
        letters = [CONSONANTS[index // 588], VOWELS[index // 28 % 21], FINALS[index % 28]]
        for letter in letters:
            keys += list(pairs.get(letter, letter))
    return keys


def typed(keys: list[str], composer: Composer | None = None, text: str = "") -> str:
    composer = composer or Composer()
    for key in keys:
        text = composer.type(text, key)
    return text


def test_every_key_is_a_letter_with_a_name() -> None:
    assert len(CONSONANTS) == 19 and len(VOWELS) == 21 and len(set(KEYS)) == 40
    assert set(NAMES) == set(KEYS)


def test_words_come_out_as_a_korean_reader_writes_them() -> None:
    assert typed(list("ㅇㅏㄴㄴㅕㅇ")) == "안녕"
    assert typed(list("ㄱㅏㄴㅏ")) == "가나"          # the ㄴ moves on to the next block
    assert typed(list("ㄷㅏㄹㄱㅇㅣ")) == "닭이"
    assert typed(list("ㄷㅏㄹㄱㅏ")) == "달가"        # a paired final splits before a vowel
    assert typed(list("ㄱㅗㅏ")) == "과"             # two vowels make one
    assert typed(list("ㄱㅘ")) == "과"               # or its own key
    assert typed(list("ㅃㅏㅃㅏ")) == "빠빠"          # ㅃ never ends a block
    assert typed(list("ㅏ")) == "ㅏ" and typed(list("ㄱ")) == "ㄱ"


def test_delete_takes_back_the_last_key() -> None:
    composer = Composer()
    steps = ["ㄱ", "ㅏ", "ㄴ", "ㅏ"]
    seen = [""]
    text = ""
    for key in steps:
        text = composer.type(text, key)
        seen.append(text)
    assert seen == ["", "ㄱ", "가", "간", "가나"]
    for expected in reversed(seen[:-1]):
        text = composer.erase(text)
        assert text == expected
    # A block left behind (a space, or the keyboard closed) is deleted whole, and the next key
    # starts a block of its own.
    text = typed(list("ㅎㅏㄴ"), composer)
    composer.leave()
    assert composer.type(text, "ㅏ") == "한ㅏ"
    composer.leave()
    assert composer.erase("한") == ""


def test_a_space_or_a_latin_key_ends_the_block() -> None:
    composer = Composer()
    text = typed(list("ㄱㅏ"), composer)
    text = composer.type(text, " ")
    text = composer.type(text, "ㄴ")
    assert text == "가 ㄴ"
    assert composer.type(text, "ㅏ") == "가 나"


def test_what_is_said_after_a_key() -> None:
    assert spoken("가ㄴ") == "니은"
    assert spoken("간") == "간"
    assert spoken("") == ""


syllables = st.integers(0xAC00, 0xD7A3).map(chr)


@given(st.lists(syllables, min_size=1, max_size=8), st.booleans())
def test_any_syllables_typed_letter_by_letter_come_out_the_same(
        blocks: list[str], split_vowels: bool) -> None:
    text = "".join(blocks)
    assert typed(keys_for(text, split_vowels)) == text


@given(st.lists(st.sampled_from(KEYS), max_size=12))
def test_deleting_every_key_typed_leaves_nothing(keys: list[str]) -> None:
    composer = Composer()
    text = typed(keys, composer)
    for _ in keys:
        text = composer.erase(text)
    assert text == ""
    assert all(type_letter("", key, building=True) == key for key in KEYS)
