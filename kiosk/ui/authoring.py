"""Staff mode's "Questions": make a new pack or change a copy of one, by keys and touch.

A thin shell over kiosk.staff.authoring, which does the editing, checking and saving: these
screens only draw the draft with staff mode's own building blocks (so the same large print,
focus order, speech and "▼ More" rules hold) and read the typed fields back into it before
every action, so nothing typed is lost when a screen is drawn again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.core.pack import QUESTION_TYPES, PackError, QuestionPack, default_pack_path, load_pack
from kiosk.staff.authoring import (
    TAKES_CHOICES,
    TYPE_LABELS,
    TYPE_MEANINGS,
    AuthoringError,
    Draft,
    draft_from_pack,
    new_draft,
    preview_pack,
    save_draft,
)
from kiosk.staff.packs import available_packs

# The on-screen keyboard's keys, a page at a time (Space, Delete and Capital are on every page).
KEY_PAGES = ("abcdefghijklmnopqrstuvwxyz", "0123456789.,?!'-:;()/&")
# What a key is called aloud, where its character is not a word.
KEY_NAMES = {" ": "space", ".": "full stop", ",": "comma", "?": "question mark",
             "!": "exclamation mark", "'": "apostrophe", "-": "dash", ":": "colon",
             ";": "semicolon", "(": "open bracket", ")": "close bracket", "/": "slash",
             "&": "and sign"}

if TYPE_CHECKING:
    from kiosk.ui.staff import StaffField, StaffMode


class PackEditor:
    """The "Questions" screens of one staff mode; holds the draft being edited."""

    def __init__(self, mode: StaffMode):
        self.mode = mode
        self.draft: Draft | None = None
        # The fields of the screen shown, read back into the draft before any action.
        self._read: Callable[[], list[str]] = list

    # Choosing what to edit -------------------------------------------------------------------

    def show_packs(self, message: str = "") -> None:
        """Make a new pack, or change a copy of one staff can choose."""
        mode = self.mode
        mode._begin("questions", mode.show_menu)
        self._read = list
        title = "Questions"
        how = "Make a new pack, or change one. A changed pack is saved as a new version."
        mode._text(title, bold=True)
        if message:
            mode._text(message)
        mode._text(how)
        mode._button("Make a new pack", self.new_pack)
        broken = []
        for path in available_packs(mode.data_dir):
            try:
                pack, _ = load_pack(path)
            except PackError as exc:
                broken.append(f"{path.name} cannot be changed here: {exc.problems[0].message}")
                continue
            name = pack.title.get(pack.default_language)
            where = "built in" if path == default_pack_path() else path.name
            mode._button(f"Change {name} (version {pack.version}, {where})",
                         partial(self._open_file, pack, path))
        for line in broken:
            mode._text(line)
        mode._button("Back", mode.show_menu)
        mode._show("questions", title, message, how)

    def _open_file(self, pack: QuestionPack, path: Path) -> None:
        self.open_pack(draft_from_pack(pack, path))

    def new_pack(self) -> None:
        """An empty pack: name it, then add questions."""
        self.open_pack(new_draft("", "en"))

    def open_pack(self, draft: Draft) -> None:
        """Start editing `draft`."""
        self.draft = draft
        self.show_pack()

    # The pack --------------------------------------------------------------------------------

    def show_pack(self, message: str = "", focus: str = "") -> None:
        """The pack's name and its questions (number, type, text); add one, save, or leave."""
        mode, draft = self.mode, self._draft()
        mode._begin("pack-editor", self._leave)
        title = f"Pack: {draft.name() or 'new pack'}"
        mode._text(title, bold=True)
        if message:
            mode._text(message)
        name = mode._field("Pack name", draft.name())
        mode._button("Keyboard for Pack name", lambda: self._act(lambda: self.show_keyboard(
            "Pack name", draft.name(), self._named, self.show_pack)))
        count = len(draft.questions)
        listing = (f"{count} question{'s' if count != 1 else ''}. Choose one to change, move "
                   "or delete it." if count else "No questions yet.")
        mode._text(listing)
        for index in range(count):
            mode._button(draft.summary(index), partial(self._act,
                                                       partial(self.show_question, index)))
        mode._button("Add a question", lambda: self._act(self._add_question))
        mode._button("Preview", lambda: self._act(self._preview))
        mode._button("Save", lambda: self._act(self._save))
        mode._button("Back", lambda: self._act(self._leave))

        def read() -> list[str]:
            draft.rename(name.text)
            return []
        self._read = read
        mode._show("pack-editor", title, message, listing, focus=self._index(focus))

    def _add_question(self) -> None:
        draft = self._draft()
        try:
            index = draft.add_question()
        except AuthoringError as exc:
            self.show_pack(f"{exc}.", focus="Add a question")
            return
        self.show_question(index, "A new open question: type its text.")

    def _preview(self) -> None:
        """The draft as participants would meet it, saved or not; nothing is kept."""
        try:
            pack = preview_pack(self._draft())
        except AuthoringError as exc:
            self.show_pack(f"Cannot preview yet. {exc}", focus="Preview")
            return
        self.mode.preview(pack, lambda message: self.show_pack(message, focus="Preview"))

    def _save(self) -> None:
        mode, draft = self.mode, self._draft()
        store = mode.app.store
        try:
            recorded = store.pack_versions(draft.id) if store is not None and draft.id else []
            saved = save_draft(draft, mode.data_dir / "packs", available_packs(mode.data_dir),
                               recorded)
        except AuthoringError as exc:
            self.show_pack(f"Not saved. {exc}", focus="Save")
            return
        except OSError as exc:  # a full or read-only disk: say so, keep the draft
            self.show_pack(f"Not saved: {exc.strerror or exc}. Nothing was changed.",
                           focus="Save")
            return
        message = (f"Saved {draft.name()}, version {saved.version}, as packs/{saved.path.name}.")
        in_use = Path(mode.app.session.pack.source).resolve() == saved.path.resolve()
        if in_use:
            # The file in use was replaced: the session must ask (and record) the new version.
            mode.app.replace_pack(saved.pack)
            message += " The kiosk asks it from the next participant on."
        self.show_saved(saved.path, message, in_use)

    def show_saved(self, path: Path, message: str, in_use: bool) -> None:
        """The pack is saved: use it now, change it again, or go back to the menu."""
        mode = self.mode
        mode._begin("pack-saved", mode.show_menu)
        self._read = list
        title = "Pack saved"
        mode._text(title, bold=True)
        mode._text(message)
        if not in_use:
            mode._button("Use this pack now", lambda: self._use(path))
        mode._button("Change it again", self.show_pack)
        mode._button("Back to the staff menu", mode.show_menu)
        mode._show("pack-saved", title, message)

    def _use(self, path: Path) -> None:
        mode = self.mode
        try:
            pack, _ = load_pack(path)
        except PackError as exc:  # changed on disk since it was saved
            mode.show_menu(f"{path.name} cannot be used: {exc.problems[0].message}")
            return
        mode.settings.choose_pack(path)
        mode.app.replace_pack(pack)
        mode.show_menu(f"Now using {path.name}.")

    def _leave(self) -> None:
        draft = self._draft()
        self._read()
        if not draft.changed or (not draft.id and not draft.questions and not draft.name()):
            self.show_packs()
            return
        mode = self.mode
        mode._begin("leave-pack", self.show_pack)
        self._read = list
        title = "Leave without saving?"
        words = f"Your changes to {draft.name() or 'the new pack'} are not saved."
        mode._text(title, bold=True)
        mode._text(words)
        mode._button("Keep editing", self.show_pack)
        mode._button("Leave without saving", self.show_packs)
        mode._show("leave-pack", title, said=words)

    # One question ----------------------------------------------------------------------------

    def show_question(self, index: int, message: str = "", focus: str = "") -> None:
        """A question's text, type, optional, choices; move it, delete it, or go back."""
        mode, draft = self.mode, self._draft()
        question = draft.questions[index]
        mode._begin("question", lambda: self._act(lambda: self.show_pack(
            focus=draft.summary(index)), index))
        title = f"Question {index + 1} of {len(draft.questions)}"
        mode._text(title, bold=True)
        if message:
            mode._text(message)
        text = mode._field("Question text", draft.text_of(index))
        mode._button("Keyboard for Question text", lambda: self._act(lambda: self.show_keyboard(
            "Question text", draft.text_of(index), partial(self._typed_text, index),
            partial(self.show_question, index, "", "Question text")), index))
        mode._button(f"Type: {TYPE_LABELS[question.type]}", lambda: self._act(
            lambda: self._next_type(index), index))
        mode._button(f"Optional: {'yes' if question.optional else 'no'}", lambda: self._act(
            lambda: self._toggle_optional(index), index))
        fields: list[StaffField] = []
        takes = question.type in TAKES_CHOICES
        what = "label" if question.type == "scale" else "choice"
        if takes:
            mode._text("Labels, lowest first. With none, the kiosk's own five are used."
                       if question.type == "scale" else "Choices:")
            for c, choice in enumerate(question.choices):
                label = f"{what.capitalize()} {c + 1}"
                fields.append(mode._field(label, choice.text.get(draft.language, "")))
                mode._button(f"Keyboard for {label}", partial(self._act, partial(
                    self.show_keyboard, label, choice.text.get(draft.language, ""),
                    partial(self._typed_choice, index, c),
                    partial(self.show_question, index, "", label)), index))
                mode._button(f"Remove {what} {c + 1}", partial(
                    self._act, partial(self._remove_choice, index, c), index))
            mode._button(f"Add a {what}", lambda: self._act(
                lambda: self._add_choice(index), index))
        mode._button("Move up", lambda: self._act(lambda: self._move(index, -1), index))
        mode._button("Move down", lambda: self._act(lambda: self._move(index, 1), index))
        mode._button("Delete this question", lambda: self._act(
            lambda: self._confirm_delete(index), index))
        mode._button("Done", lambda: self._act(
            lambda: self.show_pack(focus=draft.summary(index)), index))

        def read() -> list[str]:
            notes = [draft.set_text(index, text.text)]
            if takes:
                notes += [draft.set_choice(index, c, field.text)
                          for c, field in enumerate(fields)]
            return [note for note in notes if note]
        self._read = read
        mode._show("question", title, message, focus=self._index(focus))

    def _next_type(self, index: int) -> None:
        draft = self._draft()
        current = draft.questions[index].type
        qtype = QUESTION_TYPES[(QUESTION_TYPES.index(current) + 1) % len(QUESTION_TYPES)]
        note = draft.set_type(index, qtype)
        self.show_question(index, f"Now a {TYPE_LABELS[qtype]} question: "
                           f"{TYPE_MEANINGS[qtype]}. {note}".strip(),
                           focus=f"Type: {TYPE_LABELS[qtype]}")

    def _toggle_optional(self, index: int) -> None:
        draft = self._draft()
        optional = not draft.questions[index].optional
        draft.set_optional(index, optional)
        self.show_question(index, "Participants may skip it." if optional
                           else "Participants are asked to answer it.",
                           focus=f"Optional: {'yes' if optional else 'no'}")

    def _add_choice(self, index: int) -> None:
        draft = self._draft()
        what = "Label" if draft.questions[index].type == "scale" else "Choice"
        try:
            choice = draft.add_choice(index)
        except AuthoringError as exc:
            self.show_question(index, f"{exc}.", focus=f"Add a {what.lower()}")
            return
        self.show_question(index, f"{what} {choice + 1} added: type its text.",
                           focus=f"{what} {choice + 1}")

    def _remove_choice(self, index: int, choice: int) -> None:
        draft = self._draft()
        what = "label" if draft.questions[index].type == "scale" else "choice"
        words = draft.remove_choice(index, choice)
        self.show_question(index, f"Removed {what} {choice + 1}"
                           + (f": {words}." if words else "."), focus=f"Add a {what}")

    def _move(self, index: int, step: int) -> None:
        draft = self._draft()
        moved = draft.move(index, step)
        where = f"question {moved + 1} of {len(draft.questions)}"
        message = f"Moved {'up' if step < 0 else 'down'}: now {where}." if moved != index \
            else f"Not moved: it is already {'first' if step < 0 else 'last'}."
        self.show_question(moved, message, focus="Move up" if step < 0 else "Move down")

    def _confirm_delete(self, index: int) -> None:
        mode, draft = self.mode, self._draft()
        mode._begin("delete-question", lambda: self.show_question(index))
        self._read = list
        title = f"Delete question {index + 1}?"
        words = draft.summary(index) + "."
        mode._text(title, bold=True)
        mode._text(words)
        mode._button("Keep it", lambda: self.show_question(index))
        mode._button("Delete it", lambda: self._delete(index))
        mode._show("delete-question", title, said=words)

    def _delete(self, index: int) -> None:
        deleted = self._draft().delete(index)
        self.show_pack(f"Deleted {deleted}.", focus="Add a question")

    # The on-screen keyboard ------------------------------------------------------------------

    def show_keyboard(self, label: str, text: str, done: Callable[[str], None],
                      cancel: Callable[[], None], page: int = 0) -> None:
        """Keys as large buttons, for a kiosk with no keyboard: each key says its character,
        the text so far is shown above them; Done keeps it, Cancel or Escape does not."""
        mode = self.mode
        mode._begin("keyboard", cancel)
        self._read = list
        title = f"Keyboard for {label}"
        mode._text(title, bold=True)
        shown = mode._text(self._typed_line(label, text))
        state = {"text": text, "capital": False}
        keys = mode._grid(6)
        letter_buttons = []
        for character in KEY_PAGES[page]:
            button = mode._button(character, partial(self._key, character, state, shown, label),
                                  keys)
            mode.controls[-1].name = KEY_NAMES.get(character, character)
            if character.isalpha():
                letter_buttons.append(button)
        # The keys that are words get the whole width, so no word is ever cut to fit a key.
        mode._button("Space", partial(self._key, " ", state, shown, label))
        mode._button("Delete", partial(self._key, "", state, shown, label))

        def capital() -> None:
            state["capital"] = not state["capital"]
            for button in letter_buttons:
                button.text = button.text.upper() if state["capital"] else button.text.lower()
            mode._say("Capital on, for the next letter" if state["capital"] else "Capital off")
        if page == 0:
            mode._button("Capital", capital)
        mode._button("Other keys" if page == 0 else "Letters", lambda: self.show_keyboard(
            label, str(state["text"]), done, cancel, (page + 1) % len(KEY_PAGES)))
        mode._button("Done", lambda: done(str(state["text"])))
        mode._button("Cancel", cancel)
        mode._show("keyboard", title, said=self._typed_line(label, text) + ".")

    def _key(self, character: str, state: dict[str, object], shown: Widget, label: str) -> None:
        """A key chosen: the character is added (or the last deleted) and said, as typed."""
        text = str(state["text"])
        if character == "":
            if not text:
                self.mode._say("Nothing to delete")
                return
            removed, text = text[-1], text[:-1]
            said = f"Deleted {KEY_NAMES.get(removed, removed)}"
        else:
            if state["capital"] and character.isalpha():
                character = character.upper()
                state["capital"] = False
                for widget in shown.parent.walk(restrict=True) if shown.parent else []:
                    if isinstance(widget, Label) and len(widget.text) == 1 and \
                            widget.text.isalpha():
                        widget.text = widget.text.lower()
            text += character
            said = KEY_NAMES.get(character, character)
        state["text"] = text
        shown.text = self._typed_line(label, text)
        self.mode._say(said)
        self.mode.app.trace("staff-keyboard", field=label, text=text)

    @staticmethod
    def _typed_line(label: str, text: str) -> str:
        return f"{label}: {text}" if text else f"{label}: empty"

    def _named(self, title: str) -> None:
        self._draft().rename(title)
        self.show_pack(focus="Pack name")

    def _typed_text(self, index: int, text: str) -> None:
        note = self._draft().set_text(index, text)
        self.show_question(index, note, focus="Question text")

    def _typed_choice(self, index: int, choice: int, text: str) -> None:
        note = self._draft().set_choice(index, choice, text)
        what = "Label" if self._draft().questions[index].type == "scale" else "Choice"
        self.show_question(index, note, focus=f"{what} {choice + 1}")

    # Helpers ---------------------------------------------------------------------------------

    def _act(self, action: Callable[[], None], index: int | None = None) -> None:
        """Read the typed fields into the draft, then act; a note (translations taken out)
        is said on the question's screen first, so no change goes without a word."""
        notes = self._read()
        if notes and index is not None:
            self.show_question(index, " ".join(notes), focus="Question text")
            return
        action()

    def _draft(self) -> Draft:
        if self.draft is None:
            self.draft = new_draft("", "en")
        return self.draft

    def _index(self, name: str) -> int:
        """The focus order's index of the control called `name` (the first when none is)."""
        return next((i for i, c in enumerate(self.mode.controls) if c.name == name), 0)
