"""Fonts and text measuring for the shell: which font has a language's letters, how wide text is
drawn, and how lines are broken so that a letter is never cut off."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kivy.core.text import Label as CoreLabel

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/nanum")]
FONTS = {"latin": "DejaVuSans-Bold.ttf", "ko": "NanumGothicBold.ttf"}


def find_font(file_name: str) -> str | None:
    """The path of a system font, or None."""
    for directory in FONT_DIRS:
        if (directory / file_name).exists():
            return str(directory / file_name)
    return None


@lru_cache(maxsize=4096)
def text_width(text: str, font_name: str, size: float) -> float:
    """How wide `text` is drawn (cached: layouts measure the same words on every render)."""
    label = CoreLabel(text=text, font_size=size, font_name=font_name)
    label.refresh()
    return float(label.content_width)


def break_long_words(text: str, width: float, font_name: str, size: float) -> str:
    """`text` with every word too wide for a line of `width` broken with a hyphen at the end
    of each full line (a long Gaelic word at twice the size, a web address typed as an answer),
    so that no letter is ever cut off; other words are left for the label to wrap."""
    def broken(word: str) -> str:
        if text_width(word, font_name, size) <= width:
            return word
        lines: list[str] = []
        rest = word
        while rest:
            take = len(rest)
            while take > 1 and text_width(rest[:take] + "-", font_name, size) > width:
                take -= 1
            lines.append(rest[:take] + ("-" if take < len(rest) else ""))
            rest = rest[take:]
        return "\n".join(lines)
    return "\n".join(" ".join(broken(word) for word in line.split(" "))
                     for line in text.split("\n"))


def pieces(text: str) -> list[str]:
    """The parts of a label that cannot be broken: words, and parts of hyphenated words."""
    return [p for word in text.split() for p in word.replace("-", "- ").split()] or [" "]


def wrapped(text: str, width: float, font_name: str, size: float) -> str:
    """Text broken into lines no wider than `width`, between words or after a hyphen."""
    lines: list[str] = []
    for piece in pieces(text):
        joined = (lines[-1] + ("" if lines[-1].endswith("-") else " ") + piece) \
            if lines else piece
        if lines and text_width(joined, font_name, size) <= width:
            lines[-1] = joined
        else:
            lines.append(piece)
    return "\n".join(lines)
