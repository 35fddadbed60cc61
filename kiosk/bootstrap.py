"""Putting the kiosk together: pack, store, translations, scrubber, speech, and the Kivy window.

Used by `kiosk run` and `kiosk rehearse`. Imports Kivy only after configuring it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.core.pack import QuestionPack, default_pack_path, load_pack
from kiosk.core.redact import describe_removed, redact
from kiosk.core.screens import IdleTimes
from kiosk.core.session import Session, first_speeches
from kiosk.i18n import Catalogs
from kiosk.ids import new_id, random_below
from kiosk.printing.receipt import ReceiptPrinter, find_printer
from kiosk.staff.settings import StaffSettings
from kiosk.ui import runtime

if TYPE_CHECKING:
    from kiosk.speech.voice import VoiceIn, VoiceOut


PRIVATE_UMASK = 0o077  # files the kiosk creates are 0600, folders 0700


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
    staff_lock_seconds: float = 180.0  # staff mode locks itself after this long unused
    voice: bool = True
    audio_device: str | None = None  # sounddevice name; None: PulseAudio if present, else default
    headphones: str | None = None  # PulseAudio sink of a headphones output, if the kiosk has one
    printer: Path | None = None  # a receipt printer's device, for "Print my code"
    rehearsal: list[tuple[str, str]] | None = None
    pages: bool = False  # screenshots of every screenful of a screen that scrolls
    store: bool = True


def active_pack(options: LaunchOptions) -> QuestionPack:
    """The pack given, else the one staff chose, else the built-in one. Raises PackError."""
    path = options.pack
    if path is None:
        path = StaffSettings(options.data_dir).chosen_pack() or default_pack_path()
    pack, _warnings = load_pack(path)
    return pack


def build_session(pack: QuestionPack, catalogs: Catalogs, options: LaunchOptions,
                  event_id: str | None = None) -> Session:
    """The core session with the real translations and the real personal-details scrubber."""
    return Session(
        pack, translate=catalogs.translate, scrub=redact,
        describe_removed=describe_removed, today=date.today, new_id=new_id,
        random_below=random_below, event_id=event_id,
        times=IdleTimes(idle=options.idle_seconds, warning=options.warning_seconds))


def start_voice(options: LaunchOptions) -> tuple[VoiceOut | None, VoiceIn | None]:
    """The speaker and the listener, or (None, None) with one line saying why, so the kiosk
    carries on by touch and keys."""
    if not options.voice:
        return None, None
    try:
        from kiosk.speech.out import Speaker
        from kiosk.speech.voice import VoiceIn, VoiceOut

        speaker = Speaker(device=options.audio_device)
    except Exception as exc:  # no sound system at all
        print(f"Speech is off: no sound output could be opened ({exc}); check the speaker or "
              "headphones with: kiosk doctor", file=sys.stderr)
        return None, None
    headphones = options.headphones
    if headphones and not pulse_sink_exists(headphones):
        print(f"Headphones output '{headphones}' not found (pactl list short sinks lists the "
              "outputs); 'Headphones only' is not offered", file=sys.stderr)
        headphones = None
    return VoiceOut(speaker, headphones), VoiceIn(speaker, device=options.audio_device)


def start_printer(path: Path | None) -> ReceiptPrinter | None:
    """The receipt printer, if one is configured and there; else None with one line saying
    why, and "Print my code" is not offered."""
    if path is None:
        return None
    found = find_printer(path)
    if found is None:
        print(f"Printer '{path}' not found (plug it in, or check --printer / $KIOSK_PRINTER); "
              "'Print my code' is not offered", file=sys.stderr)
        return None
    return ReceiptPrinter(found)


def pulse_sink_exists(name: str) -> bool:
    """Whether PulseAudio (or PipeWire's PulseAudio server) has an output sink of this name."""
    try:
        listed = subprocess.run(["pactl", "list", "short", "sinks"], capture_output=True,
                                text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return any(line.split("\t")[1:2] == [name] for line in listed.stdout.splitlines())


def prerender_speech(voice_out: VoiceOut, pack: QuestionPack, catalogs: Catalogs,
                     voice_in: VoiceIn | None) -> None:
    """Render what each screen says in the background, so speech starts at once."""
    from kiosk.speech.models import find_model

    def work() -> None:
        for language in pack.languages:
            voice = voice_in is not None and find_model(language) is not None
            texts = first_speeches(pack, catalogs.translate, language, voice)
            try:
                voice_out.speaker.prerender([(text, language) for text in texts])
            except Exception as exc:  # speech is rendered on demand instead
                print(f"Speech could not be prepared for '{language}' ({exc})", file=sys.stderr)

    threading.Thread(target=work, name="kiosk-prerender", daemon=True).start()


def run(options: LaunchOptions) -> int:
    """Start the kiosk window and return when it closes. Returns an exit status."""
    from kiosk.store import Store
    from kiosk.store.db import store_in

    # Answers, staff settings and screenshots are the owner's only (0600 files, 0700 folders),
    # also when the shell is started without the `kiosk` command.
    os.umask(PRIVATE_UMASK)
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
                         screen_width_mm=options.screen_width_mm, rehearsal=options.rehearsal,
                         pages=options.pages,
                         status_file=options.data_dir / "usb-status.json",
                         staff_lock_seconds=options.staff_lock_seconds)
    voice_out, voice_in = start_voice(options)
    session.set_headphones_available(voice_out is not None and voice_out.headphones is not None)
    recorder = None
    if voice_out is not None:
        from kiosk.speech.record import MicrophoneRecorder

        recorder = MicrophoneRecorder(device=options.audio_device)
    printer = start_printer(options.printer)
    session.set_printer_available(printer is not None)
    app = KioskApp(session, store=store, voice=voice_out, listener=voice_in, options=shell,
                   on_staff=lambda a: open_staff_mode(a, options.data_dir), recorder=recorder,
                   printer=printer.print_code if printer is not None else None)
    if voice_out is not None and options.trace:
        # Tests answer aloud only once the kiosk has finished speaking, as a person would.
        voice_out.speaker.on_start = lambda u: app.trace_soon("speaking", text=u.text)
        voice_out.on_finish = lambda u, done: app.trace_soon("spoken", completed=done,
                                                                  text=u.text)
    if voice_out is not None:
        prerender_speech(voice_out, pack, catalogs, voice_in)
        # Speech that fails cannot say so: the screen does.
        voice_out.speaker.on_error = lambda utterance, why: app.speech_failed(why)
    if voice_in is not None:
        voice_in.on_lost = lambda language, why: app.voice_status(language, False, why)
        # Models load in the background: Welcome is usable at once, by touch and keys.
        voice_in.load(pack.languages, app.voice_status)
    try:
        app.run()
    finally:
        if voice_in is not None:
            voice_in.cancel()
        if recorder is not None:
            recorder.cancel()
        if voice_out is not None:
            voice_out.speaker.close()
        if store is not None:
            store.close()
        if started_display:
            runtime.stop_virtual_display()
    return 0
