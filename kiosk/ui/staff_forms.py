"""Staff mode's forms: name the session, withdraw by code, and sync (to a stick's shared store
file or a hub, in a thread, with a progress bar). Drawn with staff mode's own building blocks,
so the same large print, focus order and speech hold."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import NumericProperty
from kivy.uix.widget import Widget

if TYPE_CHECKING:
    from kiosk.ui.staff import StaffMode

# Where deploy/usb-sync.sh mounts a USB stick.
DEFAULT_SYNC_TARGET = "/media/kiosk-usb/kiosk-shared.db"

Builder.load_string("""
<StaffProgress>:
    size_hint_y: None
    height: app.target_px / 2
    canvas:
        Color:
            rgba: app.fg
        Rectangle:
            pos: self.pos
            size: self.width * max(0, min(1, self.value)), self.height
        Line:
            rectangle: (self.x + 1.5, self.y + 1.5, self.width - 3, self.height - 3)
            width: 1.5
""")


class StaffProgress(Widget):
    """A progress bar in the theme's text colour (Kivy's own is grey and blue)."""

    value = NumericProperty(0.0)


class StaffForms:
    """The forms of one staff mode, reached from its menu."""

    def __init__(self, mode: StaffMode):
        self.mode = mode

    @contextmanager
    def _form(self, name: str, title: str, how: str) -> Iterator[StaffMode]:
        """One form's screen: its title and how to fill it in, then what the block adds (fields
        and buttons), then Cancel; shown, and `how` said, when the block ends."""
        mode = self.mode
        mode._begin(name, mode.show_menu)
        mode._text(title, bold=True)
        mode._text(how)
        yield mode
        mode._button("Cancel", mode.show_menu)
        mode._show(name, title, said=how)

    def show_event_form(self) -> None:
        """Event name and venue, typed on a keyboard."""
        with self._form("event-form", "Name the session",
                        "Type the event name and the venue; Tab moves on.") as mode:
            name = mode._field("Event name")
            venue = mode._field("Venue")
            mode._button("Save", lambda: self._save_event(name.text, venue.text))

    def _save_event(self, name: str, venue: str) -> None:
        event_name, where = name.strip()[:200], venue.strip()[:200]
        if not event_name:
            self.mode.show_menu("The session needs a name: nothing was changed.")
            return
        if self.mode.app.store is not None:
            event_id = self.mode.app.store.start_event(event_name, where, date.today())
            self.mode.settings.update(event_id=event_id)
            self.mode.app.session.set_event(event_id)
        self.mode.show_menu(f"The session is named: {event_name}"
                            + (f", {where}." if where else "."))

    def show_withdraw_form(self) -> None:
        """Withdraw, after the event, the participant who was given a code on the thanks
        screen: staff type the words the participant reads out or shows them."""
        how = ("Type the code words the participant was given, in any of the kiosk's "
               "languages; accents may be left out. Their answers are deleted. Nothing says "
               "who it was.")
        with self._form("withdraw-form", "Withdraw by code", how) as mode:
            code = mode._field("Code words")
            mode._button("Withdraw", lambda: self._withdraw(code.text))

    def _withdraw(self, text: str) -> None:
        from kiosk.core.withdrawal import CODE_WORDS, normalise_code, positions_of

        store = self.mode.app.store
        if store is None:
            self.mode.show_menu("Nothing to withdraw from: this kiosk has no store.")
            return
        if not normalise_code(text):
            self.mode.show_menu(f"Nothing was changed: type the {CODE_WORDS} words of the code.")
            return
        from kiosk.store.db import ALREADY_WITHDRAWN, WITHDRAWN

        outcome = store.withdraw_code(text)
        if outcome == ALREADY_WITHDRAWN:
            self.mode.show_menu("That code's participant had already withdrawn; their answers "
                                "were deleted then. Nothing more to do.")
        elif outcome == WITHDRAWN:
            self.mode.show_menu("Withdrawn: the answers of the participant with that code are "
                                "deleted, and the next syncs carry the withdrawal.")
        else:
            # Said apart from a real code nobody here has, so staff know to ask again.
            words = ("" if positions_of(text) else
                     f" Those are not {CODE_WORDS} code words of any of the kiosk's languages.")
            self.mode.show_menu("No participant on this kiosk has that code; nothing was "
                                f"changed.{words} Check the words with the participant.")

    def show_sync_form(self) -> None:
        """Where to sync (a shared store file, e.g. on a USB stick, or a hub), then sync."""
        from kiosk.store.hub.pairing import read_pairing
        from kiosk.store.hub.token import HubError

        try:
            paired = read_pairing(self.mode.data_dir)
        except HubError:
            paired = None
        with self._form("sync-form", "Sync",
                        "Sync to a shared store file or a hub (https://HOST:PORT).") as mode:
            target = mode._field("Where to sync",
                                 mode.settings.load().sync_target or DEFAULT_SYNC_TARGET)
            # A secret while it lives, so typed like a password: never said aloud.
            code = mode._field("Pairing code, for a new hub only" if not paired
                               else f"Paired with {paired.url}; a code pairs with another hub",
                               password=True)

            def spell_code() -> None:
                # Never said on its own; a staff member who cannot see the dots asks to hear
                # what they typed, letter by letter (with headphones, or the hall quiet),
                # before pairing.
                typed = [ch for ch in code.text if not ch.isspace()]
                mode._say(", ".join(typed) + "." if typed else "No code typed yet.")

            mode._button("Say the code I typed", spell_code)
            mode._button("Start", lambda: self._sync(target.text.strip(), code.text.strip()))

    def _sync(self, target: str, code: str = "") -> None:
        store = self.mode.app.store
        if store is None or not target:
            self.mode.show_menu("Nothing to sync: no store, or no place to sync to.")
            return
        self.mode.settings.update(sync_target=target)
        self.mode._begin("syncing", None)  # Escape says to wait: a sync is not stopped half-way
        # The file's name is enough on a small screen (the folder is in the form).
        where = target if "://" in target else Path(target).name
        title = f"Syncing to {where}…"
        self.mode._text(title, bold=True)
        bar = StaffProgress()
        self.mode.box.add_widget(bar)
        self.mode._show("syncing", title, said="Please wait.", focus=None)
        from kiosk.store.db import Store
        from kiosk.store.hub.target import sync_to_target
        from kiosk.store.sync import SyncError

        def progress(done: int, total: int) -> None:
            Clock.schedule_once(lambda dt: setattr(bar, "value", done / max(1, total)))

        def work() -> None:
            # The sync uses its own connection: SQLite connections stay in their own thread.
            own = Store(store.path)
            try:
                report = sync_to_target(own, target, self.mode.data_dir, progress=progress,
                                        pairing_code=code or None)
                # Rows refused one by one stay on this kiosk: staff hear it, as the CLI says it.
                message = " ".join(filter(None, (report.message(), report.kept_back_line())))
                # The file's name is enough on a small screen (the folder is in the form).
                message = message.replace(target, Path(target).name)
            except SyncError as exc:
                message = f"Sync failed: {exc}"
            except Exception as exc:  # a pulled stick, a full disk: say so, keep the kiosk
                message = f"Sync failed: {exc}"
            finally:
                own.close()
            # The menu says the result aloud, first.
            Clock.schedule_once(lambda dt: self.mode.show_menu(message))

        threading.Thread(target=work, name="kiosk-staff-sync", daemon=True).start()
