"""Staff mode locks itself when nobody uses it: a kiosk left open in staff mode at an event
would let anyone sync, withdraw or change the pack. It is said before it happens, any key or
touch keeps it open, and a pack being changed is kept, in memory, for the PIN to open again."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock

if TYPE_CHECKING:
    from kiosk.ui.staff import StaffMode

# Screens with nothing to keep: left alone, the kiosk goes back to participants.
PIN_SCREENS = ("pin", "no-pin", "pin-invalid", "locked")


class StaffLock:
    """The countdown of one staff mode to its lock (`--staff-lock` seconds without use)."""

    def __init__(self, mode: StaffMode):
        self.mode = mode
        self.after = float(mode.app.options.staff_lock_seconds)
        self._event: Any = None
        self.resume: Callable[[], None] | None = None  # where the PIN leads after a lock
        self.note = ""  # said on the PIN screen after a lock

    def cancel(self) -> None:
        """No countdown (staff mode closed)."""
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def keep_unlocked(self) -> None:
        """Staff did something: the countdown to the lock starts again."""
        self.cancel()
        if self.mode.app.staff_open:
            self._event = Clock.schedule_once(lambda dt: self._warn(),
                                              self.after - self.warning())

    def warning(self) -> float:
        """How long before the lock it is said: half a minute, less when the lock is soon."""
        return min(30.0, self.after / 2)

    def _busy(self) -> bool:
        # A sync under way (no way back until it ends) or a recording: never cut short.
        return self.mode.back is None or self.mode.editor.recording

    def _warn(self) -> None:
        mode = self.mode
        if self._busy():
            self.keep_unlocked()
            return
        if mode.screen in PIN_SCREENS:
            # Nothing to keep: the kiosk goes back to participants rather than wait behind a
            # PIN pad nobody is using.
            mode.app.trace("staff-timeout", screen=mode.screen)
            mode.dismiss()
            return
        seconds = round(self.warning())
        mode._say(f"Staff mode locks in {seconds} seconds. Press any key or touch the screen "
                  "to stay.")
        mode.app.trace("staff-lock-warning", seconds=seconds)
        self._event = Clock.schedule_once(lambda dt: self._lock(), self.warning())

    def _lock(self) -> None:
        """Nobody answered the warning: back to the participant's Welcome, an unsaved pack
        kept for the PIN."""
        self._event = None
        if self._busy():
            self.keep_unlocked()
            return
        minutes = max(1, round(self.after / 60))
        self.keep_for_pin(f"Staff mode was locked after {minutes} "
                          f"minute{'s' if minutes > 1 else ''} without use.")
        self.mode.app.trace("staff-locked", kept=self.mode.app.kept_staff is self.mode)
        self.mode.dismiss()

    def keep_for_pin(self, why: str) -> None:
        """Remember an unsaved pack (and where it was) for the PIN, saying so on the PIN
        screen; with nothing unsaved, the next opening starts afresh."""
        mode = self.mode
        kept = mode.editor.keep_for_lock()
        if kept is None:
            mode.app.kept_staff = None
            return
        name, resume = kept
        self.resume = partial(resume, f"{why} Your changes to {name} are kept, not yet saved.")
        self.note = f"{why} Type the PIN to go back to your unsaved changes to {name}."
        mode.app.kept_staff = mode

    def unlocked(self) -> Callable[[], None] | None:
        """The right PIN was typed: where it leads (back to a kept pack, or None for the
        menu); the lock's note is said no more."""
        resume, self.resume, self.note = self.resume, None, ""
        return resume
