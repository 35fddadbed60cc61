"""The Kivy shell. It draws the screen the core hands it, forwards touches and keys as control ids,
and carries out the core's actions (save, withdraw, speak, listen). It decides nothing itself.

Import only after kiosk.ui.runtime.configure_kivy() has run.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.core.window import Window
from kivy.effects.scroll import ScrollEffect
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.core.pack import N_
from kiosk.core.screens import (
    NAV,
    TEXT_SIZE_FACTORS,
    TOP,
    Action,
    ApplySettings,
    BeginParticipant,
    Control,
    EndParticipant,
    Listen,
    SaveAnswer,
    Say,
    Screen,
    Settings,
    Show,
    StopListening,
    Withdraw,
    describe_control,
)
from kiosk.core.session import Session
from kiosk.ui.theme import FOCUS_OUTLINE_PX, THEMES, Metrics, metrics_for

KV_DIR = Path(__file__).parent
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/nanum")]
FONTS = {"latin": "DejaVuSans-Bold.ttf", "ko": "NanumGothicBold.ttf"}
# The on-screen keyboard: alphabetical (easier than QWERTY for people who do not type), nine keys
# a row so that keys stay large. Languages with more letters get a second page, swapped in by ⇄.
KEYBOARD_ROWS = ("abcdefghi", "jklmnopqr", "stuvwxyz'")
ACCENT_ROWS = {"gd": "àèìòùáéó-", "pl": "ąćęłńóśźż"}


class Voice(Protocol):
    """What the shell needs from speech output."""

    def say(self, text: str, language: str, rate: int, volume: int) -> None: ...

    def say_file(self, path: Path, volume: int) -> None: ...

    def stop(self) -> None: ...


class Listener(Protocol):
    """What the shell needs from speech recognition."""

    def listen(self, language: str, grammar: tuple[str, ...] | None,
               on_partial: Callable[[str], None],
               on_final: Callable[[str, bool], None]) -> None: ...

    def finish(self) -> None: ...

    def cancel(self) -> None: ...


class SilentVoice:
    """Speech output when no speech engine is available: the text is only traced."""

    def say(self, text: str, language: str, rate: int, volume: int) -> None:
        """Say nothing."""

    def say_file(self, path: Path, volume: int) -> None:
        """Play nothing."""

    def stop(self) -> None:
        """Nothing to stop."""


@dataclass
class ShellOptions:
    """How the shell runs."""

    screenshots: Path | None = None  # save one PNG of each screen shown, numbered, here
    trace: Path | None = None  # write a JSON line for each screen, speech and save, for tests
    screen_width_mm: float | None = None
    rehearsal: list[tuple[str, str]] | None = None  # scripted (event, argument) steps
    quit_after_rehearsal: bool = True
    # Written by the USB-stick sync (deploy/usb-sync.sh): shown on screen while it is fresh.
    status_file: Path | None = None


def find_font(file_name: str) -> str | None:
    """The path of a system font, or None."""
    for directory in FONT_DIRS:
        if (directory / file_name).exists():
            return str(directory / file_name)
    return None


def fit_font_size(text: str, font_name: str, largest: float, width: float, height: float) -> float:
    """The largest size up to `largest` at which `text` fits the box, wrapping between words."""
    size = largest
    while size > 12:
        words = text.split() or [" "]
        widest = max(_text_width(w, font_name, size) for w in words)
        whole = _text_width(text, font_name, size)
        lines = max(1, math.ceil(whole / max(1.0, width)))
        if widest <= width and lines * size * 1.25 <= height:
            return size
        size -= 2
    return size


def _text_width(text: str, font_name: str, size: float) -> float:
    label = CoreLabel(text=text, font_size=size, font_name=font_name)
    label.refresh()
    return float(label.content_width)


class KioskButton(ButtonBehavior, Label):
    """A large, bordered control. Selected state is shown inverted AND by a symbol."""

    control_id = StringProperty("")
    focused = BooleanProperty(False)
    selected = BooleanProperty(False)
    wide = BooleanProperty(True)
    min_height = NumericProperty(84)


class TextBlock(Label):
    """Wrapped, left-aligned large text that grows to its content's height."""


class TextField(Label):
    """The answer being typed, with a visible caret; the shell owns the text."""

    focused = BooleanProperty(False)
    control_id = StringProperty("answer")


