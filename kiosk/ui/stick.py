"""Staff mode's "Packs on a stick": add packs from a USB stick, or copy the pack in use to one.

A thin shell over kiosk.staff.packs, which finds the mounted sticks (under KIOSK_MEDIA_ROOT, else
/media and /run/media), checks each pack a stick offers and copies by the rules of
`kiosk packs from-stick` and `to-stick`. Drawn with staff mode's own building blocks, so the
same large print, focus order and speech hold; every line that says a pack cannot be used is
shown and said.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.staff.packs import (
    STICK_FOLDER,
    PackCopy,
    StickError,
    check_stick_packs,
    copy_to_stick,
    import_one_from_stick,
    mounted_sticks,
)

if TYPE_CHECKING:
    from kiosk.ui.staff import StaffMode

NO_STICK = "No USB stick found. Put one in and choose Look again."


class StickPacks:
    """The "Packs on a stick" screen of one staff mode."""

    def __init__(self, mode: StaffMode):
        self.mode = mode

    def show(self, message: str = "") -> None:
        """The sticks mounted now, the packs each offers (checked first), and what to do."""
        mode = self.mode
        mode._begin("stick", mode.show_menu)
        title = "Packs on a stick"
        mode._text(title, bold=True)
        if message:
            mode._text(message)
        sticks = mounted_sticks()
        said: list[str] = []
        if not sticks:
            mode._text(NO_STICK)
            said.append(NO_STICK)
        for stick in sticks:
            said += self._offer(stick, len(sticks) > 1)
        mode._button("Look again", self.show)
        mode._button("Back", mode.show_menu)
        mode._show("stick", title, message, " ".join(said))

    def _offer(self, stick: Path, name_it: bool) -> list[str]:
        """One stick's packs as buttons (those that cannot be used as lines, shown and said),
        and the button copying the pack in use to it. Returns what is said of it."""
        mode = self.mode
        where = f" on {stick.name}" if name_it else ""
        said = []
        try:
            offered = check_stick_packs(stick)
        except StickError:
            offered = []
            line = f"The stick{where} has no {STICK_FOLDER} folder yet; copying a pack makes it."
            mode._text(line)
            said.append(line)
        if not offered and not said:
            line = f"The stick{where} has no packs in its {STICK_FOLDER} folder."
            mode._text(line)
            said.append(line)
        for item in offered:
            if item.pack is None:
                line = f"{item.path.name}{where} cannot be used: {item.problem}"
                mode._text(line)
                said.append(line)
                continue
            name = item.pack.title.get(item.pack.default_language)
            mode._button(f"Add {name} (version {item.pack.version}, {item.path.name}){where}",
                         partial(self._add, item.path))
        pack = mode.app.session.pack
        name = pack.title.get(pack.default_language)
        mode._button(f"Copy this pack to the stick{where}: {name}, version {pack.version}",
                     partial(self._copy, Path(pack.source), stick))
        return said

    def _add(self, path: Path) -> None:
        try:
            outcome = import_one_from_stick(path, self.mode.data_dir)
        except StickError as exc:
            self.show(f"Not added: {exc}.")
            return
        self.show(self._said(outcome))

    def _copy(self, pack: Path, stick: Path) -> None:
        try:
            outcome = copy_to_stick(pack, stick)
        except StickError as exc:
            self.show(f"Not copied: {exc}.")
            return
        self.show(self._said(outcome))

    @staticmethod
    def _said(outcome: PackCopy) -> str:
        """The outcome's line with file names for paths (the folders are long on a small
        screen), and the pack's first problem when it was refused for one."""
        line = outcome.line
        for path in filter(None, (outcome.source, outcome.target)):
            line = line.replace(str(path), path.name)
        if outcome.result == "refused" and outcome.problems:
            line += f" ({outcome.problems[0].message})"
        added = {"added": "Done: ", "same": "Nothing to do: "}.get(outcome.result, "")
        return added + line.rstrip(".") + "."
