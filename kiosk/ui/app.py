"""The Kivy shell. It draws the screen the core hands it, forwards touches and keys as control ids,
and carries out the core's actions (save, withdraw, speak, listen). It decides nothing itself.

The window is put together from parts (see kiosk.ui.base): render, keyboard, input and probe.
This module carries out the core's actions, speaks, listens, and keeps the idle timer.

Import only after kiosk.ui.runtime.configure_kivy() has run.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.widget import Widget

from kiosk.core.hangul import Composer
from kiosk.core.pack import N_
from kiosk.core.screens import (
    TEXT_SIZE_FACTORS,
    Action,
    ApplySettings,
    BeginParticipant,
    Control,
    EndParticipant,
    Listen,
    PrintCode,
    SaveAnswer,
    Say,
    Screen,
    Settings,
    Show,
    StopListening,
    Withdraw,
)
from kiosk.core.session import Session
from kiosk.speech.ports import Recorder, SilentVoice, SpeechIn, SpeechOut
from kiosk.ui.base import ShellOptions
from kiosk.ui.input import InputMixin
from kiosk.ui.keyboard import KeyboardMixin
from kiosk.ui.probe import TraceMixin
from kiosk.ui.render import RenderMixin
from kiosk.ui.text import FONTS, find_font
from kiosk.ui.theme import FOCUS_OUTLINE_PX, THEMES, Metrics, metrics_for
from kiosk.ui.widgets import KioskRoot

KV_DIR = Path(__file__).parent

__all__ = ["KioskApp", "ShellOptions"]


# The longest the kiosk's own speech may hold back the idle timeout, in seconds (the longest
# screen, Review read at the slowest speed, takes about two minutes).
MAX_IDLE_HOLD = 300.0


class KioskApp(RenderMixin, KeyboardMixin, InputMixin, TraceMixin, App):
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
                 on_staff: Callable[[KioskApp], None] | None = None,
                 recorder: Recorder | None = None,
                 printer: Callable[[PrintCode], None] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.title = "Kiosk"
        self.session = session
        self.store = store
        self.voice: SpeechOut = voice or SilentVoice()
        self.listener = listener
        self.recorder = recorder  # staff mode's "Record my voice"; never used on participants
        self.options = options or ShellOptions()
        self.on_staff = on_staff
        # Prints a withdrawal code slip (kiosk.printing, wired by bootstrap); None: no printer.
        self.printer = printer
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
        self._idle_due: float | None = None  # when the idle time first ran out while speaking
        self._trace_file: Any = None
        self._pack_recorded = False
        self._steps = list(self.options.rehearsal or [])
        self._latin_font = find_font(FONTS["latin"]) or "Roboto"
        self._korean_font = find_font(FONTS["ko"])
        self._long_press: Any = None
        self.staff_open = False
        self.kept_staff: Any = None  # staff mode locked with an unsaved pack (see StaffMode)
        self._listen_id = 0
        self._notice_is_status = False
        self._keyboard_page = 0
        self._keyboard_pages = 1
        self._keyboard_open = False  # the typing screen's full-screen keyboard is showing
        self._composer = Composer()  # the Korean syllable block being typed
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
        # Staff's preview of a pack (kiosk.ui.staff): the kiosk's own session waits here, and
        # `_preview_done` takes staff back when the preview ends.
        self._kiosk_session: Session | None = None
        self._preview_done: Callable[[bool], None] | None = None
        self._preview_over = False
        self._timing_out = False  # the idle timer is ending the session (see _end_preview)

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
                if self._preview_over:
                    break  # the preview's own Welcome is never shown: staff go back instead
                self._perform_one(action, listens)
        finally:
            if outer:
                self._performing = False
        if outer and self._preview_over:
            self._end_preview()
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
            self._store_call(self._begin_participant, action.session)
        elif isinstance(action, SaveAnswer):
            if self._store_call(self._save_answer, action.answer):
                self.trace("saved", question=action.answer.question_id,
                           seq=action.answer.seq, method=action.answer.method)
        elif isinstance(action, Withdraw):
            self._store_call(self._withdraw, action.participant_id)
            self.trace("withdrawn")
        elif isinstance(action, EndParticipant):
            self.explored = None
            self._keyboard_open = False
            self.trace("ended")
            if self._preview_done is not None:
                self._preview_over = True
        elif isinstance(action, Listen):
            self._listen(action)
        elif isinstance(action, StopListening):
            self._listen_id += 1
            if self.listener:
                self.listener.cancel()
        elif isinstance(action, PrintCode):
            self._print(action)

    def _print(self, job: PrintCode) -> None:
        """Print in the background (a printer can be slow or stuck); a failure is said."""
        printer = self.printer
        if printer is None:
            return

        def work() -> None:
            try:
                printer(job)
            except Exception as exc:  # an unplugged printer must not crash the kiosk
                why = str(exc)
                Clock.schedule_once(lambda dt: self._print_failed(job.language, why))
            else:
                Clock.schedule_once(lambda dt: self.trace("printed"))

        threading.Thread(target=work, name="kiosk-print", daemon=True).start()

    def _print_failed(self, language: str, why: str) -> None:
        self.trace("print-failed", why=why)
        self.speak(self.session.translate(language, N_(
            "Sorry, your code could not be printed. Please ask a member of staff for help.")),
            language)

    def _store_call(self, write: Callable[[Any], None], argument: Any) -> bool:
        """Write to the store (when there is one); a failure is said, never a crash."""
        if self.store is None:
            return True
        try:
            write(argument)
            return True
        except Exception as exc:  # a full disk or a pulled card must not crash the kiosk
            self.trace("store-error", error=str(exc))
            language = self.session.language
            self.speak(self.session.translate(
                language, N_("Sorry, your answer could not be saved. Please ask a member of "
                             "staff for help.")), language)
            return False

    def _begin_participant(self, participant: Any) -> None:
        """Record the pack the first time it is used (with its source, for exports), then the
        participant."""
        if not self._pack_recorded:
            pack = self.session.pack
            source = Path(pack.source).read_text(encoding="utf-8") \
                if Path(pack.source).exists() else ""
            self.store.record_pack(pack.id, pack.version,
                                   pack.title.get(pack.default_language), source)
            self._pack_recorded = True
        self.store.begin_participant(participant)

    def _save_answer(self, answer: Any) -> None:
        self.store.save_answer(answer)

    def _withdraw(self, participant_id: str) -> None:
        self.store.withdraw(participant_id)

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

    def _next_step(self) -> None:
        event, argument = self._steps.pop(0)
        if event == "press":
            self.activate(argument)
        elif event == "type":
            self.perform(self.session.set_draft(argument))
            if self.screen_model:
                self.render(self.screen_model.with_draft(argument))

    def open_staff(self) -> None:
        """Open staff mode (behind its PIN); during staff's preview, end the preview instead."""
        self.trace("staff")
        if self._preview_done is not None:
            self.perform(self.session.end())
        elif self.on_staff and not self.staff_open:
            self.on_staff(self)

    @property
    def previewing(self) -> bool:
        """Whether staff's preview of a pack is being shown."""
        return self._preview_done is not None

    def start_preview(self, preview: Session, done: Callable[[bool], None]) -> None:
        """Show staff's preview session (Session.preview_of) in the participant's screens; the
        kiosk's own session waits. When the preview ends (finished, declined, timed out, or
        the staff shortcut), the kiosk's session comes back and `done` is called, told
        whether the preview timed out (nobody was there: staff mode must not open again
        without its PIN)."""
        self._kiosk_session, self.session = self.session, preview
        self._preview_done = done
        self._preview_over = False
        self.explored = None
        self._keyboard_open = False
        self.trace("preview", pack=preview.pack.id, version=preview.pack.version)
        self.text_input_on()  # staff mode's fields let go of the keyboard as it hid
        self.perform(preview.start())

    def _end_preview(self) -> None:
        done = self._preview_done
        assert self._kiosk_session is not None and done is not None
        self._preview_over = False
        self._preview_done = None
        self.session, self._kiosk_session = self._kiosk_session, None
        self._listen_id += 1
        if self.listener:
            self.listener.cancel()
        self.voice.stop()
        self.apply_settings(self.session.settings)  # the preview's text size and colours go
        self.trace("preview-ended", timed_out=self._timing_out)
        done(self._timing_out)

    def staff_closed(self) -> None:
        """Staff mode closed: back to a fresh Welcome."""
        self.staff_open = False
        self.text_input_on()
        self.perform(self.session.end())

    def text_input_on(self) -> None:
        """Let typed characters reach the participant's screens again. With SDL2, a Kivy text
        field letting go of the keyboard (staff mode's fields, when it closes) stops text
        input for the whole window, and an answer typed afterwards never arrived. Again a
        moment later: the window lets go of a keyboard it finds unshown on its next check."""
        def on(*_: Any) -> None:
            storage = getattr(Window, "_win", None)
            if not self.staff_open and storage is not None and hasattr(storage,
                                                                       "show_keyboard"):
                storage.show_keyboard(Window._system_keyboard, Window.softinput_mode, "text")
        on()
        Clock.schedule_once(on, 0.5)

    def replace_pack(self, pack: Any) -> None:
        """Ask a different question pack from the next participant on."""
        self.session.replace_pack(pack)
        self._pack_recorded = False
        self.session.end()

    def _restart_idle(self) -> None:
        self._idle_due = None
        if self._idle_event is not None:
            self._idle_event.cancel()
            self._idle_event = None
        delay = self.session.idle_delay()
        if delay is not None:
            self._idle_event = Clock.schedule_once(lambda dt: self._idle_timeout(), delay)

    def _idle_timeout(self) -> None:
        self._idle_event = None
        # The countdown runs from the end of what the kiosk said, not from the last key: a
        # long screen read slowly ("Are you still there?" itself, the thanks screen and its
        # code) leaves the whole time to answer once it has been heard.
        delay = self.session.idle_delay()
        left = (delay or 0.0) - self.voice.quiet_for()
        now = time.monotonic()
        if self._idle_due is None:
            self._idle_due = now
        # Never held for ever: speech that never ends (a stuck sound device) must not keep one
        # person's answers on the screen for the next.
        if delay is not None and left > 0.05 and now - self._idle_due < MAX_IDLE_HOLD:
            self._idle_event = Clock.schedule_once(lambda dt: self._idle_timeout(), left)
            return
        self._idle_due = None
        self._timing_out = True
        try:
            self.perform(self.session.timeout())
        finally:
            self._timing_out = False
