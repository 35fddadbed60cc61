"""The on-screen keyboard: the whole screen as keys at least 15 mm each way, a page at a time,
alphabetical (easier than QWERTY for people who do not type), each letter said as it is typed.
In Korean the keys are the letters (jamo) in dictionary order, put together into syllable blocks
as they are typed (kiosk.core.hangul)."""

from __future__ import annotations

import math

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.core import hangul
from kiosk.core.pack import N_
from kiosk.core.screens import Control, Screen
from kiosk.ui.base import ShellBase
from kiosk.ui.text import text_width
from kiosk.ui.widgets import KioskButton, KioskRoot, TextField

# Letters the on-screen keyboard adds after a to z for a language.
ACCENTS = {"gd": "àèìòù", "pl": "ąćęłńóśźż"}
KEY_PAD_PX = 6  # the on-screen keyboard's keys hold one centred letter


class KeyboardMixin(ShellBase):
    """The on-screen keyboard (part of KioskApp)."""

    def _render_keyboard(self, screen: Screen) -> None:
        """The whole screen as a keyboard: the answer's last line at the top, then keys at least
        15 mm each way with 2.5 mm between them; as many keys a page as fit at this text size."""
        root: KioskRoot = self.root
        font = self.font_px
        m = self.metrics
        field = TextField(text=screen.draft, font_size=font, shorten=True,
                          shorten_from="left", max_lines=1, size_hint_x=1)
        self.widgets["answer"] = field
        field.padding = [self.gap_px, KEY_PAD_PX]  # one line: room for a second row of keys
        field.line_height = 1.0
        root.top_bar.add_widget(field)
        field.texture_update()
        root.top_bar.height = max(m.target, field.texture_size[1]) + self.gap_px
        root.nav_bar.height = 0
        letters = self._keyboard_letters(screen.language)
        key_w = max(m.target_across, max(text_width(ch, self._key_font(ch), font)
                                         for ch in letters + "⌫✓") + 2 * KEY_PAD_PX + 4)
        # A line of bold text is about 1.17 em tall; a key holds one line.
        key_h = max(m.target, math.ceil(font * 1.17) + 2 * KEY_PAD_PX + 2)
        gap_x, gap_y = m.gap_across, m.gap
        cols = max(4, int((Window.width - gap_x) // (key_w + gap_x)))
        room = Window.height - root.top_bar.height - 2 * gap_y
        rows = max(2, int((room + gap_y) // (key_h + gap_y)))
        per_page = (rows - 1) * cols
        pages = max(1, math.ceil(len(letters) / per_page))
        self._keyboard_page %= pages
        shown = letters[self._keyboard_page * per_page:(self._keyboard_page + 1) * per_page]
        key_w = (Window.width - gap_x * (cols + 1)) / cols
        grid = GridLayout(cols=1, size_hint_y=None, spacing=gap_y,
                          height=rows * key_h + (rows - 1) * gap_y)
        for r in range(rows - 1):
            line = BoxLayout(spacing=gap_x, size_hint_y=None, height=key_h)
            for ch in shown[r * cols:(r + 1) * cols]:
                line.add_widget(self._key(ch, ch, hangul.NAMES.get(ch, ch), key_w, key_h))
            grid.add_widget(line)
        _ = self._keyboard_names(screen.language)
        last = BoxLayout(spacing=gap_x, size_hint_y=None, height=key_h)
        specials = [("page", "⇄", _["page"]), ("space", "␣", _["space"]),
                    ("backspace", "⌫", _["backspace"]), ("close", "✓", _["close"])]
        span = (Window.width - gap_x * (cols + 1) - gap_x * 3) / 4
        for value, face, name in specials:
            if value == "page" and pages == 1:
                last.add_widget(Widget(size_hint_x=None, width=span))
                continue
            last.add_widget(self._key(value, face, name, span, key_h))
        grid.add_widget(last)
        root.content.add_widget(grid)
        self._keyboard_pages = pages

    def _keyboard_letters(self, language: str) -> str:
        """Alphabetical (easier than QWERTY for people who do not type), then the language's own
        letters and a little punctuation."""
        latin = "abcdefghijklmnopqrstuvwxyz" + ACCENTS.get(language, "")
        if language == "ko":  # Korean letters first; Latin ones for names and short forms
            return hangul.KEYS + "',.?-" + latin
        return latin + "',.?-"

    def _key_font(self, face: str) -> str:
        # The Korean font for Korean letters; the Latin one for the rest (it has ⌫ and ✓).
        return self._korean_font if hangul.is_key(face) and self._korean_font \
            else self._latin_font

    def _keyboard_names(self, language: str) -> dict[str, str]:
        def _(message: str) -> str:
            return self.session.translate(language, message)
        return {"page": _(N_("More letters")), "space": _(N_("Space")),
                "backspace": _(N_("Delete")), "close": _(N_("Close the keyboard"))}

    def _key(self, value: str, face: str, name: str, width: float,
             height: float) -> KioskButton:
        control = Control(f"key:{value}", name)
        self.extra_controls[control.id] = control
        key = KioskButton(text=face, wide=False, font_size=self.font_px, min_height=height,
                          control_id=control.id, size_hint_x=None, width=width)
        key.font_name = self._key_font(face)
        key.padding = [KEY_PAD_PX, KEY_PAD_PX]  # one letter, centred: little padding needed
        key.line_height = 1.0
        key.bind(on_release=lambda b: self.touched(b.control_id))
        self.widgets[control.id] = key
        self.visual_order.append(control.id)
        return key

    def _type_key(self, value: str) -> None:
        """A key of the on-screen keyboard was chosen."""
        language = self.screen_model.language if self.screen_model else self.session.language
        if value == "page":
            self._keyboard_page = (self._keyboard_page + 1) % max(1, self._keyboard_pages)
            if self.screen_model:
                self.render(self.screen_model)
                first = self.focus_order[0] if self.focus_order else ""
                self.speak(self.session.translate(language, N_("Letters from {letter}")).format(
                    letter=self._control(first).label if first else ""), language)
            return
        if value == "close":
            self._keyboard_open = False
            self._composer.leave()
            if self.screen_model:
                self.render(self.screen_model)
                self.speak_screen(self.screen_model)
            return
        self._edit_draft(value)

    def _edit_draft(self, value: str) -> None:
        screen = self.screen_model
        if screen is None or screen.name != "typing":
            return
        draft = screen.draft
        if value == "backspace":
            draft = self._composer.erase(draft)
            self.speak(self.session.translate(screen.language, N_("Delete")), screen.language)
        elif value in ("space", " "):  # the on-screen key, or the space bar: said, not silent
            self._composer.leave()
            draft += " "
            self.speak(self.session.translate(screen.language, N_("Space")), screen.language)
        elif hangul.is_key(value):
            # Said as it now stands: 가, then 간, then 가나 (a letter alone by its name).
            draft = self._composer.type(draft, value)
            self.speak(hangul.spoken(draft), "ko")
        else:
            draft = self._composer.type(draft, value)
            self.speak(value, screen.language)
        self.perform(self.session.set_draft(draft))
        self.screen_model = screen.with_draft(draft)
        field = self.widgets.get("answer")
        if isinstance(field, TextField):
            field.plain = draft
            field.text = draft if self._keyboard_open else self._unbroken(draft, 2 * self.gap_px)
            if field.parent == self.root.content:
                # In large print the question can fill the screen: what is typed is brought
                # into view as it is typed, so it can be read (after the field has grown).
                Clock.schedule_once(lambda dt: self.root.scroller.scroll_to(
                    field, padding=self.gap_px, animate=False), 0)
        self.trace("draft", text=draft)

    def _open_keyboard(self, screen: Screen) -> None:
        self._keyboard_open = True
        self._composer.leave()  # what is already written is left whole
        self.render(screen)
        language = screen.language
        self.speak(self.session.translate(language, N_(
            "Keyboard. Arrows or Tab move between the keys, Enter types the key. Close the "
            "keyboard to go back to your answer.")), language)
        self._announce_focus()
