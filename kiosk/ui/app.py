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
from functools import lru_cache
from pathlib import Path
from typing import Any

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
from kiosk.speech.ports import SilentVoice, SpeechIn, SpeechOut
from kiosk.ui.theme import FOCUS_OUTLINE_PX, THEMES, Metrics, metrics_for

KV_DIR = Path(__file__).parent
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/nanum")]
FONTS = {"latin": "DejaVuSans-Bold.ttf", "ko": "NanumGothicBold.ttf"}
# Letters the on-screen keyboard adds after a to z for a language.
# Help moves up beside Settings where the bottom bar's labels would not fit side by side.
TOP_BAR_IDS = frozenset({"help"})
ACCENTS = {"gd": "àèìòù", "pl": "ąćęłńóśźż"}
KEY_PAD_PX = 6  # the on-screen keyboard's keys hold one centred letter
# Kivy's codes for Shift, Ctrl, Alt, Meta, Super, AltGr, Num Lock, Caps Lock and Scroll Lock.
MODIFIER_KEYS = frozenset({300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313})


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


@lru_cache(maxsize=4096)
def _text_width(text: str, font_name: str, size: float) -> float:
    """How wide `text` is drawn (cached: layouts measure the same words on every render)."""
    label = CoreLabel(text=text, font_size=size, font_name=font_name)
    label.refresh()
    return float(label.content_width)


def break_long_words(text: str, width: float, font_name: str, size: float) -> str:
    """`text` with every word too wide for a line of `width` broken with a hyphen at the end
    of each full line (a long Gaelic word at twice the size, a web address typed as an answer),
    so that no letter is ever cut off; other words are left for the label to wrap."""
    def broken(word: str) -> str:
        if _text_width(word, font_name, size) <= width:
            return word
        lines: list[str] = []
        rest = word
        while rest:
            take = len(rest)
            while take > 1 and _text_width(rest[:take] + "-", font_name, size) > width:
                take -= 1
            lines.append(rest[:take] + ("-" if take < len(rest) else ""))
            rest = rest[take:]
        return "\n".join(lines)
    return "\n".join(" ".join(broken(word) for word in line.split(" "))
                     for line in text.split("\n"))


class KioskButton(ButtonBehavior, Label):
    """A large, bordered control. Selected state is shown inverted AND by a symbol."""

    control_id = StringProperty("")
    focused = BooleanProperty(False)
    selected = BooleanProperty(False)
    wide = BooleanProperty(True)
    min_height = NumericProperty(84)
    plain = StringProperty("")  # the label as written, before long words were broken


class TextBlock(Label):
    """Wrapped, left-aligned large text that grows to its content's height."""

    plain = StringProperty("")


class TextField(Label):
    """The answer being typed, with a visible caret; the shell owns the text."""

    focused = BooleanProperty(False)
    control_id = StringProperty("answer")
    plain = StringProperty("")


class Bar(BoxLayout):
    """The top bar and the navigation bar: recurring controls, always in the same place."""


