"""Staff mode: behind a long press on the top left corner (or Ctrl+Alt+S) and a PIN.

Staff choose the question pack, make or change one ("Questions", kiosk.ui.authoring), name the
session (event and venue), see how many contributions there are, and can leave kiosk mode. The
PIN is checked by kiosk.staff.settings (hashed, with lockout).

Staff who run sessions may be blind or partially sighted themselves, so staff screens follow the
participant's rules: text and labels at the body size (wrapping and scrolling, never shrunk), the
theme's colours only, every control reachable by keys (Tab, Shift+Tab and arrows move in visual
order and wrap; Enter or Space chooses; Escape goes back; digits typed on a keyboard enter the
PIN), and every screen, focus move and message spoken. The PIN itself is never spoken or shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.effects.scroll import ScrollEffect
from kivy.lang import Builder
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput
from kivy.uix.widget import Widget

from kiosk.core.hangul import has_hangul
from kiosk.core.pack import PackError, QuestionPack, default_pack_path, load_pack
from kiosk.staff.packs import available_packs
from kiosk.staff.settings import MAX_FAILURES, NO_PIN, PIN_INVALID, StaffSettings
from kiosk.ui.app import KioskApp
from kiosk.ui.authoring import PackEditor
from kiosk.ui.staff_forms import StaffForms
from kiosk.ui.staff_lock import StaffLock
from kiosk.ui.stick import StickPacks
from kiosk.ui.widgets import KioskButton, TextBlock, TextField

LANGUAGE = "en"  # staff texts are English (the speech language is the session's, see _say)
PIN_DIGITS = "0123456789"
MAX_PIN_LENGTH = 12

# Kivy key codes.
TAB, ENTER, KEYPAD_ENTER, ESCAPE, BACKSPACE, SPACE = 9, 13, 271, 27, 8, 32
UP, DOWN, RIGHT, LEFT, PAGE_UP, PAGE_DOWN = 273, 274, 275, 276, 280, 281
# Shift, Ctrl, Alt, AltGr, Super, Caps Lock, Num Lock...: alone, they never act.
MODIFIER_KEYS = set(range(300, 315))

Builder.load_string("""
<StaffField>:
    font_name: app.font_name
    foreground_color: app.fg
    background_color: app.control_bg
    background_normal: ""
    background_active: ""
    cursor_color: app.fg
    cursor_width: max(2, app.outline_px / 2)
    selection_color: app.fg[:3] + [0.4]
    padding: app.gap_px, app.gap_px
    size_hint_y: None
    height: max(app.target_px, self.minimum_height)
    canvas.after:
        Color:
            rgba: app.fg
        Line:
            rectangle: (self.x + 1.5, self.y + 1.5, self.width - 3, self.height - 3)
            width: 1.5
        Color:
            rgba: app.focus_colour if self.focus else (0, 0, 0, 0)
        Line:
            rectangle: (self.x + 3, self.y + 3, self.width - 6, self.height - 6)
            width: app.outline_px / 2

<StaffMore>:
    # Its own lane under the scrolling part, as on participant screens: the screen goes on
    # below, so a control pushed down by a message (Leave kiosk mode) is never lost unseen.
    font_name: app.font_name
    bold: True
    color: app.bg
    halign: "right"
    valign: "middle"
    padding: app.gap_px, 0
    text_size: self.size
    size_hint_y: None
    height: 0
    canvas.before:
        Color:
            rgba: app.fg if self.height else (0, 0, 0, 0)
        Rectangle:
            pos: self.pos
            size: self.size
