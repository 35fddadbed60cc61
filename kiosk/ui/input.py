"""Focus, keys and touches: what a person does becomes a control id for the core.

Nothing is chosen that a person who cannot see the screen has not heard: a key chooses only a
control whose name was said since its screen appeared (see InputMixin.choose_by_key).
"""

from __future__ import annotations

import math
import time
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.core.pack import N_
from kiosk.core.screens import Screen, describe_control
from kiosk.ui.base import ShellBase

# Kivy's codes for Shift, Ctrl, Alt, Meta, Super, AltGr, Num Lock, Caps Lock and Scroll Lock.
MODIFIER_KEYS = frozenset({300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313})


class InputMixin(ShellBase):
    """Focus, keys and touches (part of KioskApp)."""

    def _current_focus(self) -> str | None:
        if 0 <= self.focus_index < len(self.focus_order):
            return self.focus_order[self.focus_index]
        return None

    def _set_focus(self, index: int, announce: bool = True, scroll: bool = True) -> None:
        for widget in self.widgets.values():
            if hasattr(widget, "focused"):
                widget.focused = False
        if not self.focus_order:
            return
        self.focus_index = index % len(self.focus_order)
        control_id = self.focus_order[self.focus_index]
        widget = self.widgets[control_id]
        widget.focused = True
        if scroll and widget.parent == self.root.content:
            # After the layout has placed it: right after a render its position is not known.
            Clock.schedule_once(lambda dt: self.root.scroller.scroll_to(
                widget, padding=self.gap_px, animate=False), 0)
        if announce:
            self._announce(control_id)

    def _announce(self, control_id: str, queued: bool = False, hint: str = "") -> None:
        """Say a control's name, role and state: its name in its own language (a language's
        name in that language's voice), the rest in the screen's. Said on a person's own move,
        the name counts as heard at once; said by itself after a screen's speech (`queued`), only
        once it has been said to the end."""
        if self.screen_model is None:
            return
        control = self._control(control_id)
        language = self.screen_model.language

        def translate(message: str) -> str:
            return self.session.translate(language, message)

        def heard(completed: bool) -> None:
            if completed:
                Clock.schedule_once(lambda dt: self._heard(control_id, screen))

        screen = self.screen_model
        own = control.label_language
        if own and own != language:
            state = describe_control(control, translate).removeprefix(control.label + ", ")
            self.speak(control.label, own, queued=queued)
            self.speak(" ".join(p for p in [state + ".", hint] if p), language, queued=True,
                       on_done=heard if queued else None)
            text = f"{control.label}, {state}"
        else:
            text = describe_control(control, translate)
            self.speak(" ".join(p for p in [text + ("." if hint else ""), hint] if p), language,
                       queued=queued, on_done=heard if queued else None)
        if not queued:
            self.named.add(control_id)
        self.trace("focus", control=control_id, text=text, queued=queued)

    def _heard(self, control_id: str, screen: Screen) -> None:
        if screen is self.screen_model or (self.screen_model is not None
                                           and self.screen_model.name == screen.name
                                           and self.screen_model.question_id
                                           == screen.question_id):
            self.named.add(control_id)
            self.trace("heard-name", control=control_id)

    def _announce_focus(self) -> None:
        """Say which control has focus once the screen's speech is over (a new screen's first
        control is never focused in silence)."""
        focused = self._current_focus()
        if focused is not None:
            self._announce(focused, queued=True)

    def move_focus(self, step: int) -> None:
        """Move focus forwards or backwards in visual order, wrapping: never trapped."""
        if self.focus_order:
            start = self.focus_index if self.focus_index >= 0 else (-1 if step > 0 else 0)
            self._set_focus(start + step)

    def touched(self, control_id: str) -> None:
        """A control was touched; with touch-to-explore the first touch only speaks it.

        Without it, a touch chooses what is under the finger (shown in large print), and what
        was chosen is said in full ("Saved: ...") before the next screen speaks."""
        now = time.monotonic()
        # One touch seen by two input providers arrives twice (kivy #3801): take it once.
        # Only touches: quick repeated key presses are all meant.
        if self.last_touch[0] == control_id and now - self.last_touch[1] < 0.25:
            return
        self.last_touch = (control_id, now)
        self.voice.stop()
        # Behind the screen curtain nobody sees what a touch lands on: it is explored first.
        exploring = self.settings.touch_to_explore or self.settings.curtain
        if exploring and self.explored != control_id \
                and control_id in self.focus_order:
            self.explored = control_id
            self._set_focus(self.focus_order.index(control_id))
            return
        self.explored = None
        self.activate(control_id)

    def choose_by_key(self, control_id: str) -> None:
        """Enter or Space on a control: chosen only if its name has been said since its screen
        appeared; otherwise it is said first, and the next Enter chooses it. Nothing is ever
        chosen that a person who cannot see the screen has not heard."""
        exempt = control_id.startswith("key:") or control_id == "start"
        if exempt or control_id in self.named:
            self.activate(control_id)
            return
        language = self.screen_model.language if self.screen_model else self.session.language
        self.trace("unheard", control=control_id)
        self._announce(control_id, hint=self.session.translate(
            language, N_("Press Enter again to choose it.")))

    def activate(self, control_id: str) -> None:
        """Activate a control by id, as a touch, a key or a rehearsal does."""
        self.voice.stop()
        self.trace("press", control=control_id)
        if control_id.startswith("key:"):
            self._type_key(control_id.removeprefix("key:"))
            return
        if control_id == "keyboard" and self.screen_model is not None:
            self._open_keyboard(self.screen_model)
            return
        if self.listener and control_id == "done" and self.screen_model \
                and self.screen_model.name == "listening":
            self.listener.finish()
            return
        self.perform(self.session.press(control_id))

    def on_any_input(self) -> bool:
        """Every touch and key: stop speech, dismiss the idle warning. True if it was consumed."""
        self.voice.stop()
        actions = self.session.activity()
        if actions:
            self.perform(actions)
            return True
        self._restart_idle()
        return False

    def _on_key_down(self, window: Any, key: int, scancode: int, codepoint: str | None,
                     modifiers: list[str]) -> bool:
        if self.staff_open:
            return False
        if key in MODIFIER_KEYS:
            # Shift, Ctrl, Alt, Caps Lock alone never choose, start or stop anything; like any
            # key, they only carry on past the "Are you still there?" warning.
            if self.session.overlay == "idle":
                self.on_any_input()
            return True
        if self.on_any_input():
            return True
        screen = self.screen_model
        if screen is None:
            return False
        typing = screen.name == "typing"
        if {"ctrl", "alt"} <= set(modifiers) and codepoint == "s":
            self.open_staff()
            return True
        focused = self._current_focus()
        if key == 9:  # Tab, Shift+Tab
            self.move_focus(-1 if "shift" in modifiers else 1)
        elif key in (274, 275):  # down, right
            self.move_focus(1)
        elif key in (273, 276):  # up, left
            self.move_focus(-1)
        elif key in (13, 271) or (key == 32 and not typing):  # Enter, Space
            if typing and not self._keyboard_open and focused in (None, "answer"):
                self.activate("done")  # nothing is kept yet: the next screen reads it back
            else:
                self.choose_by_key(focused or "start")
        elif key == 27 or (key == 8 and not typing):  # Escape, or Backspace when not typing
            if self._keyboard_open:
                self.activate("key:close")
            else:
                self.activate("back") if screen.has("back") else self.activate("close")
        elif key == 8:
            self._edit_draft("backspace")
        elif key == 282:  # F1
            self.activate("help")
        elif key in (269, 270) and typing:
            return False  # keypad + and - type themselves while typing, like the others
        elif key == 270:  # keypad +
            self.perform(self.session.change_volume(+1))
        elif key == 269:  # keypad -
            self.perform(self.session.change_volume(-1))
        elif key in (280, 281):  # Page Up, Page Down
            self.page(-1 if key == 280 else 1)
        elif codepoint and codepoint.isprintable() and key < 256:
            return False  # a character: on_textinput receives it, with the keyboard layout
        elif screen.name == "welcome":
            self.activate("start")  # any other key (not a modifier) starts
        else:
            return False
        return True

    def page(self, step: int) -> None:
        """Scroll by a screenful of whole lines (less one, so the reader keeps their place)."""
        scroller = self.root.scroller
        hidden = self.root.content.height - scroller.height
        if hidden <= 0:
            return
        line = self.font_px * 1.3
        distance = max(line, (scroller.height // line - 1) * line)
        scroller.scroll_y = min(1.0, max(0.0, scroller.scroll_y - step * distance / hidden))

    def _on_text_input(self, window: Any, text: str) -> None:
        """Typed characters: the answer while typing (+ and - too), else ? for help and + -
        for volume."""
        screen = self.screen_model
        if self.staff_open or screen is None or not text.isprintable():
            return
        if screen.name == "typing":
            self._edit_draft(text)
        elif text == "?":
            self.activate("help")
        elif text in "123456789" and screen.name == "question":
            self._focus_choice(int(text))
        elif text == "+":
            self.perform(self.session.change_volume(+1))
        elif text == "-":
            self.perform(self.session.change_volume(-1))
        elif screen.name == "welcome":
            self.activate("start")

    def _focus_choice(self, number: int) -> None:
        """A digit on a question ("Choose a number from 1 to 5"): focus goes to that choice
        and says it; Enter then chooses it, as any control whose name was heard."""
        for index, control_id in enumerate(self.focus_order):
            control = self._control(control_id)
            if control.role in ("choice", "checkbox") and control.position is not None \
                    and control.position[0] == number:
                self._set_focus(index)
                return

    def on_touch_anywhere(self, touch: Any) -> bool:
        """Called by the root for every touch before its children see it."""
        if self.staff_open:
            return False
        if self.on_any_input():
            return True
        screen = self.screen_model
        if screen and screen.name == "welcome":
            on_control = any(w.collide_point(*w.to_widget(*touch.pos))
                             for w in self.widgets.values())
            # Decided on release: a drag scrolls the screen, only a tap starts.
            touch.ud["welcome_tap"] = not on_control
        # A long press on the top left corner opens staff mode.
        corner = self.metrics.target
        if touch.pos[0] < corner and touch.pos[1] > Window.height - corner:
            self._long_press = Clock.schedule_once(lambda dt: self.open_staff(), 3.0)
        return False

    def on_touch_released(self, touch: Any) -> None:
        """Called by the root when a touch ends."""
        if self._long_press is not None:
            self._long_press.cancel()
            self._long_press = None
        moved = math.dist(touch.opos, touch.pos)
        if touch.ud.get("welcome_tap") and moved < 20 and self.screen_model \
                and self.screen_model.name == "welcome":
            self.activate("start")
