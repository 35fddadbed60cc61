"""Putting the kiosk together: pack, store, translations, scrubber, speech, and the Kivy window.

Used by `kiosk run` and `kiosk rehearse`. Imports Kivy only after configuring it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kiosk.core.pack import QuestionPack, default_pack_path, load_pack
from kiosk.core.redact import describe_removed, redact
from kiosk.core.screens import IdleTimes
from kiosk.core.session import Session
from kiosk.i18n import Catalogs
from kiosk.staff import StaffSettings
from kiosk.ui import runtime


@dataclass
class LaunchOptions:
    """Everything `kiosk run` and `kiosk rehearse` can set."""

    data_dir: Path
    pack: Path | None = None
    width: int = 800
    height: int = 480
    fullscreen: bool = False
    screenshots: Path | None = None
    trace: Path | None = None
    screen_width_mm: float | None = None
    idle_seconds: float = 60.0
    warning_seconds: float = 30.0
    voice: bool = True
    rehearsal: list[tuple[str, str]] | None = None
    first_steps: list[tuple[str, str]] = field(default_factory=list)
    store: bool = True


def active_pack(options: LaunchOptions) -> QuestionPack:
    """The pack given, else the one staff chose, else the built-in one. Raises PackError."""
    path = options.pack
    if path is None:
        chosen = StaffSettings(options.data_dir).load().pack
        path = Path(chosen) if chosen else default_pack_path()
    pack, _warnings = load_pack(path)
    return pack


def build_session(pack: QuestionPack, catalogs: Catalogs, options: LaunchOptions,
                  event_id: str | None = None) -> Session:
    """The core session with the real translations and the real personal-details scrubber."""
    return Session(
        pack, translate=catalogs.translate, scrub=redact,
        describe_removed=describe_removed, today=date.today, event_id=event_id,
        times=IdleTimes(idle=options.idle_seconds, warning=options.warning_seconds))


def run(options: LaunchOptions) -> int:
    """Start the kiosk window and return when it closes. Returns an exit status."""
    from kiosk.store import Store
    from kiosk.store.db import store_in

    pack = active_pack(options)
    started_display = False
    if not runtime.has_display():
        runtime.start_virtual_display(options.width, options.height)
        started_display = True
        if options.screenshots is None:
            options.screenshots = options.data_dir / "screenshots"
        print(f"No display found: started a virtual one; a screenshot of each screen goes to "
              f"{options.screenshots}", file=sys.stderr)
    runtime.configure_kivy(options.data_dir, options.width, options.height, options.fullscreen)
    store = Store(store_in(options.data_dir)) if options.store else None
    catalogs = Catalogs()
    event_id = StaffSettings(options.data_dir).load().event_id or None
    session = build_session(pack, catalogs, options, event_id)

    from kiosk.ui.app import KioskApp, ShellOptions
    from kiosk.ui.staff import open_staff_mode

    shell = ShellOptions(screenshots=options.screenshots, trace=options.trace,
                         screen_width_mm=options.screen_width_mm, rehearsal=options.rehearsal)
    app = KioskApp(session, store=store, options=shell,
                   on_staff=lambda a: open_staff_mode(a, options.data_dir))
    try:
        app.run()
    finally:
        if store is not None:
            store.close()
        if started_display:
            runtime.stop_virtual_display()
    return 0