""")


class StaffField(TextInput):
    """A staff form's text field in the theme's colours, outlined, wrapping its text.

    Tab, Enter, Escape, Up and Down belong to staff mode's focus order, never to the field:
    Tab leaves it rather than typing a tab, Enter moves on rather than adding a line."""

    LEFT_TO_STAFF_MODE = {TAB, ENTER, KEYPAD_ENTER, ESCAPE, UP, DOWN}

    def keyboard_on_key_down(self, window: Any, keycode: tuple[int, str], text: str | None,
                             modifiers: list[str]) -> bool:
        if keycode[0] in self.LEFT_TO_STAFF_MODE:
            return False
        return bool(super().keyboard_on_key_down(window, keycode, text, modifiers))

    def insert_text(self, substring: str, from_undo: bool = False) -> Any:
        # Multi-line only so that long text (a path, a hub's address) wraps: never a new line.
        return super().insert_text(substring.replace("\n", " ").replace("\r", ""), from_undo)


class StaffMore(Label):
    """"▼ More" under a staff screen taller than the window, while some of it is below."""


@dataclass
class Control:
    """One control of a staff screen, in focus order: its name and role are what is spoken."""

    widget: Widget
    name: str
    role: str  # "button", "text field", "password field", "PIN field"
    action: Callable[[], None] | None = None


class StaffMode(ModalView):
    """A full-screen panel over the kiosk; the participant's session is ended first."""

    def __init__(self, app: KioskApp, data_dir: Path, **kwargs: Any):
        super().__init__(auto_dismiss=False, background_color=app.bg, background="",
                         **kwargs)
        self.app = app
        self.data_dir = data_dir
        self.settings = StaffSettings(data_dir)
        self.editor = PackEditor(self)  # the "Questions" screens
        self.stick = StickPacks(self)  # the "Packs on a stick" screens
        self.forms = StaffForms(self)  # Name the session, Withdraw by code, Sync
        self._previewing = False  # hidden while staff preview a pack in the participant's screens
        self.lock = StaffLock(self)  # locks itself when nobody uses it
        self.pin = ""
        self.screen = ""
        self.generation = 0  # which screen is shown: a late trace of an older one is dropped
        self.controls: list[Control] = []
        self.focus_index = -1
        self.pin_field: TextField | None = None
        self.back: Callable[[], None] | None = None
        self._keys_bound = False
        self._layout_event: Any = None
        self._following = False  # whether the focused control is kept in view
        # Scrolls when a screen is taller than the window (it usually is, in large print); the
        # focused control is always scrolled into view. No flinging, as on participant screens.
        self.box = BoxLayout(orientation="vertical", size_hint_y=None,
                             padding=(app.gap_px, app.gap_px, app.gap_px * 2, app.gap_px),
                             spacing=app.gap_px)
        self.box.bind(minimum_height=self.box.setter("height"))
        # The focused control is scrolled into view once laid out, and again whenever the
        # screen's height changes (wrapped text finds its height a frame or two later; a field
        # grows as text is typed). A person's own scrolling changes no height: it is left alone.
        self._follow_focus = Clock.create_trigger(lambda dt: self._scroll_to_focus(), 0.05)
        self.box.bind(height=lambda *_: self._follow_focus())
        self.scroller = ScrollView(do_scroll_x=False, effect_cls=ScrollEffect,
                                   bar_width=app.gap_px, bar_color=app.fg,
                                   bar_inactive_color=app.fg,
                                   scroll_type=["bars", "content"])
        self.scroller.add_widget(self.box)
        self.scroller.bind(scroll_y=lambda *_: self._layout_changed())
        # "▼ More" in a lane of its own below the scrolling part, whenever some of the screen
        # is below the window: after a message the last control may be (on 800x480 it is).
        self.more_lane = StaffMore(font_size=self.font_px)
        frame = BoxLayout(orientation="vertical")
        frame.add_widget(self.scroller)
        frame.add_widget(self.more_lane)
        self.add_widget(frame)
        self._frame = frame
        for widget, name in ((self.scroller, "scroll_y"), (self.scroller, "height"),
                             (self.box, "height"), (frame, "height")):
            widget.bind(**{name: lambda *_: self._update_more()})
        self.show_pin()

    # Sizes ---------------------------------------------------------------------------------------

    @property
    def font_px(self) -> float:
        """The participant's body text size, never below the default size."""
        return float(max(self.app.font_px, self.app.metrics.text(1.0)))

    # Keys ----------------------------------------------------------------------------------------

    def on_pre_open(self) -> None:
        if not self._keys_bound:
            Window.bind(on_key_down=self._on_key_down, on_textinput=self._on_text_input)
            self._keys_bound = True
        self.lock.keep_unlocked()

    def on_dismiss(self) -> None:
        self.lock.cancel()
        if self._keys_bound:
            Window.unbind(on_key_down=self._on_key_down, on_textinput=self._on_text_input)
            self._keys_bound = False
        for control in self.controls:
            if isinstance(control.widget, TextInput):
                control.widget.focus = False
        # (Not Window.release_all_keyboards(): with SDL2 it stops text input for the whole
        # window, and typed PIN digits and answers would no longer arrive.)
        self.editor.cancel_recording()
        if self._previewing:
            # Hidden, not closed: the participant's screens take the keys and touches until
            # the preview ends, and staff come back to where they were, PIN already given.
            self.app.staff_open = False
            return
        self.app.trace("staff-closed")
        self.app.staff_closed()

    def _focused_field(self) -> StaffField | None:
        control = self._focused()
        return control.widget if control and isinstance(control.widget, StaffField) else None

    def _on_key_down(self, window: Any, key: int, scancode: int, codepoint: str | None,
                     modifiers: list[str]) -> bool:
        self.lock.keep_unlocked()  # any key, even a modifier, is staff still there
        if key in MODIFIER_KEYS:
            return False  # modifier keys alone never act
        held = set(modifiers) - {"capslock", "numlock"}
        if held & {"ctrl", "alt", "meta", "super"}:
            return False  # shortcuts in a field (Ctrl+A...) are the field's
        self.app.voice.stop()  # any key stops speech at once
        field = self._focused_field()
        if key == TAB:
            self.move_focus(-1 if "shift" in held else 1)
        elif key in (UP, DOWN) or (key in (LEFT, RIGHT) and field is None):
            self.move_focus(1 if key in (DOWN, RIGHT) else -1)
        elif key in (ENTER, KEYPAD_ENTER) and field is not None:
            self.move_focus(1)  # Enter leaves a field for the next control, and says it
        elif key in (ENTER, KEYPAD_ENTER) or (key == SPACE and field is None):
            self.activate()
        elif key == ESCAPE:
            self.go_back()
        elif key == BACKSPACE and field is None:
            if self.screen == "pin":
                self._digit("")
            else:
                self.go_back()
        elif key in (PAGE_UP, PAGE_DOWN) and field is None:
            step = 0.3 if key == PAGE_UP else -0.3
            self.scroller.scroll_y = max(0.0, min(1.0, self.scroller.scroll_y + step))
        else:
            return False  # characters arrive through on_textinput; other keys do nothing
        return True

    def _on_text_input(self, window: Any, text: str) -> bool:
        if self.screen == "pin":
            for character in text:
                if character in PIN_DIGITS:
                    self._digit(character, typed=True)
            return True
        field = self._focused_field()
        if field is not None and not field.password and text.isprintable():
            # Echo what is typed, as a screen reader does ("space" for a space).
            self._say("space" if text == " " else text)
        return False  # the focused field (if any) receives it

    def on_touch_down(self, touch: Any) -> bool:
        self.app.voice.stop()  # any touch stops speech at once
        self.lock.keep_unlocked()
        return bool(super().on_touch_down(touch))

    # Focus ---------------------------------------------------------------------------------------

    def _focused(self) -> Control | None:
        if 0 <= self.focus_index < len(self.controls):
            return self.controls[self.focus_index]
        return None

    def describe(self, control: Control) -> str:
        """What is spoken on focus: name, role and state. A PIN or password is never spoken."""
        widget = control.widget
        if control.role == "PIN field":
            count = len(self.pin)
            state = "no digits typed" if not count else \
                f"{count} digit{'s' if count > 1 else ''} typed"
            return f"{control.name}, text field, {state}"
        if control.role == "password field" and isinstance(widget, TextInput):
            count = len(widget.text)
            state = "empty" if not count else f"{count} character{'s' if count > 1 else ''} typed"
            return f"{control.name}, password field, {state}"
        if isinstance(widget, TextInput):
            return f"{control.name}, {control.role}, {widget.text.strip() or 'empty'}"
        return f"{control.name}, {control.role}"

    def set_focus(self, index: int, announce: bool = True, scroll: bool = True) -> str:
        """Focus a control (outlined, scrolled into view); say it. Returns what describes it."""
        if not self.controls:
            return ""
        self.focus_index = index % len(self.controls)
        chosen = self.controls[self.focus_index]
        for control in self.controls:
            if control is not chosen:
                if isinstance(control.widget, TextInput):
                    control.widget.focus = False
                elif hasattr(control.widget, "focused"):
                    control.widget.focused = False
        if isinstance(chosen.widget, TextInput):
            chosen.widget.focus = True  # Kivy focus: typed text goes into it
        elif hasattr(chosen.widget, "focused"):
            chosen.widget.focused = True
        if scroll:
            self._following = True
            self._follow_focus()
        text = self.describe(chosen)
        if announce:
            self._say(text)
            self.app.trace("staff-focus", control=chosen.name, text=text)
        return text

    @property
    def more_below(self) -> bool:
        """Whether some of the screen is hidden below the visible part."""
        hidden = (self.box.height - self.scroller.height) * self.scroller.scroll_y
        return hidden > 4

    def _update_more(self) -> None:
        """Open the lane while the screen is taller than the room it has without the lane (so
        the lane never keeps itself open), and say "More" in it while some is below."""
        taller = self.box.height > self._frame.height + 4
        wanted = self.font_px * 1.3 if taller else 0
        if self.more_lane.height != wanted:
            self.more_lane.height = wanted
        self.more_lane.text = "▼ More" if taller and self.more_below else ""

    def _scroll_to_focus(self) -> None:
        """Scroll the focused control into view (as little as needed)."""
        focused = self._focused()
        if self._following and focused is not None and self.box.height > self.scroller.height:
            self.scroller.scroll_to(focused.widget, padding=self.app.gap_px, animate=False)

    def move_focus(self, step: int) -> None:
        """Forwards or backwards in visual order, wrapping: focus is never trapped."""
        if self.controls:
            start = self.focus_index if self.focus_index >= 0 else (-1 if step > 0 else 0)
            self.set_focus(start + step)

    def activate(self) -> None:
        """Choose the focused control (the PIN field's action checks the PIN)."""
        control = self._focused()
        if control is None:
            self.move_focus(1)
        elif control.action is not None:
            self.app.trace("staff-press", control=control.name)
            control.action()

    def go_back(self) -> None:
        """Escape: back to the staff menu, or out of staff mode from the PIN and the menu."""
        if self.back is not None:
            self.back()
        else:
            self._say("Syncing. Please wait.")

    def _field_focused(self, field: StaffField, focused: bool) -> None:
        """A field touched: it becomes the focused control, and is said."""
        if not focused:
            return
        index = next((i for i, c in enumerate(self.controls) if c.widget is field), -1)
        if index >= 0 and index != self.focus_index:
            self.app.voice.stop()
            self.set_focus(index)

    # Building screens ----------------------------------------------------------------------------

    def _begin(self, name: str, back: Callable[[], None] | None) -> None:
        for control in self.controls:
            if isinstance(control.widget, TextInput):
                control.widget.focus = False
        self.box.clear_widgets()
        self.controls = []
        self.focus_index = -1
        self.pin_field = None
        self.screen = name
        self.back = back
        self.generation += 1
        # A new screen starts at its top, so its title and message are seen first (as on the
        # participant's screens); the first focus move scrolls to the focused control.
        self._following = False
        self.scroller.scroll_y = 1

    def _text(self, text: str, bold: bool = False) -> TextBlock:
        block = TextBlock(text=text, font_size=self.font_px, bold=bold)
        self.fit_font(block, text)
        self.box.add_widget(block)
        return block

    def fit_font(self, widget: Widget, text: str) -> None:
        """Draw Korean text in the Korean font: a Korean group's pack in the Latin font would
        show empty boxes."""
        korean = self.app._korean_font
        if korean and has_hangul(text):
            widget.font_name = korean

    def _button(self, label: str, action: Callable[[], None],
                parent: Widget | None = None) -> KioskButton:
        button = KioskButton(text=label, font_size=self.font_px, wide=parent is None,
                             min_height=self.app.metrics.target)
        self.fit_font(button, label)
        button.bind(on_release=lambda b: self._touched(action))
        self.controls.append(Control(button, label, "button", action))
        (parent or self.box).add_widget(button)
        return button

    def _touched(self, action: Callable[[], None]) -> None:
        self.app.voice.stop()
        action()

    def _field(self, label: str, text: str = "", password: bool = False) -> StaffField:
        """A text field with its label shown above it (no hint text: hints are faint)."""
        self._text(label)
        field = StaffField(text=text, font_size=self.font_px, multiline=not password,
                           do_wrap=True, password=password, write_tab=False)
        field.bind(focus=self._field_focused)
        self.controls.append(Control(field, label,
                                     "password field" if password else "text field"))
        self.box.add_widget(field)
        return field

    def _grid(self, cols: int) -> GridLayout:
        grid = GridLayout(cols=cols, spacing=self.app.gap_px, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        self.box.add_widget(grid)
        return grid

    def _show(self, name: str, title: str, message: str = "", said: str = "",
              focus: int | None = 0, speak: bool = True) -> None:
        """Say the screen (title, message, what else it says, then the control with focus),
        and trace it once it is laid out, with a screenshot when the kiosk keeps them."""
        # A question keeps its question mark; anything else ends as a sentence.
        parts = [title if title.endswith("?") else title.rstrip(".…") + ".", message, said]
        if focus is not None and self.controls:
            parts.append(self.set_focus(focus, announce=False, scroll=False))
        spoken = " ".join(p.strip() for p in parts if p.strip())
        if speak:  # else the caller says it (and waits for the end, as before recording)
            self._say(spoken)
        focused = self._focused()
        if focused is not None:
            self.app.trace("staff-focus", control=focused.name, text=self.describe(focused))
        generation = self.generation

        def trace(dt: float) -> None:
            if generation != self.generation:
                return  # another screen is shown already
            screenshots = self.app.options.screenshots
            if screenshots:
                self.app.shots = getattr(self.app, "shots", 0) + 1
                self.app.save_screenshot(screenshots / f"{self.app.shots:02d}-staff-{name}.png")
            labels = [w for w in self.box.walk(restrict=True) if isinstance(w, Label | TextInput)]
            self.app.trace(
                "staff-screen", name=name, title=title, message=message, spoken=spoken,
                text="\n".join(w.text for w in self.box.walk(restrict=True)
                               if isinstance(w, TextBlock)),
                controls=self._control_boxes(), order=[c.name for c in self.controls],
                sizes={c.name: [round(c.widget.width), round(c.widget.height)]
                       for c in self.controls},
                focus=focused.name if focused else None,
                font_px=self.font_px, fonts=sorted({float(w.font_size) for w in labels}),
                target=self.app.metrics.target, clipped=self._clipped(labels),
                more=self.more_lane.text, window=[int(Window.width), int(Window.height)])
        Clock.schedule_once(lambda dt: self._reveal_cut_off(generation), 0.15)
        Clock.schedule_once(trace, 0.3)

    def _reveal_cut_off(self, generation: int) -> None:
        """Once laid out: a focused control cut off at the bottom (by the "More" lane, say) is
        scrolled up just enough to be whole; one wholly below stays there, as the message and
        title above it come first and "▼ More" says there is more."""
        focused = self._focused()
        if generation != self.generation or focused is None or self._following:
            return
        widget = focused.widget
        low = self.scroller.to_window(self.scroller.x, self.scroller.y)[1]
        high = low + self.scroller.height
        bottom = widget.to_window(widget.x, widget.y)[1]
        if bottom < low - 1 and bottom + widget.height > low + 1 and bottom < high:
            self.scroller.scroll_to(widget, padding=self.app.gap_px, animate=False)

    def _control_boxes(self) -> dict[str, list[int]]:
        """Controls wholly visible now, by name: [x, y from the top, width, height] in window
        pixels, as a tester touches them (those scrolled out of view are left out)."""
        low = self.scroller.to_window(self.scroller.x, self.scroller.y)[1]
        high = low + self.scroller.height
        boxes = {}
        for control in self.controls:
            widget = control.widget
            x, y = widget.to_window(widget.x, widget.y)
            if y >= low - 1 and y + widget.height <= high + 1:
                top = Window.height - (y + widget.height)
                boxes[control.name] = [round(x), round(top), round(widget.width),
                                       round(widget.height)]
        return boxes

    @staticmethod
    def _clipped(labels: list[Widget]) -> list[str]:
        """Texts wider than their box: should always be none."""
        return [w.text for w in labels if isinstance(w, Label) and w.text.strip()
                and w.texture_size[0] > w.width + 1]

    def _layout_changed(self) -> None:
        """After scrolling, trace where the controls are now (once the scrolling stops)."""
        if self._layout_event is not None:
            self._layout_event.cancel()
        self._layout_event = Clock.schedule_once(lambda dt: self.app.trace(
            "staff-layout", name=self.screen, controls=self._control_boxes(),
            more=self.more_lane.text), 0.3)

    def _say(self, text: str) -> None:
        if self.editor.recording:
            return  # the microphone is open: the kiosk's voice must not be in the take
        # Korean words (a Korean pack's texts, its letters' names) in the Korean voice.
        language = "ko" if has_hangul(text) else self.app.session.language
        self.app.speak(text, language)

    # The PIN -------------------------------------------------------------------------------------

    def show_pin(self, message: str = "") -> None:
        """The PIN field and keypad, or why staff mode cannot open now."""
        self.pin = ""
        status = self.settings.pin_status()
        if status == NO_PIN:
            self._begin("no-pin", self.dismiss)
            title = "Staff mode: no PIN is set on this kiosk."
            self._text(title, bold=True)
            self._text("Set one with the command: kiosk staff-pin")
            self._button("Back to the kiosk", self.dismiss)
            self._show("no-pin", title, said="Set one with the command: kiosk staff-pin.")
            return
        if status == PIN_INVALID:
            # The count of wrong PINs (or the PIN) was edited in staff.json: closed until staff
            # with shell access set the PIN again.
            self._begin("pin-invalid", self.dismiss)
            title = "Staff mode: the PIN was changed outside the kiosk."
            self._text(title, bold=True)
            self._text("Set it again with the command: kiosk staff-pin")
            self._button("Back to the kiosk", self.dismiss)
            self._show("pin-invalid", title, said="Set it again with the command: kiosk staff-pin.")
            return
        locked = self.settings.seconds_locked()
        if locked:
            self._begin("locked", self.dismiss)
            title = "Staff mode is locked."
            minutes = locked // 60 + 1
            why = (f"Staff mode is locked for {minutes} minute{'s' if minutes > 1 else ''} "
                   "after too many wrong PINs.")
            message = f"{message} {why}".strip()
            self._text(title, bold=True)
            self._text(message)
            self._button("Back to the kiosk", self.dismiss)
            self._show("locked", title, message)
            return
        self._begin("pin", self.dismiss)
        title = "Staff PIN"
        how = "Type the PIN, then press Enter or OK."
        self._text(title, bold=True)
        if message:
            self._text(message)
        self._text(how)
        self.pin_field = TextField(text="", font_size=self.font_px, control_id="pin")
        self.controls.append(Control(self.pin_field, "PIN", "PIN field", self._check))
        self.box.add_widget(self.pin_field)
        keys = self._grid(3)  # a telephone's layout
        for digit in "123456789":
            self._button(digit, partial(self._digit, digit), keys)
        self._button("Delete", lambda: self._digit(""), keys)
        self._button("0", lambda: self._digit("0"), keys)
        self._button("OK", self._check, keys)
        self._button("Cancel", self.dismiss)
        self._show("pin", title, message, how)

    def _digit(self, digit: str, typed: bool = False) -> None:
        """A digit typed or chosen (or "" to delete one); says how many, never which."""
        if digit and len(self.pin) >= MAX_PIN_LENGTH:
            self._say(f"A PIN has at most {MAX_PIN_LENGTH} digits.")
            return
        self.pin = self.pin + digit if digit else self.pin[:-1]
        if self.pin_field is not None:
            self.pin_field.text = "•" * len(self.pin)
        if typed and self.focus_index != 0 and self.controls \
                and self.controls[0].widget is self.pin_field:
            self.set_focus(0, announce=False)  # typed digits go to the PIN field
        count = len(self.pin)
        state = "no digits typed" if not count else \
            f"{count} digit{'s' if count > 1 else ''} typed"
        self._say(state if digit else f"Deleted, {state}")
        self.app.trace("staff-pin", digits=count)

    def _check(self) -> None:
        pin, self.pin = self.pin, ""
        if not pin:
            self.show_pin("No digits typed yet.")
        elif self.settings.check_pin(pin):
            (self.lock.unlocked() or self.show_menu)()
        else:
            left = MAX_FAILURES - self.settings.failures()
            self.show_pin(f"Wrong PIN. {left} tr{'ies' if left > 1 else 'y'} left."
                          if not self.settings.seconds_locked() else "Wrong PIN.")

    # The menu ------------------------------------------------------------------------------------

    def show_menu(self, message: str = "") -> None:
        """Counts, the active pack and event, and what staff can change."""
        self._begin("menu", self.dismiss)
        store = self.app.store
        counts = store.tally() if store is not None else None
        config = self.settings.load()
        pack = self.app.session.pack
        event = store.event(config.event_id) if store is not None and config.event_id else None
        lines = [
            f"Pack: {pack.title.get(pack.default_language)} ({pack.id}, version {pack.version})",
            f"Session: {event['name']}, {event['venue']}, {event['date']}" if event
            else "Session: not named",
            # In the words of every count (kiosk.store.tally): `kiosk sync`, the hub's status
            # page and `kiosk export` give the same figures for the same store.
            f"Contributions: {', '.join(counts.people())}; {', '.join(counts.answers())}"
            if counts else "Contributions: no store",
        ]
        title = "Staff menu"
        self._text(title, bold=True)
        if message:
            self._text(message)
        self._text("\n".join(lines))
        self._button("Next pack", self._next_pack)
        self._button("Questions", self.editor.show_packs)
        self._button("Packs on a stick", self.stick.show)
        self._button("Name the session", self.forms.show_event_form)
        self._button("Sync", self.forms.show_sync_form)
        self._button("Withdraw by code", self.forms.show_withdraw_form)
        self._button("Back to the kiosk", self.dismiss)
        self._button("Leave kiosk mode", self.app.stop)  # last: rarely wanted
        self._show("menu", title, message, " ".join(line + "." for line in lines))

    def preview(self, pack: QuestionPack, back: Callable[[str], None]) -> None:
        """Walk `pack` in the real participant's screens, keeping nothing (no participant, no
        answer, no code: see Session.preview_of); then `back` is shown again, told so."""
        self._previewing = True
        self.dismiss()

        def done(timed_out: bool) -> None:
            self._previewing = False
            if timed_out:
                # Nobody was there: the PIN is asked again (an unsaved pack kept for it), and
                # the kiosk goes back to participants.
                self.lock.keep_for_pin("The preview ended because nobody used it; nothing "
                                       "was kept.")
                self.app.trace("staff-locked", kept=self.app.kept_staff is self)
                self.app.trace("staff-closed")
                self.app.staff_closed()
                return
            self.app.staff_open = True
            self.open()
            back("The preview has ended; nothing was kept.")

        self.app.start_preview(self.app.session.preview_of(pack), done)

    def _next_pack(self) -> None:
        packs = available_packs(self.data_dir)
        current = Path(self.app.session.pack.source).resolve()
        index = next((i for i, p in enumerate(packs) if p.resolve() == current), -1)
        path = packs[(index + 1) % len(packs)]
        try:
            pack, _ = load_pack(path)
        except PackError as exc:
            self.show_menu(f"{path.name} cannot be used: {exc.problems[0].message}")
            return
        self.settings.choose_pack(None if path == default_pack_path() else path)
        self.app.replace_pack(pack)
        self.show_menu(f"Now using {path.name}.")


def open_staff_mode(app: KioskApp, data_dir: Path) -> None:
    """End any participant's session and open staff mode over the kiosk."""
    app.perform(app.session.end())
    app.staff_open = True
    kept, app.kept_staff = app.kept_staff, None
    if isinstance(kept, StaffMode) and kept.data_dir == data_dir:
        # Locked with an unsaved pack: the PIN leads back to it.
        kept.show_pin(kept.lock.note)
        kept.open()
        return
    StaffMode(app, data_dir).open()