class Bar(BoxLayout):
    """The top bar and the navigation bar: recurring controls, always in the same place."""


class KioskRoot(BoxLayout):
    """The whole window: top bar, scrolling content, navigation bar."""

    top_bar = ObjectProperty(None)
    scroller = ObjectProperty(None)
    content = ObjectProperty(None)
    nav_bar = ObjectProperty(None)

    def on_touch_down(self, touch: Any) -> bool:
        # Every touch first stops speech and dismisses the idle warning.
        if App.get_running_app().on_touch_anywhere(touch):
            return True
        return bool(super().on_touch_down(touch))

    def on_touch_up(self, touch: Any) -> bool:
        App.get_running_app().on_touch_released(touch)
        return bool(super().on_touch_up(touch))


class KioskApp(App):
    """The kiosk's window."""

    fg = ListProperty([1, 1, 0, 1])
    bg = ListProperty([0, 0, 0, 1])
    control_bg = ListProperty([0, 0, 0, 1])
    focus_colour = ListProperty([0, 1, 1, 1])
    font_px = NumericProperty(45)
    bar_font_px = NumericProperty(45)  # the default size: the bars never grow past it
    target_px = NumericProperty(84)
    gap_px = NumericProperty(13)
    outline_px = NumericProperty(FOCUS_OUTLINE_PX)
    font_name = StringProperty("Roboto")
    notice = StringProperty("")  # a message for staff over the screen, e.g. "safe to remove"
    more_text = StringProperty("More")  # the "more below" cue, in the screen's language

    def __init__(self, session: Session, store: Any = None, voice: Voice | None = None,
                 listener: Listener | None = None, options: ShellOptions | None = None,
                 on_staff: Callable[[KioskApp], None] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.title = "Kiosk"
        self.session = session
        self.store = store
        self.voice: Voice = voice or SilentVoice()
        self.listener = listener
        self.options = options or ShellOptions()
        self.on_staff = on_staff
        self.screen_model: Screen | None = None
        self.settings = Settings()
        self.metrics: Metrics = metrics_for(800, 480)
        self.widgets: dict[str, Widget] = {}
        self.focus_order: list[str] = []
        self.focus_index = -1
        self.explored: str | None = None
        self.shots = 0
        self.last_touch = ("", 0.0)
        self._idle_event: Any = None
        self._trace_file: Any = None
        self._pack_recorded = False
        self._steps = list(self.options.rehearsal or [])
        self._latin_font = find_font(FONTS["latin"]) or "Roboto"
        self._korean_font = find_font(FONTS["ko"])
        self._long_press: Any = None
        self.staff_open = False
        self._listen_id = 0
        self._notice_is_status = False
        self._keyboard_page = 0
        self._first_frame = True

    # Start-up ------------------------------------------------------------------------------------

    def build(self) -> KioskRoot:
        # Loaded by name: Kivy would also auto-load a "kiosk.kv" for KioskApp, applying rules twice.
        Builder.load_file(str(KV_DIR / "shell.kv"))
        root = KioskRoot()
        Window.bind(on_key_down=self._on_key_down, on_textinput=self._on_text_input)
        Window.bind(size=lambda *_: self._resize())
        if self.options.trace:
            self._trace_file = self.options.trace.open("a", encoding="utf-8")
            # After a scroll, say where the controls went, so a tester can touch them.
            layout = Clock.create_trigger(
                lambda dt: self.trace("layout", controls=self._control_boxes()), 0.3)
            root.scroller.bind(scroll_y=lambda *_: layout())
        return root

    def on_start(self) -> None:
        self._resize(redraw=False)
        self.perform(self.session.start())
        if self.options.status_file is not None:
            self._status_seen = 0.0
            Clock.schedule_interval(lambda dt: self._check_status(), 1.0)

    def _check_status(self) -> None:
        """Show the USB sync's status ("Safe to remove the stick") while it is recent."""
        path = self.options.status_file
        assert path is not None
        try:
            changed = path.stat().st_mtime
        except OSError:
            return
        if changed != self._status_seen:
            self._status_seen = changed
            try:
                status = json.loads(path.read_text(encoding="utf-8"))
                self.notice = str(status.get("message", ""))[:300]
                self._notice_is_status = True
            except (OSError, ValueError):
                return
            self.trace("notice", state=status.get("state"), message=self.notice)
            if self.options.screenshots:
                Clock.schedule_once(lambda dt: self.save_screenshot(
                    self.options.screenshots / f"{self.shots:02d}-notice.png"), 0.3)
        elif self.notice and self._notice_is_status and time.time() - changed > 120:
            self.notice = ""

    def on_stop(self) -> None:
        self.voice.stop()
        if self.listener:
            self.listener.cancel()
        if self._trace_file:
            self._trace_file.close()

    def _resize(self, redraw: bool = True) -> None:
        self.metrics = metrics_for(int(Window.width), int(Window.height),
                                   self.options.screen_width_mm)
        self.target_px = self.metrics.target
        self.gap_px = self.metrics.gap
        self.bar_font_px = self.metrics.text(1.0)
        self.font_px = self.metrics.text(TEXT_SIZE_FACTORS[self.settings.text_size])
        if redraw and self.screen_model:
            self.render(self.screen_model)

    # Carrying out the core's actions -------------------------------------------------------------

    def perform(self, actions: list[Action]) -> None:
        """Carry out the core's actions in order."""
        for action in actions:
            if isinstance(action, Show):
                self.render(action.screen)
                if action.speak:
                    self.speak_screen(action.screen)
            elif isinstance(action, Say):
                self.speak(action.text, action.language)
            elif isinstance(action, ApplySettings):
                self.apply_settings(action.settings)
            elif isinstance(action, BeginParticipant):
                self._store_call("begin_participant", action.session)
            elif isinstance(action, SaveAnswer):
                if self._store_call("save_answer", action.answer):
                    self.trace("saved", question=action.answer.question_id,
                               seq=action.answer.seq, method=action.answer.method)
            elif isinstance(action, Withdraw):
                self._store_call("withdraw", action.participant_id)
                self.trace("withdrawn")
            elif isinstance(action, EndParticipant):
                self.explored = None
                self.trace("ended")
            elif isinstance(action, Listen):
                self._listen(action)
            elif isinstance(action, StopListening):
                self._listen_id += 1
                if self.listener:
                    self.listener.cancel()
        self._restart_idle()

    def _store_call(self, method: str, argument: Any) -> bool:
        if self.store is None:
            return True
        try:
            if method == "begin_participant" and not self._pack_recorded:
                pack = self.session.pack
                source = Path(pack.source).read_text(encoding="utf-8") \
                    if Path(pack.source).exists() else ""
                self.store.record_pack(pack.id, pack.version,
                                       pack.title.get(pack.default_language), source)
                self._pack_recorded = True
            getattr(self.store, method)(argument)
            return True
        except Exception as exc:  # a full disk or a pulled card must not crash the kiosk
            self.trace("store-error", error=str(exc))
            language = self.session.language
            self.speak(self.session.translate(
                language, N_("Sorry, your answer could not be saved. Please ask a member of "
                             "staff for help.")), language)
            return False

    def apply_settings(self, settings: Settings) -> None:
        """Colours, text size, speech rate and volume."""
        self.settings = settings
        theme = THEMES[settings.theme]
        self.fg = [*theme.text, 1]
        self.bg = [*theme.background, 1]
        self.control_bg = [*theme.control, 1]
        self.focus_colour = [*theme.focus, 1]
        Window.clearcolor = (*theme.background, 1)
        self.font_px = self.metrics.text(TEXT_SIZE_FACTORS[settings.text_size])

    def speak_screen(self, screen: Screen) -> None:
        """Say what a screen shows: its recorded human voice if the pack gives one."""
        if screen.audio and Path(screen.audio).is_file():
            self.trace("say", text=screen.speech, language=screen.language, audio=screen.audio)
            self.voice.say_file(Path(screen.audio), self.settings.volume)
            return
        if screen.audio:
            self.trace("audio-missing", audio=screen.audio)  # fall back to the synthetic voice
        self.speak(screen.speech, screen.language)

    def speak(self, text: str, language: str) -> None:
        """Say `text`, replacing any speech under way."""
        self.trace("say", text=text, language=language)
        self.voice.say(text, language, self.settings.speech_rate, self.settings.volume)

    def speech_failed(self, why: str) -> None:
        """From any thread: the speech engine failed; show it, since it cannot be said."""
        def show(dt: float) -> None:
            language = self.session.language
            self._notice_is_status = False
            self.notice = self.session.translate(language, N_(
                "Speech is not working at the moment. Please read the screen, or ask a member "
                "of staff for help."))
            self.trace("speech-failed", why=why)
        Clock.schedule_once(show)

    def voice_status(self, language: str, ready: bool, why: str = "") -> None:
        """From any thread: recognition for `language` became ready, or is not available."""
        def apply(dt: float) -> None:
            self.trace("voice", language=language, ready=ready, why=why)
            self.perform(self.session.set_voice(language, ready))
        Clock.schedule_once(apply)

    def _listen(self, action: Listen) -> None:
        if self.listener is None:
            return
        # Results of a listen that was stopped or replaced meanwhile are dropped.
        self._listen_id += 1
        listen_id = self._listen_id

        def partial(words: str) -> None:
            def deliver(dt: float) -> None:
                if listen_id == self._listen_id:
                    self.perform(self.session.heard_partial(words))
            Clock.schedule_once(deliver)

        def final(words: str, confident: bool) -> None:
            def deliver(dt: float) -> None:
                if listen_id != self._listen_id:
                    return  # the person moved on by touch or key meanwhile
                self.trace("heard", text=words, confident=confident,
                           grammar=action.grammar is not None)
                if action.grammar:
                    self.perform(self.session.heard_command(words, confident))
                else:
                    self.perform(self.session.heard(words, confident))
            Clock.schedule_once(deliver)

        self.trace("listen", language=action.language,
                   grammar=list(action.grammar) if action.grammar else None)
        self.listener.listen(action.language, action.grammar, partial, final)

    # Drawing a screen ----------------------------------------------------------------------------

    def font_for(self, language: str) -> str:
        """A bold sans-serif font that has the language's letters."""
        if language == "ko" and self._korean_font:
            return self._korean_font
        return self._latin_font

    def render(self, screen: Screen) -> None:
        """Draw `screen`: top bar, scrolling content, navigation bar."""
        previous = self.screen_model
        focused_before = self._current_focus()
        self.screen_model = screen
        self.font_name = self.font_for(screen.language)
        self.more_text = self.session.translate(screen.language, N_("More"))
        root: KioskRoot = self.root
        root.top_bar.clear_widgets()
        root.content.clear_widgets()
        root.nav_bar.clear_widgets()
        self.widgets = {}
        width = Window.width
        bar_font = self.metrics.text(1.0)

        if screen.name == "typing":
            # The answer sits in the top bar so the keyboard below can have the whole middle.
            field = TextField(text=screen.draft, font_size=bar_font, shorten=True,
                              shorten_from="left", size_hint_x=1, max_lines=1)
            self.widgets["answer"] = field
            root.top_bar.add_widget(field)
        else:
            # The top bar carries the progress, or else the screen's title when it fits there
            # at full size (never smaller: capitals stay 6 mm tall).
            heading = screen.progress or screen.title
            fits = fit_font_size(heading, self.font_name, bar_font, width * 0.6,
                                 self.metrics.target) >= bar_font
            title_in_bar = not screen.progress and fits
            root.top_bar.add_widget(TextBlock(
                text=heading if (screen.progress or title_in_bar) else " ",
                font_size=bar_font, size_hint_x=1, valign="middle",
                size_hint_y=1, text_size=(width * 0.6, self.metrics.target)))
        for control in screen.controls:
            if control.group == TOP:
                button = self._button(control, wide=False)
                button.size_hint_x = None
                button.width = width * 0.36
                self._fit_in_bar(button, button.width)
                root.top_bar.add_widget(button)

        if screen.name == "typing":
            middle = Window.height - 2 * (self.metrics.target + self.gap_px) - 2 * self.gap_px
            root.content.add_widget(self._keyboard(screen.language, middle))
        else:
            if not title_in_bar:
                root.content.add_widget(TextBlock(text=screen.title, font_size=self.font_px))
            if screen.name in ("listening", "confirm"):
                # What was heard or typed comes first, then what to do with it.
                field = TextField(text=(screen.draft or "…"), font_size=self.font_px)
                field.control_id = "heard"
                root.content.add_widget(field)
            if screen.note:
                root.content.add_widget(TextBlock(text=screen.note, font_size=self.font_px))
            if screen.body and screen.body != screen.title:
                root.content.add_widget(TextBlock(text=screen.body, font_size=self.font_px))
            for control in screen.controls:
                if control.group not in (TOP, NAV) and control.enabled:
                    root.content.add_widget(self._button(control))

        nav = [c for c in screen.controls if c.group == NAV]
        slot = (width - self.gap_px * (len(nav) + 1)) / max(1, len(nav))
        for control in nav:
            if control.enabled:
                button = self._button(control, wide=False)
                self._fit_in_bar(button, slot)
                root.nav_bar.add_widget(button)
            else:
                # An unavailable control keeps its place, so the others never move.
                root.nav_bar.add_widget(Widget())

        # The same screen drawn again (a setting changed, a box ticked) keeps focus on the same
        # control, found by id: controls may have appeared before it ("Smaller text").
        keep = focused_before if previous and previous.name == screen.name \
            and previous.question_id == screen.question_id else None
        self.focus_order = [c.id for c in screen.controls
                            if c.enabled and c.id in self.widgets]
        self.focus_index = -1
        if keep in self.focus_order:
            self._set_focus(self.focus_order.index(keep), announce=False)
        else:
            # A new screen starts at its top, so the question itself is seen first.
            first = next((i for i, cid in enumerate(self.focus_order)
                          if screen.control(cid).group not in (TOP, NAV)), -1)
            if first >= 0:
                self._set_focus(first, announce=False, scroll=False)
            root.scroller.scroll_y = 1
        # The very first frame takes longer: GL starts and fonts load.
        delay = 1.0 if self._first_frame else 0.25
        self._first_frame = False
        Clock.schedule_once(lambda dt: self._after_render(screen), delay)

    def _fit_in_bar(self, button: KioskButton, width: float) -> None:
        """Recurring controls keep the bar's height: their label is fitted inside the padding."""
        inner_width = width - 2 * button.padding[0] - 2
        inner_height = self.metrics.target - 2 * button.padding[1]
        button.font_size = fit_font_size(button.text, button.font_name, self.metrics.text(1.0),
                                         inner_width, inner_height)

    def _button(self, control: Control, wide: bool = True) -> KioskButton:
        text = control.label
        if control.role == "choice":
            text = ("● " if control.selected else "○ ") + text
        elif control.role == "checkbox":
            text = ("☑ " if control.selected else "☐ ") + text
        button = KioskButton(text=text, control_id=control.id, selected=bool(control.selected),
                             wide=wide, font_size=self.font_px,
                             min_height=self.metrics.target)
        if control.id.startswith("lang:"):
            button.font_name = self.font_for(control.id.removeprefix("lang:"))
        button.bind(on_release=lambda b: self.touched(b.control_id))
        self.widgets[control.id] = button
        return button

    def _keyboard(self, language: str, height: float) -> GridLayout:
        """Large keys filling `height`: three rows of letters and a row of , . space delete done."""
        rows = list(KEYBOARD_ROWS)
        accents = ACCENT_ROWS.get(language)
        if accents and self._keyboard_page == 1:
            rows[0] = accents
        spacing = max(4.0, self.gap_px / 3)
        grid = GridLayout(cols=1, size_hint_y=None, height=height, spacing=spacing)
        key_height = (height - 3 * spacing) / 4
        font = self.metrics.text(1.0)
        for row in rows:
            line = BoxLayout(spacing=spacing)
            for ch in row:
                line.add_widget(self._key(ch, ch, key_height, font))
            grid.add_widget(line)
        last = BoxLayout(spacing=spacing)
        extra = [(",", ",", 1), (".", ".", 1)]
        extra.append(("⇄", "⇄", 1) if accents else ("?", "?", 1))
        for value, face, span in [*extra, ("space", "␣", 2), ("backspace", "⌫", 2),
                                  ("\n", "✓", 2)]:
            key = self._key(value, face, key_height, font)
            key.size_hint_x = span
            last.add_widget(key)
        grid.add_widget(last)
        return grid

    def _key(self, value: str, face: str, height: float, font: float) -> KioskButton:
        key = KioskButton(text=face, wide=False, font_size=font, min_height=height)
        key.bind(on_release=lambda b, v=value: self._type_key(v))
        return key

    def _type_key(self, value: str) -> None:
        self.voice.stop()
        if value == "⇄":
            self._keyboard_page = 1 - self._keyboard_page
            if self.screen_model:
                self.render(self.screen_model)
            return
        if value == "\n":
            self.activate("done")
            return
        self._edit_draft(value)

    def _edit_draft(self, value: str) -> None:
        screen = self.screen_model
        if screen is None or screen.name != "typing":
            return
        draft = screen.draft
        if value == "backspace":
            draft = draft[:-1]
            self.speak(self.session.translate(screen.language, N_("Delete")), screen.language)
        elif value == "space":
            draft += " "
        else:
            draft += value
            self.speak(value, screen.language)
        self.perform(self.session.set_draft(draft))
        self.screen_model = screen.with_draft(draft)
        field = self.widgets.get("answer")
        if isinstance(field, TextField):
            field.text = draft
        self.trace("draft", text=draft)

    def _after_render(self, screen: Screen) -> None:
        if screen is not self.screen_model:
            return
        if self.options.screenshots:
            self.shots += 1
            name = f"{self.shots:02d}-{screen.name}"
            if screen.question_id:
                name += f"-{screen.question_id}"
            self.save_screenshot(self.options.screenshots / f"{name}.png")
        self.trace("screen", name=screen.name, title=screen.title, language=screen.language,
                   question=screen.question_id, theme=self.settings.theme,
                   text_size=self.settings.text_size, font_px=self.font_px,
                   font=Path(self.font_name).name, controls=self._control_boxes(),
                   focus=self._current_focus(), clipped=self._clipped_texts(),
                   selected=[c.id for c in screen.controls if c.selected],
                   order=[c.id for c in screen.controls if c.group not in (TOP, NAV)],
                   window=[int(Window.width), int(Window.height)])
        if self._steps:
            Clock.schedule_once(lambda dt: self._next_step(), 0.05)
        elif self.options.rehearsal is not None and self.options.quit_after_rehearsal:
            self.stop()

    def _clipped_texts(self) -> list[str]:
        """Texts wider than their box (a word too long for the line): should always be none."""
        clipped = []
        for bar in (self.root.top_bar, self.root.content, self.root.nav_bar):
            for widget in bar.walk(restrict=True):
                if isinstance(widget, Label) and widget.text.strip() and not widget.shorten \
                        and widget.texture_size[0] > widget.width + 1:
                    clipped.append(widget.text)
        return clipped

    def _control_boxes(self) -> dict[str, list[int]]:
        """Each control's box in window coordinates from the top left, as a tester touches it:
        only controls wholly visible (inside the scrolling area, for those that scroll)."""
        scroller = self.root.scroller
        low = scroller.parent.to_window(scroller.x, scroller.y)[1]
        high = low + scroller.height
        boxes = {}
        for cid, widget in self.widgets.items():
            x, y = widget.to_window(widget.x, widget.y)
            scrolls = widget.parent == self.root.content  # kv ids are proxies: not "is"
            if scrolls and not (y >= low - 1 and y + widget.height <= high + 1):
                continue
            top = Window.height - (y + widget.height)
            boxes[cid] = [round(x), round(top), round(widget.width), round(widget.height)]
        return boxes

    def save_screenshot(self, path: Path) -> Path:
        """Save what the window shows now as a PNG at `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        made = Window.screenshot(name=str(path))
        if made:
            Path(made).replace(path)
        return path

    def _next_step(self) -> None:
        event, argument = self._steps.pop(0)
        if event == "press":
            self.activate(argument)
        elif event == "type":
            self.perform(self.session.set_draft(argument))
            if self.screen_model:
                self.render(self.screen_model.with_draft(argument))

    # Focus ---------------------------------------------------------------------------------------

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
        if announce and self.screen_model:
            control = self.screen_model.control(control_id)
            language = self.screen_model.language
            text = describe_control(control, lambda m: self.session.translate(language, m))
            self.speak(text, language)
            self.trace("focus", control=control_id, text=text)

    def move_focus(self, step: int) -> None:
        """Move focus forwards or backwards in visual order, wrapping: never trapped."""
        if self.focus_order:
            start = self.focus_index if self.focus_index >= 0 else (-1 if step > 0 else 0)
            self._set_focus(start + step)

    # Input ---------------------------------------------------------------------------------------

    def touched(self, control_id: str) -> None:
        """A control was touched; with touch-to-explore the first touch only speaks it."""
        now = time.monotonic()
        # One touch seen by two input providers arrives twice (kivy #3801): take it once.
        # Only touches: quick repeated key presses are all meant.
        if self.last_touch[0] == control_id and now - self.last_touch[1] < 0.25:
            return
        self.last_touch = (control_id, now)
        self.voice.stop()
        if self.settings.touch_to_explore and self.explored != control_id \
                and control_id in self.focus_order:
            self.explored = control_id
            self._set_focus(self.focus_order.index(control_id))
            return
        self.explored = None
        self.activate(control_id)

    def activate(self, control_id: str) -> None:
        """Activate a control by id, as a touch, a key or a rehearsal does."""
        self.voice.stop()
        self.trace("press", control=control_id)
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
            if typing and focused in (None, "answer"):
                self.activate("done")
            else:
                self.activate(focused or "start")
        elif key == 27 or (key == 8 and not typing):  # Escape, or Backspace when not typing
            self.activate("back") if screen.has("back") else self.activate("close")
        elif key == 8:
            self._edit_draft("backspace")
        elif key == 282:  # F1
            self.activate("help")
        elif key == 270:  # keypad +
            self.perform(self.session.change_volume(+1))
        elif key == 269:  # keypad -
            self.perform(self.session.change_volume(-1))
        elif key == 280:  # Page Up / Page Down scroll long text
            self.root.scroller.scroll_y = min(1, self.root.scroller.scroll_y + 0.3)
        elif key == 281:
            self.root.scroller.scroll_y = max(0, self.root.scroller.scroll_y - 0.3)
        elif codepoint and codepoint.isprintable() and key < 256:
            return False  # a character: on_textinput receives it, with the keyboard layout
        elif screen.name == "welcome":
            self.activate("start")  # any other key, even Shift, starts
        else:
            return False
        return True

    def _on_text_input(self, window: Any, text: str) -> None:
        """Typed characters: the answer while typing, else ? for help and + - for volume."""
        screen = self.screen_model
        if self.staff_open or screen is None or not text.isprintable():
            return
        if screen.name == "typing":
            self._edit_draft(text)
        elif text == "?":
            self.activate("help")
        elif text == "+":
            self.perform(self.session.change_volume(+1))
        elif text == "-":
            self.perform(self.session.change_volume(-1))
        elif screen.name == "welcome":
            self.activate("start")

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

    def open_staff(self) -> None:
        """Open staff mode (behind its PIN)."""
        self.trace("staff")
        if self.on_staff and not self.staff_open:
            self.on_staff(self)

    def staff_closed(self) -> None:
        """Staff mode closed: back to a fresh Welcome."""
        self.staff_open = False
        self.perform(self.session.end())

    def replace_pack(self, pack: Any) -> None:
        """Ask a different question pack from the next participant on."""
        self.session.pack = pack
        self._pack_recorded = False
        self.session.end()

    # Idle ----------------------------------------------------------------------------------------

    def _restart_idle(self) -> None:
        if self._idle_event is not None:
            self._idle_event.cancel()
            self._idle_event = None
        delay = self.session.idle_delay()
        if delay is not None:
            self._idle_event = Clock.schedule_once(lambda dt: self._idle_timeout(), delay)

    def _idle_timeout(self) -> None:
        self._idle_event = None
        self.perform(self.session.timeout())

    # Tracing for tests and rehearsals ------------------------------------------------------------

    def trace_soon(self, event: str, **fields: Any) -> None:
        """trace() from another thread: written on the UI thread, so lines never interleave."""
        Clock.schedule_once(lambda dt: self.trace(event, **fields))

    def trace(self, event: str, **fields: Any) -> None:
        """One JSON line per event, for tests and rehearsals only: it includes what is said, so a
        kiosk at an event never traces."""
        if self._trace_file:
            self._trace_file.write(json.dumps({"event": event, **fields},
                                              ensure_ascii=False) + "\n")
            self._trace_file.flush()


class KioskScroll(ScrollView):
    """The scrolling middle of the screen; shows "▼ More" while there is more below.

    No flinging: the content follows the finger and stops when it lifts, which is far easier
    to control with a tremor or with little sight than momentum scrolling.
    """

    more_below = BooleanProperty(False)

    def __init__(self, **kwargs: Any):
        super().__init__(effect_cls=ScrollEffect, **kwargs)
        self.effect_y.friction = 0.8

    def on_scroll_y(self, instance: Any, value: float) -> None:
        self.update_more()

    def update_more(self, *args: Any) -> None:
        """Whether some content is hidden below the visible part."""
        child = self.children[0] if self.children else None
        hidden = (child.height - self.height) * self.scroll_y if child else 0
        self.more_below = hidden > 4
