"""Typing Korean on the on-screen keyboard: letters (jamo) put together into syllable blocks.

The keyboard shows the 19 consonants and 21 vowels in dictionary order, as a Korean child learns
them, rather than a typist's layout. Each key adds one letter, and the last syllable block is
built up as it is typed, the way every Korean keyboard does it (the "two-set" rules): ㄱ then ㅏ
makes 가, then ㄴ makes 간, and a vowel after that moves the ㄴ on to start the next block (가나).
Delete takes back the last key typed while a block is being built (가나 -> 간 -> 가 -> ㄱ).

Pure functions over the draft's text; the shell keeps whether a block is still being built (a
block the person has moved on from, by a space or by closing the keyboard, is left whole).
"""

from __future__ import annotations

CONSONANTS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
# The keys in dictionary order. Compound vowels have keys of their own too (ㅘ is easier to find
# than ㅗ then ㅏ), and are also made by typing their two parts.
KEYS = CONSONANTS + VOWELS

# A letter's name, said when its key is focused or it stands alone: a screen reader reading "ㄱ"
# alone says nothing useful. Vowels are named by their sound.
NAMES = dict(zip(CONSONANTS, (
    "기역", "쌍기역", "니은", "디귿", "쌍디귿", "리을", "미음", "비읍", "쌍비읍", "시옷", "쌍시옷",
    "이응", "지읒", "쌍지읒", "치읓", "키읔", "티읕", "피읖", "히읗"), strict=True))
NAMES.update(zip(VOWELS, (
    "아", "애", "야", "얘", "어", "에", "여", "예", "오", "와", "왜", "외", "요", "우", "워", "웨",
    "위", "유", "으", "의", "이"), strict=True))

_FIRST = 0xAC00  # 가: blocks are numbered (initial * 21 + vowel) * 28 + final from here
_LAST = 0xD7A3
# Finals in block order; "" is a block without one.
_FINALS = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ",
           "ㅀ", "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")
_PAIRED_FINALS = {"ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ",
                  "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ", "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ",
                  "ㅄ": "ㅂㅅ"}
_PAIR_TO_FINAL = {pair: final for final, pair in _PAIRED_FINALS.items()}
_PAIRED_VOWELS = {"ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ",
                  "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ"}
_PAIR_TO_VOWEL = {pair: vowel for vowel, pair in _PAIRED_VOWELS.items()}


def has_hangul(text: str) -> bool:
    """Whether `text` holds Korean letters or syllable blocks (to draw and say it in Korean)."""
    return any(_FIRST <= ord(ch) <= _LAST or 0x3131 <= ord(ch) <= 0x318E for ch in text)


def is_key(letter: str) -> bool:
    """Whether `letter` is one of the Korean keys (a jamo)."""
    return len(letter) == 1 and letter in KEYS


def _block(initial: str, vowel: str, final: str = "") -> str:
    return chr(_FIRST + (CONSONANTS.index(initial) * 21 + VOWELS.index(vowel)) * 28
               + _FINALS.index(final))


def _parts(block: str) -> tuple[str, str, str] | None:
    """(initial, vowel, final) of a syllable block, or None for anything else."""
    code = ord(block) - _FIRST if len(block) == 1 else -1
    if not 0 <= code <= _LAST - _FIRST:
        return None
    return CONSONANTS[code // 588], VOWELS[code // 28 % 21], _FINALS[code % 28]


def type_letter(text: str, letter: str, building: bool = True) -> str:
    """`text` with the Korean `letter` typed at its end. While `building`, the letter joins the
    last syllable block where the rules allow; otherwise it starts a new one."""
    if not is_key(letter):
        raise ValueError(f"not a Korean key: {letter!r}")
    last = text[-1:] if building else ""
    head = text[:-1]
    parts = _parts(last)
    if letter in CONSONANTS:
        if parts:
            initial, vowel, final = parts
            if not final and letter in _FINALS:  # ㄸ ㅃ ㅉ never end a block
                return head + _block(initial, vowel, letter)
            if final and final + letter in _PAIR_TO_FINAL:
                return head + _block(initial, vowel, _PAIR_TO_FINAL[final + letter])
        return text + letter
    # A vowel.
    if last and last in CONSONANTS:  # ("" is in every string)
        return head + _block(last, letter)
    if last and last in VOWELS and last + letter in _PAIR_TO_VOWEL:
        return head + _PAIR_TO_VOWEL[last + letter]
    if parts:
        initial, vowel, final = parts
        if final in _PAIRED_FINALS:  # 닭 + ㅏ -> 달가
            kept, moved = _PAIRED_FINALS[final][0], _PAIRED_FINALS[final][1]
            return head + _block(initial, vowel, kept) + _block(moved, letter)
        if final:  # 간 + ㅏ -> 가나
            return head + _block(initial, vowel) + _block(final, letter)
        if vowel + letter in _PAIR_TO_VOWEL:
            return head + _block(initial, _PAIR_TO_VOWEL[vowel + letter])
    return text + letter


class Composer:
    """The block being built on the keyboard: Delete takes back exactly the last key typed into
    it (가나 -> 간 -> 가 -> ㄱ), and the whole last character once the block is left."""

    def __init__(self) -> None:
        self._before: list[str] = []  # the draft before each key typed into the current block

    def type(self, text: str, letter: str) -> str:
        """`text` with `letter` typed (a Korean key joins the block being built)."""
        if not is_key(letter):
            self.leave()
            return text + letter
        # The first key after the block was left starts a new one, whatever the draft ends with.
        building = bool(self._before)
        self._before.append(text)
        return type_letter(text, letter, building)

    def erase(self, text: str) -> str:
        """`text` with the last key taken back."""
        if self._before:
            return self._before.pop()
        return text[:-1]

    def leave(self) -> None:
        """The person moved on (a space, another key, the keyboard closed): the block is whole."""
        self._before.clear()


def spoken(text: str) -> str:
    """What to say after a key: the last character as it now stands, a letter alone by its name
    (so a person hears 간 grow to 가나 as they type)."""
    last = text[-1:]
    return NAMES.get(last, last)
