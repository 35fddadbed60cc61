"""Staff mode: behind a long press on the top left corner (or Ctrl+Alt+S) and a PIN.

Staff choose the question pack, name the session (event and venue), see how many contributions
there are, and can leave kiosk mode. The PIN is checked by kiosk.staff (hashed, with lockout).
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.modalview import ModalView
from kivy.uix.progressbar import ProgressBar
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput

from kiosk.core.pack import PackError, default_pack_path, load_pack
from kiosk.staff import StaffSettings
from kiosk.ui.app import KioskApp, KioskButton, TextBlock
from kiosk.ui.staff_packs import available_packs

# Where deploy/usb-sync.sh mounts a USB stick.
DEFAULT_SYNC_TARGET = "/media/kiosk-usb/kiosk-shared.db"


class StaffMode(ModalView):
    """A full-screen panel over the kiosk; the participant's session is ended first."""

    def __init__(self, app: KioskApp, data_dir: Path, **kwargs: Any):
        super().__init__(auto_dismiss=False, background_color=app.bg, **kwargs)
        self.app = app
        self.data_dir = data_dir
        self.settings = StaffSettings(data_dir)
        self.pin = ""
        # Scrolls if a screen is taller than the window, so no staff button is ever out of reach.
        self.box = BoxLayout(orientation="vertical", padding=app.gap_px, spacing=app.gap_px,
                             size_hint_y=None)
        self.box.bind(minimum_height=self.box.setter("height"))
        scroller = ScrollView(do_scroll_x=False)
        scroller.add_widget(self.box)
        self.add_widget(scroller)
        self.show_pin()

    def _shown(self, name: str) -> None:
        """Trace the staff screen and where its buttons are (for tests), once it is laid out."""
        def trace(dt: float) -> None:
            boxes = {}
            for widget in self.box.walk(restrict=True):
                if isinstance(widget, KioskButton) and widget.text:
                    x, y = widget.to_window(widget.x, widget.y)
                    top = Window.height - (y + widget.height)
                    boxes[widget.text] = [round(x), round(top), round(widget.width),
                                          round(widget.height)]
            texts = [w.text for w in self.box.walk(restrict=True) if isinstance(w, TextBlock)]
            self.app.trace("staff-screen", name=name, controls=boxes, text="\n".join(texts))
        Clock.schedule_once(trace, 0.3)

    def _text(self, text: str) -> TextBlock:
        return TextBlock(text=text, font_size=self.app.metrics.text(0.6))

    def _button(self, label: str, action: Any) -> KioskButton:
        # Staff screens are for staff: a smaller size keeps each menu on one 7-inch screen.
        button = KioskButton(text=label, font_size=self.app.metrics.text(0.7), wide=False,
                             min_height=self.app.metrics.target)
        button.bind(on_release=lambda b: action())
        return button

    def _grid(self, cols: int) -> GridLayout:
        grid = GridLayout(cols=cols, spacing=self.app.gap_px / 2, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        return grid

    def show_pin(self, message: str = "") -> None:
        """The PIN keypad, or why staff mode cannot open now."""
        self.box.clear_widgets()
        if not self.settings.has_pin():
            self.box.add_widget(self._text("Staff mode: no PIN is set on this kiosk. Set one "
                                           "with the command: kiosk staff-pin"))
            self.box.add_widget(self._button("Back to the kiosk", self.dismiss))
            self._shown("no-pin")
            return
        locked = self.settings.seconds_locked()
        if locked:
            self.box.add_widget(self._text(f"Staff mode is locked for {locked // 60 + 1} "
                                           "minutes after too many wrong PINs."))
            self.box.add_widget(self._button("Back to the kiosk", self.dismiss))
            self._shown("locked")
            return
        self.box.add_widget(self._text(message or "Staff PIN: " + "•" * len(self.pin)))
        keys = self._grid(6)
        for digit in "1234567890":
            keys.add_widget(self._button(digit, lambda d=digit: self._digit(d)))
        keys.add_widget(self._button("Delete", lambda: self._digit("")))
        keys.add_widget(self._button("OK", self._check))
        self.box.add_widget(keys)
        self.box.add_widget(self._button("Cancel", self.dismiss))
        self._shown("pin")

    def _digit(self, digit: str) -> None:
        self.pin = self.pin + digit if digit else self.pin[:-1]
        self.show_pin()

    def _check(self) -> None:
        pin, self.pin = self.pin, ""
        if self.settings.check_pin(pin):
            self.show_menu()
        else:
            self.show_pin("Wrong PIN. Try again.")

    def show_menu(self, message: str = "") -> None:
        """Counts, the active pack and event, and what staff can change."""
        self.box.clear_widgets()
        store = self.app.store
        counts = store.counts() if store is not None else None
        config = self.settings.load()
        pack = self.app.session.pack
        event = store.event(config.event_id) if store is not None and config.event_id else None
        lines = [
            message,
            f"Pack: {pack.title.get(pack.default_language)} ({pack.id}, version {pack.version})",
            f"Session: {event['name']}, {event['venue']}, {event['date']}" if event
            else "Session: not named",
            f"Contributions: {counts.participants} people, {counts.answers} answers, "
            f"{counts.withdrawn} withdrawn" if counts else "Contributions: no store",
        ]
        self.box.add_widget(self._text("\n".join(line for line in lines if line)))
        row = self._grid(2)
        row.add_widget(self._button("Next pack", self._next_pack))
        row.add_widget(self._button("Name the session", self.show_event_form))
        row.add_widget(self._button("Sync", self.show_sync_form))
        row.add_widget(self._button("Back to the kiosk", self.dismiss))
        row.add_widget(self._button("Leave kiosk mode", self.app.stop))  # last: rarely wanted
        self.box.add_widget(row)
        self._shown("menu")

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
        self.settings.update(pack="" if path == default_pack_path() else str(path))
        self.app.replace_pack(pack)
        self.show_menu(f"Now using {path.name}.")

    def show_event_form(self) -> None:
        """Event name and venue, typed on a keyboard."""
        self.box.clear_widgets()
        font = self.app.metrics.text(0.8)
        name = TextInput(hint_text="Event name", font_size=font, multiline=False,
                         size_hint_y=None, height=self.app.metrics.target)
        venue = TextInput(hint_text="Venue", font_size=font, multiline=False,
                          size_hint_y=None, height=self.app.metrics.target)
        self.box.add_widget(name)
        self.box.add_widget(venue)

        def save() -> None:
            if not name.text.strip():
                self.show_menu("The session needs a name: nothing was changed.")
                return
            if self.app.store is not None:
                event_id = self.app.store.start_event(name.text.strip()[:200],
                                                      venue.text.strip()[:200], date.today())
                self.settings.update(event_id=event_id)
                self.app.session.event_id = event_id
            self.show_menu("The session is named.")

        self.box.add_widget(self._button("Save", save))
        self.box.add_widget(self._button("Cancel", self.show_menu))
        name.focus = True
        self._shown("event-form")

    def show_sync_form(self) -> None:
        """Where to sync (a shared store file, e.g. on a USB stick, or a hub), then sync."""
        self.box.clear_widgets()
        font = self.app.metrics.text(0.7)
        self.box.add_widget(self._text("Sync to a shared store file or a hub (http://HOST:PORT):"))
        target = TextInput(text=self.settings.load().sync_target or DEFAULT_SYNC_TARGET,
                           font_size=font, multiline=False, size_hint_y=None,
                           height=self.app.metrics.target)
        self.box.add_widget(target)
        from kiosk.store.hub import read_token

        kept = read_token(self.data_dir)
        token = TextInput(hint_text="Hub token (for a hub only)" if not kept
                          else "Hub token kept; type a new one to replace it",
                          font_size=font, multiline=False, password=True, size_hint_y=None,
                          height=self.app.metrics.target)
        self.box.add_widget(token)
        self.box.add_widget(self._button(
            "Start", lambda: self._sync(target.text.strip(), token.text.strip())))
        self.box.add_widget(self._button("Cancel", self.show_menu))
        self._shown("sync-form")

    def _sync(self, target: str, token: str = "") -> None:
        store = self.app.store
        if store is None or not target:
            self.show_menu("Nothing to sync: no store, or no place to sync to.")
            return
        if token:
            # Kept in the data folder, readable by the kiosk only, for every later sync.
            from kiosk.store.hub import HubError, save_token
            try:
                save_token(self.data_dir, token)
            except (HubError, OSError) as exc:
                self.show_menu(f"The hub token was not kept: {exc}")
                return
        self.settings.update(sync_target=target)
        self.box.clear_widgets()
        self.box.add_widget(self._text(f"Syncing to {target}…"))
        bar = ProgressBar(max=1, value=0, size_hint_y=None, height=self.app.metrics.target / 2)
        self.box.add_widget(bar)
        self._shown("syncing")
        from kiosk.store.db import Store
        from kiosk.store.hub import sync_to_target
        from kiosk.store.sync import SyncError

        def progress(done: int, total: int) -> None:
            Clock.schedule_once(lambda dt: setattr(bar, "value", done / max(1, total)))

        def work() -> None:
            # The sync uses its own connection: SQLite connections stay in their own thread.
            own = Store(store.path)
            try:
                message = sync_to_target(own, target, self.data_dir, progress=progress).message()
                # The file's name is enough on a small screen (the folder is in the form).
                message = message.replace(target, Path(target).name)
            except SyncError as exc:
                message = f"Sync failed: {exc}"
            except Exception as exc:  # a pulled stick, a full disk: say so, keep the kiosk
                message = f"Sync failed: {exc}"
            finally:
                own.close()

            def done(dt: float) -> None:
                self.app.speak(message, "en")
                self.show_menu(message)
            Clock.schedule_once(done)

        threading.Thread(target=work, name="kiosk-staff-sync", daemon=True).start()

    def on_dismiss(self) -> None:
        Window.release_all_keyboards()
        self.app.staff_closed()


def open_staff_mode(app: KioskApp, data_dir: Path) -> None:
    """End any participant's session and open staff mode over the kiosk."""
    app.perform(app.session.end())
    app.staff_open = True
    StaffMode(app, data_dir).open()