class KioskRoot(BoxLayout):
    """The whole window: top bar, scrolling content, navigation bar."""

    top_bar = ObjectProperty(None)
    scroller = ObjectProperty(None)
    content = ObjectProperty(None)
    nav_bar = ObjectProperty(None)
    more_lane = ObjectProperty(None)

    def update_lane(self, *args: Any) -> None:
        """Open the "More" lane when the content is taller than the space it would have without
        the lane (so that the lane's own height never keeps it open), else close it."""
        if not (self.content and self.more_lane):
            return
        room = self.height - self.top_bar.height - self.nav_bar.height
        wanted = App.get_running_app().font_px * 1.15 if self.content.height > room + 4 else 0
        if self.more_lane.height != wanted:
            self.more_lane.height = wanted

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
    font_px = NumericProperty(48)  # the body text size: every label on a screen uses it
    target_px = NumericProperty(84)
    gap_px = NumericProperty(13)
    outline_px = NumericProperty(FOCUS_OUTLINE_PX)
    font_name = StringProperty("Roboto")
    notice = StringProperty("")  # a message for staff over the screen, e.g. "safe to remove"
    curtain = BooleanProperty(False)  # the screen curtain: the display blank, all else goes on
    more_text = StringProperty("More")  # the "more below" cue, in the screen's language

    def __init__(self, session: Session, store: Any = None, voice: SpeechOut | None = None,
                 listener: SpeechIn | None = None, options: ShellOptions | None = None,
                 on_staff: Callable[[KioskApp], None] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.title = "Kiosk"
        self.session = session
        self.store = store
        self.voice: SpeechOut = voice or SilentVoice()
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
        self._keyboard_pages = 1
        self._keyboard_open = False  # the typing screen's full-screen keyboard is showing
        self._first_frame = True
        self._frames = 0  # frames drawn so far
        self._render_frame = 0  # ... when the current screen was rendered
        self._performing = False
        self._spoke_in_batch = False
        # Controls whose name has been said since their screen appeared: only these are chosen
        # by a key (see choose_by_key).
        self.named: set[str] = set()
        self.extra_controls: dict[str, Control] = {}
        self.visual_order: list[str] = []

    # Start-up ------------------------------------------------------------------------------------

    def build(self) -> KioskRoot:
        # Loaded by name: Kivy would also auto-load a "kiosk.kv" for KioskApp, applying rules twice.
        Builder.load_file(str(KV_DIR / "shell.kv"))
        root = KioskRoot()
        Window.bind(on_key_down=self._on_key_down, on_textinput=self._on_text_input)
        Window.bind(on_flip=self._flipped)
        for widget, name in ((root.content, "height"), (root.top_bar, "height"),
                             (root.nav_bar, "height"), (root, "height"), (self, "font_px")):
            widget.bind(**{name: root.update_lane})
        Window.bind(size=lambda *_: self._resize())
        if self.options.trace:
            self._trace_file = self.options.trace.open("a", encoding="utf-8")
            # After a scroll, say where the controls went, so a tester can touch them.
            layout = Clock.create_trigger(
                lambda dt: self.trace("layout", controls=self._control_boxes(),
                                      reachable=self._control_boxes(partly=True),
                                      positions=self._positions(),
                                      scroller=self._box(root.scroller),
                                      scroll_y=round(root.scroller.scroll_y, 3)), 0.3)
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
        self.font_px = self.metrics.text(TEXT_SIZE_FACTORS[self.settings.text_size])
        if redraw and self.screen_model:
            self.render(self.screen_model)

    # Carrying out the core's actions -------------------------------------------------------------

    def perform(self, actions: list[Action]) -> None:
        """Carry out the core's actions in order.

        Within one batch the first speech replaces whatever was being said and later speech
        waits for it: "Saved: ..." is heard in full before the next question, and a screen's
        speech before the name of the control that has focus.
        """
        outer = not self._performing
        if outer:
            self._performing = True
            self._spoke_in_batch = False
        listens = any(isinstance(a, Listen) for a in actions)
        try:
            for action in actions:
                self._perform_one(action, listens)
        finally:
            if outer:
                self._performing = False
        self._restart_idle()

    def _perform_one(self, action: Action, listens: bool) -> None:
        if isinstance(action, Show):
            self.render(action.screen)
            if action.speak:
                self.speak_screen(action.screen)
                if not listens:  # a listening screen waits for words, not keys
                    self._announce_focus()
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
            self._keyboard_open = False
            self.trace("ended")
        elif isinstance(action, Listen):
            self._listen(action)
        elif isinstance(action, StopListening):
            self._listen_id += 1
            if self.listener:
                self.listener.cancel()

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
        self.curtain = settings.curtain
        self.voice.use_headphones(settings.headphones)

    def speak_screen(self, screen: Screen) -> None:
        """Say what a screen shows: its recorded human voice if the pack gives one."""
        if screen.audio and Path(screen.audio).is_file():
            queued = self._next_is_queued()
            self.trace("say", text=screen.speech, language=screen.language, audio=screen.audio,
                       queued=queued)
            self.voice.say_file(Path(screen.audio), self.settings.volume, queued=queued)
            return
        if screen.audio:
            self.trace("audio-missing", audio=screen.audio)  # fall back to the synthetic voice
        self.speak(screen.speech, screen.language)

    def _next_is_queued(self) -> bool:
        """Whether speech asked for now follows speech of the same batch (see perform)."""
        queued = self._performing and self._spoke_in_batch
        if self._performing:
            self._spoke_in_batch = True
        return queued

    def speak(self, text: str, language: str, queued: bool | None = None,
              on_done: Callable[[bool], None] | None = None) -> None:
        """Say `text`, replacing any speech under way unless it follows speech of the same
        batch of actions (or `queued` says otherwise)."""
        after = self._next_is_queued()
        if queued is None:
            queued = after
        self.trace("say", text=text, language=language, queued=queued)
        self.voice.say(text, language, self.settings.speech_rate, self.settings.volume,
                       queued=queued, on_done=on_done)

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
        """Draw `screen`: top bar, scrolling content, navigation bar, all at the body text size.

        The recurring controls sit in the bars when they fit there side by side without
        shrinking a label; otherwise (large text, long words) they follow the screen's own
        controls at the end of the scrolling content, always in the same order.
        """
        previous = self.screen_model
        focused_before = self._current_focus()
        same = previous is not None and previous.name == screen.name \
            and previous.question_id == screen.question_id \
            and previous.language == screen.language
        if not same:
            self.named = set()  # names said on the last screen do not count on this one
            self.trace("appeared", name=screen.name, question=screen.question_id)
            self._keyboard_open = False
            self._keyboard_page = 0
        self.screen_model = screen
        self.font_name = self.font_for(screen.language)
        self.more_text = self.session.translate(screen.language, N_("More"))
        root: KioskRoot = self.root
        root.top_bar.clear_widgets()
        root.content.clear_widgets()
        root.nav_bar.clear_widgets()
        self.widgets = {}
        self.extra_controls = {}
        self.visual_order = []
        if screen.name == "typing" and self._keyboard_open:
            self._render_keyboard(screen)
        else:
            self._render_screen(screen)

        # The same screen drawn again (a setting changed, a box ticked) keeps focus on the same
        # control, found by id: controls may have appeared before it ("Smaller text").
        self.focus_order = [cid for cid in self.visual_order if cid in self.widgets]
        self.focus_index = -1
        if same and focused_before in self.focus_order:
            self._set_focus(self.focus_order.index(focused_before), announce=False)
        else:
            # A new screen starts at its top, so the question itself is seen first; focus goes
            # to its first own control, and is said once the screen's speech has been said.
            first = next((i for i, cid in enumerate(self.focus_order)
                          if self._control(cid).group not in (TOP, NAV)), -1)
            if first >= 0:
                self._set_focus(first, announce=False, scroll=False)
            root.scroller.scroll_y = 1
        self._render_frame = self._frames
        # The very first frame takes longer: GL starts and fonts load.
        delay = 1.0 if self._first_frame else 0.25
        self._first_frame = False
        Clock.schedule_once(lambda dt: self._after_render(screen), delay)

    def _control(self, control_id: str) -> Control:
        """A control of the screen, or one the shell adds (a key of the on-screen keyboard)."""
        if control_id in self.extra_controls:
            return self.extra_controls[control_id]
        assert self.screen_model is not None
        return self.screen_model.control(control_id)

    def _render_screen(self, screen: Screen) -> None:
        root: KioskRoot = self.root
        font = self.font_px
        width = Window.width
        gap = self.metrics.gap_across
        # Back, Repeat, Help and Skip along the bottom if they fit there side by side at this
        # text size in this language; else Help moves up beside Settings; else (large text)
        # all follow the screen's own controls. The choice depends only on the language and
        # the text size, so a control stays in one place from screen to screen.
        in_bars = False
        top: list[Control] = []
        nav: list[Control] = []
        for upper in ((), TOP_BAR_IDS):
            top = [c for c in screen.controls if c.group == TOP or c.id in upper]
            nav = [c for c in screen.controls if c.group == NAV and c.id not in upper]
            if self._row_width(top) <= width and self._row_width(nav) <= width:
                in_bars = True
                break
        heading = screen.progress or screen.title
        heading_in_bar = False
        if in_bars:
            room = width - self._row_width(top) - gap
            heading_in_bar = self._fits_on_one_line(heading, room)
            block = TextBlock(text=heading if heading_in_bar else " ", font_size=font,
                              valign="middle", size_hint_x=None, width=max(0, room))
            root.top_bar.add_widget(block)
            top_height = self._add_row(root.top_bar, top, share=False)
            nav_height = self._add_row(root.nav_bar, nav)
            root.top_bar.height = max(top_height, block.texture_size[1]) + self.gap_px
            root.nav_bar.height = nav_height + self.gap_px
        else:
            root.top_bar.height = 0
            root.nav_bar.height = 0

        content = root.content
        if not heading_in_bar:
            if screen.progress:
                content.add_widget(self._block(screen.progress))
            content.add_widget(self._block(screen.title))
        elif screen.progress:
            content.add_widget(self._block(screen.title))
        if screen.name in ("listening", "confirm", "typing"):
            # What was heard or typed comes first, then what to do with it: all of it, wrapped.
            draft = screen.draft or ("" if screen.name == "typing" else "…")
            field = TextField(text=self._unbroken(draft, 2 * self.gap_px), plain=draft,
                              font_size=font)
            field.control_id = "answer" if screen.name == "typing" else "heard"
            if screen.name == "typing":
                self.widgets["answer"] = field
                self.visual_order.append("answer")
            content.add_widget(field)
        if screen.note:
            content.add_widget(self._block(screen.note))
        if screen.body and screen.body != screen.title:
            content.add_widget(self._block(screen.body))
        for control in screen.controls:
            if control.group not in (TOP, NAV) and control.enabled and control.id != "answer":
                content.add_widget(self._button(control))
        if not in_bars:
            for control in [*nav, *top]:
                if control.enabled:
                    content.add_widget(self._button(control))
            return
        # Focus follows what is seen: top bar, then the content, then the navigation bar.
        in_bar = {c.id for c in [*top, *nav]}
        self.visual_order = [*(c.id for c in top if c.enabled),
                             *(cid for cid in self.visual_order if cid not in in_bar),
                             *(c.id for c in nav if c.enabled)]

    def _pieces(self, text: str) -> list[str]:
        """The parts of a label that cannot be broken: words, and parts of hyphenated words."""
        return [p for word in text.split() for p in word.replace("-", "- ").split()] or [" "]

    def _fits_on_one_line(self, text: str, width: float) -> bool:
        return _text_width(text, self.font_name, self.font_px) <= width

    def _button_width(self, control: Control) -> float:
        """The narrowest width that holds the label's longest unbreakable part at body size."""
        font_name = self.font_for(control.label_language or self.screen_model.language) \
            if self.screen_model else self.font_name
        widest = max(_text_width(p, font_name, self.font_px) for p in self._pieces(control.label))
        return max(self.metrics.target_across, widest + 2 * self._pad_x() + 4)

    def _pad_x(self) -> float:
        return self.gap_px * 1.2  # a button's padding, as shell.kv draws it

    def _row_width(self, controls: list[Control]) -> float:
        gap = self.metrics.gap_across
        return sum(self._button_width(c) for c in controls) + gap * (len(controls) + 1)

    def _add_row(self, bar: Widget, controls: list[Control], share: bool = True) -> float:
        """Recurring controls side by side, each as wide as its label needs (and, if `share`,
        sharing what is left of the row); an unavailable one keeps its place, so the others
        never move. Returns the row's height: labels wrap (between words, or after a hyphen)
        and are never shrunk."""
        if not controls:
            return 0.0
        gap = self.metrics.gap_across
        widths = [self._button_width(c) for c in controls]
        extra = Window.width - sum(widths) - gap * (len(controls) + 1) if share else 0.0
        height = float(self.metrics.target)
        for control, need in zip(controls, widths, strict=True):
            w = need + max(0.0, extra) / len(controls)
            if control.enabled:
                button = self._button(control, wide=False)
                button.size_hint_x = None
                button.width = w
                button.text = self._wrapped(button.text, w - 2 * self._pad_x() - 4)
                button.texture_update()
                height = max(height, button.texture_size[1])
                bar.add_widget(button)
            else:
                bar.add_widget(Widget(size_hint_x=None, width=w))
        for child in bar.children:
            if isinstance(child, KioskButton):
                child.min_height = height
        return height

    def _content_width(self) -> float:
        return float(Window.width - 3 * self.gap_px)  # the content's padding: 1 left, 2 right

    def _unbroken(self, text: str, inset: float) -> str:
        """Text whose words all fit a content line less `inset` (see break_long_words)."""
        return break_long_words(text, self._content_width() - inset, self.font_name,
                                self.font_px)

    def _block(self, text: str) -> TextBlock:
        return TextBlock(text=self._unbroken(text, 0), plain=text, font_size=self.font_px)

    def _wrapped(self, text: str, width: float) -> str:
        """Text broken into lines no wider than `width`, between words or after a hyphen."""
        lines: list[str] = []
        for piece in self._pieces(text):
            joined = (lines[-1] + ("" if lines[-1].endswith("-") else " ") + piece) \
                if lines else piece
            if lines and _text_width(joined, self.font_name, self.font_px) <= width:
                lines[-1] = joined
            else:
                lines.append(piece)
        return "\n".join(lines)

    def _button(self, control: Control, wide: bool = True) -> KioskButton:
        text = control.label
        if control.role == "choice":
            text = ("● " if control.selected else "○ ") + text
        elif control.role == "checkbox":
            text = ("☑ " if control.selected else "☐ ") + text
        button = KioskButton(text=text, control_id=control.id, selected=bool(control.selected),
                             wide=wide, font_size=self.font_px, plain=text,
                             min_height=self.metrics.target)
        if control.label_language:
            button.font_name = self.font_for(control.label_language)
        if wide:
            button.text = break_long_words(text, self._content_width() - 2 * self._pad_x() - 4,
                                           button.font_name, self.font_px)
        button.bind(on_release=lambda b: self.touched(b.control_id))
        self.widgets[control.id] = button
        self.visual_order.append(control.id)
        return button

    # The on-screen keyboard ----------------------------------------------------------------------

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
        key_w = max(m.target_across, max(_text_width(ch, self._latin_font, font)
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
                line.add_widget(self._key(ch, ch, ch, key_w, key_h))
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
        return "abcdefghijklmnopqrstuvwxyz" + ACCENTS.get(language, "") + "',.?-"

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
        key.font_name = self._latin_font  # its letters and symbols (the Korean font lacks ⌫ ✓)
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
            draft = draft[:-1]
            self.speak(self.session.translate(screen.language, N_("Delete")), screen.language)
        elif value == "space":
            draft += " "
            self.speak(self.session.translate(screen.language, N_("Space")), screen.language)
        else:
            draft += value
            self.speak(value, screen.language)
        self.perform(self.session.set_draft(draft))
        self.screen_model = screen.with_draft(draft)
        field = self.widgets.get("answer")
        if isinstance(field, TextField):
            field.plain = draft
            field.text = draft if self._keyboard_open else self._unbroken(draft, 2 * self.gap_px)
        self.trace("draft", text=draft)

    def _flipped(self, *args: Any) -> None:
        self._frames += 1

    def _after_render(self, screen: Screen) -> None:
        if screen is not self.screen_model:
            return
        if self._frames < self._render_frame + 2:
            # Not yet drawn as laid out (a busy or slow machine): a picture now would show
            # the last screen, or nothing.
            Clock.schedule_once(lambda dt: self._after_render(screen), 0.1)
            return
        if self.options.screenshots:
            self.shots += 1
            name = f"{self.shots:02d}-{screen.name}"
            if screen.question_id:
                name += f"-{screen.question_id}"
            self.save_screenshot(self.options.screenshots / f"{name}.png")
        if self._trace_file:  # measuring every label is for tests and rehearsals only
            self._trace_screen(screen)
        if self._steps:
            Clock.schedule_once(lambda dt: self._next_step(), 0.05)
        elif self.options.rehearsal is not None and self.options.quit_after_rehearsal:
            self.stop()

    def _trace_screen(self, screen: Screen) -> None:
        self.trace("screen", name=screen.name, title=screen.title, language=screen.language,
                   question=screen.question_id, theme=self.settings.theme,
                   text_size=self.settings.text_size, font_px=self.font_px,
                   font=Path(self.font_name).name, controls=self._control_boxes(),
                   reachable=self._control_boxes(partly=True), positions=self._positions(),
                   focus=self._current_focus(), clipped=self._clipped_texts(),
                   smallest_px=self._smallest_label_px(), bars=self.root.nav_bar.height > 0,
                   cap_mm=round(self.metrics.cap_height_mm(self.font_px), 2),
                   keyboard=self._keyboard_open, focus_order=self.focus_order,
                   more=self._more_box(), scroller=self._box(self.root.scroller),
                   shown=[getattr(w, "plain", "") or w.text for w in self._labels()],
                   selected=[c.id for c in screen.controls if c.selected],
                   order=[c.id for c in screen.controls if c.group not in (TOP, NAV)],
                   window=[int(Window.width), int(Window.height)])

    def _labels(self) -> list[Label]:
        return [w for bar in (self.root.top_bar, self.root.content, self.root.nav_bar)
                for w in bar.walk(restrict=True)
                if isinstance(w, Label) and w.text.strip()]

    def _clipped_texts(self) -> list[str]:
        """Texts not wholly drawn: a word wider than its line, lines taller than their box, or a
        box reaching past the window's sides. Should always be none. (The keyboard's answer line
        shows the end of a long answer on purpose: the typing screen shows all of it.)"""
        clipped = []
        for widget in self._labels():
            if widget.shorten:
                continue
            widget.texture_update()
            pad = list(widget.padding)  # [left, top, right, bottom] in Kivy 2.2+, or [x, y]
            left, right = (pad[0], pad[2]) if len(pad) == 4 else (pad[0], pad[0])
            inner = (widget.text_size[0] or widget.width) - left - right
            font_name = widget.font_name
            pieces = [p for line in widget.text.split("\n") for p in self._pieces(line)]
            widest = max(_text_width(p, font_name, widget.font_size) for p in pieces)
            x = widget.to_window(widget.x, widget.y)[0]
            if widest > inner + 1 or widget.texture_size[1] > widget.height + 1 \
                    or x < -1 or x + widget.width > Window.width + 1:
                clipped.append(widget.text)
        return clipped

    def _smallest_label_px(self) -> float:
        """The smallest text size of any label drawn: never below the body text's."""
        return min((float(w.font_size) for w in self._labels()), default=self.font_px)

    def _box(self, widget: Widget) -> list[int]:
        """A widget's box in window coordinates from the top left: x, y, width, height."""
        x, y = widget.to_window(widget.x, widget.y)
        return [round(x), round(Window.height - (y + widget.height)), round(widget.width),
                round(widget.height)]

    def _positions(self) -> dict[str, list[int]]:
        """Every control's whole box, seen or scrolled out of sight (for a tester to scroll
        towards it, as a person who knows the screen does)."""
        return {cid: self._box(widget) for cid, widget in self.widgets.items()}

    def _more_box(self) -> list[int] | None:
        """Where the "More" cue is drawn, or None when it is not shown."""
        lane = self.root.more_lane
        if lane.height < 1 or not self.root.scroller.more_below:
            return None
        return self._box(lane)

    def _control_boxes(self, partly: bool = False) -> dict[str, list[int]]:
        """Each control's box in window coordinates from the top left, as a tester touches it:
        only controls wholly visible (inside the scrolling area, for those that scroll); with
        `partly`, also the visible part of one that shows at least a touch target's height."""
        scroller = self.root.scroller
        low = scroller.parent.to_window(scroller.x, scroller.y)[1]
        high = low + scroller.height
        boxes = {}
        for cid, widget in self.widgets.items():
            x, y = widget.to_window(widget.x, widget.y)
            bottom, top_y = y, y + widget.height
            scrolls = widget.parent == self.root.content  # kv ids are proxies: not "is"
            if scrolls and not (bottom >= low - 1 and top_y <= high + 1):
                bottom, top_y = max(bottom, low), min(top_y, high)
                if not partly or top_y - bottom < min(widget.height, self.metrics.target) - 1:
                    continue
            boxes[cid] = [round(x), round(Window.height - top_y), round(widget.width),
                          round(top_y - bottom)]
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

    # Input ---------------------------------------------------------------------------------------

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

    def _open_keyboard(self, screen: Screen) -> None:
        self._keyboard_open = True
        self.render(screen)
        language = screen.language
        self.speak(self.session.translate(language, N_(
            "Keyboard. Arrows or Tab move between the keys, Enter types the key. Close the "
            "keyboard to go back to your answer.")), language)
        self._announce_focus()

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
        self.session.replace_pack(pack)
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


class StillScroll(ScrollEffect):
    """Scrolling that stops where the finger lifts: no momentum, and no bounce back from a
    velocity guessed from the last few touch samples."""

    def stop(self, val: float, t: float | None = None) -> None:
        """The finger lifted: move with it to `val`, then stay."""
        self.is_manual = False
        if self.history:
            self.apply_distance(val - self.history[-1][1])
        self.velocity = 0


class KioskScroll(ScrollView):
    """The scrolling middle of the screen; shows "▼ More" while there is more below.

    No flinging: the content follows the finger and stops when it lifts, which is far easier
    to control with a tremor or with little sight than momentum scrolling.
    """

    more_below = BooleanProperty(False)

    def __init__(self, **kwargs: Any):
        super().__init__(effect_cls=StillScroll, **kwargs)

    def on_scroll_y(self, instance: Any, value: float) -> None:
        self.update_more()

    def update_more(self, *args: Any) -> None:
        """Whether some content is hidden below the visible part."""
        child = self.children[0] if self.children else None
        hidden = (child.height - self.height) * self.scroll_y if child else 0
        self.more_below = hidden > 4
