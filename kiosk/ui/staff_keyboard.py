"""The large on-screen keyboard of staff mode's "Questions", for a kiosk with no keyboard:
keys as large buttons, a page at a time, each saying its character as it is typed; Korean
letters are put together into syllable blocks."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.core import hangul
from kiosk.core.hangul import Composer
from kiosk.ui.keyboard import ACCENTS

if TYPE_CHECKING:
    from kiosk.ui.staff import StaffMode

# The keys, a page at a time (Space, Delete and Capital are on every page).
KEY_PAGES = ("abcdefghijklmnopqrstuvwxyz", "0123456789.,?!'-:;()/&")
# What a key is called aloud, where its character is not a word.
KEY_NAMES = {" ": "space", ".": "full stop", ",": "comma", "?": "question mark",
             "!": "exclamation mark", "'": "apostrophe", "-": "dash", ":": "colon",
             ";": "semicolon", "(": "open bracket", ")": "close bracket", "/": "slash",
             "&": "and sign"}


class StaffKeyboard:
    """The on-screen keyboard, drawn with staff mode's own building blocks."""

    def __init__(self, mode: StaffMode):
        self.mode = mode

    @staticmethod
    def _key_pages(languages: list[str] | tuple[str, ...]) -> list[str]:
        """The keyboard's pages for a pack in these languages: letters (with the accents of
        its languages), then other keys, then Korean letters when the pack is in Korean."""
        letters = "abcdefghijklmnopqrstuvwxyz" + "".join(
            ACCENTS.get(language, "") for language in languages)
        pages = [letters, KEY_PAGES[1]]
        if "ko" in languages:
            pages.append(hangul.KEYS)
        return pages

    def show(self, label: str, text: str, done: Callable[[str], None],
             cancel: Callable[[], None], languages: list[str] | tuple[str, ...],
             page: int = 0) -> None:
        """Keys as large buttons, for a kiosk with no keyboard: each key says its character,
        the text so far is shown above them; Done keeps it, Cancel or Escape does not."""
        mode = self.mode
        mode._begin("keyboard", cancel)
        pages = self._key_pages(languages)
        title = f"Keyboard for {label}"
        mode._text(title, bold=True)
        shown = mode._text(self._typed_line(label, text))
        # A new page starts a new Korean block: what is written is left whole.
        state: dict[str, Any] = {"text": text, "capital": False, "composer": Composer()}
        keys = mode._grid(6)
        letter_buttons = []
        for character in pages[page]:
            button = mode._button(character, partial(self._key, character, state, shown, label),
                                  keys)
            mode.controls[-1].name = hangul.NAMES.get(character,
                                                      KEY_NAMES.get(character, character))
            if character.isalpha() and not hangul.is_key(character):
                letter_buttons.append(button)
        # The keys that are words get the whole width, so no word is ever cut to fit a key.
        mode._button("Space", partial(self._key, " ", state, shown, label))
        mode._button("Delete", partial(self._key, "", state, shown, label))

        def capital() -> None:
            state["capital"] = not state["capital"]
            for button in letter_buttons:
                button.text = button.text.upper() if state["capital"] else button.text.lower()
            mode._say("Capital on, for the next letter" if state["capital"] else "Capital off")
        if page == 0:
            mode._button("Capital", capital)
        following = (page + 1) % len(pages)
        mode._button(("Other keys", "Letters", "Korean letters")[
            2 if following == 2 else 1 if following == 0 else 0],
            lambda: self.show(label, str(state["text"]), done, cancel, languages, following))
        mode._button("Done", lambda: done(str(state["text"])))
        mode._button("Cancel", cancel)
        mode._show("keyboard", title, said=self._typed_line(label, text) + ".")

    def _key(self, character: str, state: dict[str, Any], shown: Widget, label: str) -> None:
        """A key chosen: the character is added (or the last key taken back) and said, as
        typed; Korean letters are put together into syllable blocks as they are typed."""
        text = str(state["text"])
        composer: Composer = state["composer"]
        if character == "":
            if not text:
                self.mode._say("Nothing to delete")
                return
            removed = text[-1]
            text = composer.erase(text)
            # A Korean block shrinks a letter at a time: say what is left of it.
            said = f"Deleted {KEY_NAMES.get(removed, removed)}" if not hangul.has_hangul(
                removed) else f"Deleted. {hangul.spoken(text)}".rstrip(". ")
        elif hangul.is_key(character):
            text = composer.type(text, character)
            said = hangul.spoken(text)  # 가, then 간, then 가나
        else:
            composer.leave()
            if state["capital"] and character.isalpha():
                character = character.upper()
                state["capital"] = False
                for widget in shown.parent.walk(restrict=True) if shown.parent else []:
                    if isinstance(widget, Label) and len(widget.text) == 1 and \
                            widget.text.isalpha():
                        widget.text = widget.text.lower()
            text += character
            said = KEY_NAMES.get(character, character)
        state["text"] = text
        shown.text = self._typed_line(label, text)
        self.mode.fit_font(shown, text)
        self.mode._say(said)
        self.mode.app.trace("staff-keyboard", field=label, text=text)

    @staticmethod
    def _typed_line(label: str, text: str) -> str:
        return f"{label}: {text}" if text else f"{label}: empty"
