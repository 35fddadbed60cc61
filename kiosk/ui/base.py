"""What the parts of the shell share: the state of the window, declared once.

`KioskApp` (kiosk.ui.app) is put together from parts, one concern each: drawing a screen
(kiosk.ui.render), the on-screen keyboard (kiosk.ui.keyboard), focus, keys and touches
(kiosk.ui.input), and tracing for tests and rehearsals (kiosk.ui.probe). Each part reads and
changes the state declared here; a method one part calls on another is declared here too, so
that each part type-checks on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.hangul import Composer
from kiosk.core.screens import Action, Control, Screen, Settings
from kiosk.core.session import Session
from kiosk.speech.ports import Recorder, SpeechIn, SpeechOut
from kiosk.ui.theme import Metrics


@dataclass
class ShellOptions:
    """How the shell runs."""

    screenshots: Path | None = None  # save one PNG of each screen shown, numbered, here
    trace: Path | None = None  # write a JSON line for each screen, speech and save, for tests
    screen_width_mm: float | None = None
    rehearsal: list[tuple[str, str]] | None = None  # scripted (event, argument) steps
    pages: bool = False  # a screen that scrolls: one screenshot per screenful, -p1, -p2...
    # Written by the USB-stick sync (deploy/usb-sync.sh): shown on screen while it is fresh.
    status_file: Path | None = None
    staff_lock_seconds: float = 180.0  # staff mode locks itself after this long unused


class ShellBase:
    """The shell's shared state (set in KioskApp.__init__) and the methods its parts call on
    one another. Annotations only, for the type checker: nothing here exists at run time, so
    nothing shadows Kivy's App."""

    # Kivy properties of KioskApp.
    font_px: float
    target_px: float
    gap_px: float
    font_name: str
    more_text: str
    notice: str
    curtain: bool
    root: Any  # KioskRoot, once built
    stop: Callable[..., Any]  # App.stop

    session: Session
    store: Any
    voice: SpeechOut
    listener: SpeechIn | None
    recorder: Recorder | None
    options: ShellOptions
    screen_model: Screen | None
    settings: Settings
    metrics: Metrics
    widgets: dict[str, Any]  # control id: its widget on the screen shown
    focus_order: list[str]
    focus_index: int
    explored: str | None
    shots: int
    last_touch: tuple[str, float]
    staff_open: bool
    kept_staff: Any  # staff mode locked with an unsaved pack: reopened by the PIN
    named: set[str]  # controls whose name was said since their screen appeared
    extra_controls: dict[str, Control]  # controls the shell adds: the on-screen keyboard's keys
    visual_order: list[str]
    _latin_font: str
    _korean_font: str | None
    _long_press: Any
    _trace_file: Any
    _steps: list[tuple[str, str]]
    _keyboard_page: int
    _keyboard_pages: int
    _keyboard_open: bool  # the typing screen's full-screen keyboard is showing
    _composer: Composer  # the Korean syllable block being typed
    _first_frame: bool
    _frames: int  # frames drawn so far
    _render_frame: int  # ... when the current screen was rendered

    perform: Callable[[list[Action]], None]
    speak: Callable[..., None]
    speak_screen: Callable[[Screen], None]
    open_staff: Callable[[], None]
    _next_step: Callable[[], None]
    render: Callable[[Screen], None]
    font_for: Callable[[str], str]
    _control: Callable[[str], Control]
    _render_keyboard: Callable[[Screen], None]
    _type_key: Callable[[str], None]
    _edit_draft: Callable[[str], None]
    _open_keyboard: Callable[[Screen], None]
    _current_focus: Callable[[], str | None]
    _set_focus: Callable[..., None]
    _announce_focus: Callable[[], None]
    touched: Callable[[str], None]
    activate: Callable[[str], None]
    trace: Callable[..., None]
    _trace_screen: Callable[[Screen], None]
    save_screenshot: Callable[[Path], Path]
    _unbroken: Callable[[str, float], str]
    _content_width: Callable[[], float]
    _restart_idle: Callable[[], None]
    _save_pages: Callable[..., None]
