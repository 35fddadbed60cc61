"""Staff mode's "Questions": make a new pack or change a copy of one, by keys and touch.

A thin shell over kiosk.staff.authoring, which does the editing, checking and saving: these
screens only draw the draft with staff mode's own building blocks (so the same large print,
focus order, speech and "▼ More" rules hold) and read the typed fields back into it before
every action, so nothing typed is lost when a screen is drawn again.

A question's edit screen also records the voice of the member of staff (never a participant)
reading it, per language of the pack, through the speech layer's Recorder port; and each text
field has "Say it", which listens with the recogniser the participant's path uses, reads back
what it heard and asks before putting it in the field.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.clock import Clock

from kiosk.core.pack import QUESTION_TYPES, PackError, QuestionPack, default_pack_path, load_pack
from kiosk.speech.ports import SilentVoice
from kiosk.staff.authoring import (
    DEFAULT_SHARED_WITH,
    TAKES_CHOICES,
    TYPE_LABELS,
    TYPE_MEANINGS,
    AuthoringError,
    Draft,
    draft_from_pack,
    near_silent,
    new_draft,
    preview_pack,
    recording_file,
    recording_name,
    save_draft,
    write_recording,
)
from kiosk.staff.packs import available_packs
from kiosk.staff.xlsform import language_name
from kiosk.ui.staff_keyboard import StaffKeyboard

# The longest take, said before recording starts.
MAX_RECORDING_SECONDS = 60

if TYPE_CHECKING:
    from kiosk.ui.staff import StaffField, StaffMode


class PackEditor:
    """The "Questions" screens of one staff mode; holds the draft being edited."""

    def __init__(self, mode: StaffMode):
        self.mode = mode
        self.draft: Draft | None = None
        self.recording = False  # the microphone is recording: nothing is said meanwhile
        self._consented = False  # the person editing confirmed consent to keep their voice
        self._take = 0  # which take is under way: a late result of a cancelled one is dropped
        self._no_dictation = ""  # why "Say it" cannot listen, once said (then it is not shown)
        # The fields of the screen shown, read back into the draft before any action.
        self._read: Callable[[], list[str]] = list
        self.keyboard = StaffKeyboard(mode)

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
        self._consented = False  # asked again of whoever records in this pack
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
        self._say_it("Pack name", lambda: self._act(lambda: self._dictate(
            "Pack name", self._named, partial(self.show_pack, focus="Say it for Pack name"))))
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
        self._say_it("Question text", lambda: self._act(lambda: self._dictate(
            "Question text", partial(self._typed_text, index),
            partial(self.show_question, index, focus="Say it for Question text")), index))
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
                self._say_it(label, partial(self._act, partial(
                    self._dictate, label, partial(self._typed_choice, index, c),
                    partial(self.show_question, index, focus=f"Say it for {label}")), index))
                mode._button(f"Remove {what} {c + 1}", partial(
                    self._act, partial(self._remove_choice, index, c), index))
            mode._button(f"Add a {what}", lambda: self._act(
                lambda: self._add_choice(index), index))
        self._recording_controls(index)
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

    # Dictation --------------------------------------------------------------------------------

    def _say_it(self, label: str, action: Callable[[], None]) -> None:
        """"Say it" for a text field, when the kiosk listens at all and has not said it cannot."""
        if self.mode.app.listener is not None and not self._no_dictation:
            self.mode._button(f"Say it for {label}", action)

    def _dictate(self, label: str, done: Callable[[str], None],
                 back: Callable[..., None]) -> None:
        """Listen for the field's words with the participant's recogniser, then read them back
        and ask before they go in the field. With no model, say so once; typing stays.
        `back(message="")` shows the field's screen again."""
        mode, language = self.mode, self._draft().language
        listener = mode.app.listener
        if listener is None or language not in mode.app.session.voice_languages:
            self._no_dictation = (f"Say it cannot listen: no speech model for "
                                  f"{language_name(language)} is ready on this kiosk (install "
                                  f"one with: kiosk models install {language}). Type instead.")
            back(self._no_dictation)  # shown and said once; no Say it control from now on
            return
        self._take += 1
        take = self._take

        def cancel() -> None:
            self._take += 1
            listener.cancel()
            back()
        mode._begin("dictation", cancel)
        self._read = list
        title = f"Say it for {label}"
        words = "Say the words now. Choose Done or press Enter when you have finished."
        mode._text(title, bold=True)
        heard = mode._text(words)
        mode._button("Done", listener.finish)
        mode._button("Cancel", cancel)

        def partial_words(text: str) -> None:
            def show(dt: float) -> None:
                if take == self._take and text:
                    heard.text = f"Heard so far: {text}"
            Clock.schedule_once(show)

        def final(text: str, confident: bool) -> None:
            def show(dt: float) -> None:
                if take == self._take:
                    mode.app.trace("staff-heard", field=label, text=text, confident=confident)
                    self._read_back(label, text, done, back)
            Clock.schedule_once(show)
        mode._show("dictation", title, said=words)
        # The kiosk's own voice is dropped by the listener's gate, so listening starts now.
        listener.listen(language, None, partial_words, final)
        mode.app.trace("staff-listen", field=label, language=language)

    def _read_back(self, label: str, text: str, done: Callable[[str], None],
                   back: Callable[..., None]) -> None:
        """What was heard, said back: put it in the field, say it again, or cancel."""
        mode = self.mode
        mode._begin("dictation-heard", back)
        self._read = list
        again = partial(self._dictate, label, done, back)
        if text.strip():
            title = f"I heard: {text}"
            words = f"Put it in {label}?"
        else:
            title, words = "Nothing was heard", "Say it again, or cancel and type instead."
        mode._text(title, bold=True)
        mode._text(words)
        if text.strip():
            mode._button("Yes, use it", lambda: done(text))
        mode._button("Say it again", again)
        mode._button("Cancel", back)
        mode._show("dictation-heard", title, said=words)

    # Recording staff's own voice ---------------------------------------------------------------

    def _recording_label(self, words: str, language: str) -> str:
        """A recording control's name; with several languages, the language is in it."""
        languages = self._draft().languages
        return words if len(languages) == 1 else f"{words} in {language_name(language)}"

    def _recording_controls(self, index: int) -> None:
        """Per language: record, or play, record again and remove what was recorded (only
        where the kiosk has a microphone to record with)."""
        mode, draft = self.mode, self._draft()
        if mode.app.recorder is None:
            return
        for language in draft.languages:
            if draft.recording_of(index, language):
                for words, act in (("Play my recording", self._play),
                                   ("Record again", self._record),
                                   ("Remove recording", self._confirm_remove)):
                    mode._button(self._recording_label(words, language), partial(
                        self._act, partial(act, index, language), index))
            else:
                mode._button(self._recording_label("Record my voice", language), partial(
                    self._act, partial(self._record, index, language), index))

    def _record(self, index: int, language: str) -> None:
        if not self._consented:
            self._ask_consent(index, language)
        else:
            self._show_recording(index, language)

    def _ask_consent(self, index: int, language: str) -> None:
        """Before the first recording: only staff or group members record, and the voice is
        kept and shared with the pack; the person confirms, or nothing is recorded."""
        mode, draft = self.mode, self._draft()
        back = partial(self.show_question, index, "Nothing was recorded.",
                       self._recording_label("Record my voice", language))
        mode._begin("recording-consent", back)
        self._read = list
        title = "Before you record"
        words = ("Only staff or group members record here, never participants. Your voice is "
                 "kept with this pack and shared with: "
                 f"{(draft.shared_with or DEFAULT_SHARED_WITH).rstrip('.')}. "
                 "Do you agree to your recording being kept and shared?")
        mode._text(title, bold=True)
        mode._text(words)
        mode._button("I agree", partial(self._agreed, index, language))
        mode._button("Do not record", back)
        mode._show("recording-consent", title, said=words)

    def _agreed(self, index: int, language: str) -> None:
        self._draft().agree_to_recordings()
        self._consented = True
        self._show_recording(index, language)

    def _show_recording(self, index: int, language: str) -> None:
        """Say how it works and the cap, then a beep, then record until Stop or Enter."""
        mode = self.mode
        recorder = mode.app.recorder
        label = self._recording_label("Record my voice", language)
        if recorder is None:
            self.show_question(index, "This kiosk has no microphone to record with; speech is "
                               "off or no sound device was found (check: kiosk doctor).",
                               focus=label)
            return
        self._take += 1
        take = self._take
        mode._begin("recording", partial(self._stop_recording, index, language, take))
        self._read = list
        title = "Record my voice"
        words = (f"Read question {index + 1} aloud after the beep. Recording stops when you "
                 f"choose Stop or press Enter, or after {MAX_RECORDING_SECONDS} seconds.")
        mode._text(title, bold=True)
        status = mode._text(words)
        mode._button("Stop", partial(self._stop_recording, index, language, take))

        def started() -> None:
            def show(dt: float) -> None:
                if take == self._take:
                    status.text = "Recording now. Choose Stop or press Enter to finish."
                    mode.app.trace("staff-recording", state="started", language=language)
            Clock.schedule_once(show)

        def done(pcm: bytes, why: str) -> None:
            Clock.schedule_once(lambda dt: self._recorded(index, language, take, pcm, why))

        def begin(_completed: bool = True) -> None:
            def go(dt: float) -> None:
                if take != self._take:
                    return  # stopped before the beep
                self.recording = True
                recorder.record(MAX_RECORDING_SECONDS, done, started)
            Clock.schedule_once(go)
        # The instructions are said first, then the beep: the kiosk's voice is not recorded.
        mode._show("recording", title, said=words, speak=False)
        if isinstance(mode.app.voice, SilentVoice):
            begin()
        else:
            mode.app.speak(f"{title}. {words} Stop, button.", mode.app.session.language,
                           on_done=begin)

    def _stop_recording(self, index: int, language: str, take: int) -> None:
        recorder = self.mode.app.recorder
        if take != self._take:
            return
        if not self.recording:  # before the beep: nothing to keep
            self._take += 1
            self.show_question(index, "Nothing was recorded.",
                               self._recording_label("Record my voice", language))
            return
        if recorder is not None:
            recorder.stop()

    def cancel_recording(self) -> None:
        """Staff mode closes: a take under way is dropped, never half-kept."""
        self._take += 1
        if self.recording and self.mode.app.recorder is not None:
            self.mode.app.recorder.cancel()
        self.recording = False

    def _recorded(self, index: int, language: str, take: int, pcm: bytes, why: str) -> None:
        """The take ended: write it beside the pack and put it in the question."""
        if take != self._take:
            return
        self._take += 1
        self.recording = False
        mode, draft = self.mode, self._draft()
        packs = mode.data_dir / "packs"
        again = self._recording_label("Record again", language)
        first = self._recording_label("Record my voice", language)
        focus = again if draft.recording_of(index, language) else first
        if not pcm:
            why = why if why not in ("stopped", "limit") else "no sound came from the microphone"
            self.show_question(index, f"Nothing was recorded: {why}.", focus=focus)
            return
        folders = [packs, *([draft.source.parent] if draft.source else [])]
        name = recording_name(draft, index, language, folders)
        try:
            write_recording(packs, name, pcm, mode.app.recorder.samplerate
                            if mode.app.recorder else 16000)
            draft.set_recording(index, language, name)
        except (AuthoringError, OSError) as exc:
            self.show_question(index, f"The recording was not kept: {exc}.", focus=focus)
            return
        seconds = round(len(pcm) / 2 / (mode.app.recorder.samplerate
                                         if mode.app.recorder else 16000))
        capped = f" It stopped at the {MAX_RECORDING_SECONDS} second limit." \
            if why == "limit" else ""
        if near_silent(pcm):
            capped += " It is almost silent: check the microphone, then Record again."
        mode.app.trace("staff-recording", state="saved", language=language, file=name,
                       seconds=seconds)
        self.show_question(index, f"Recorded {seconds} second{'s' if seconds != 1 else ''}."
                           f"{capped} Save the pack to keep it.",
                           focus=self._recording_label("Play my recording", language))

    def _play(self, index: int, language: str) -> None:
        mode, draft = self.mode, self._draft()
        path = recording_file(draft, mode.data_dir / "packs", draft.recording_of(index, language))
        if not path.is_file():
            self.show_question(index, f"The recording {path.name} is missing; record it again.",
                               focus=self._recording_label("Record again", language))
            return
        mode.app.trace("staff-play", file=path.name, language=language)
        mode.app.voice.say_file(path, mode.app.settings.volume)

    def _confirm_remove(self, index: int, language: str) -> None:
        mode = self.mode
        label = self._recording_label("Remove recording", language)
        keep = partial(self.show_question, index, "", label)
        mode._begin("remove-recording", keep)
        self._read = list
        title = f"Remove the recording of question {index + 1}?"
        words = (f"The question is then read by the kiosk's own voice"
                 f"{' in ' + language_name(language) if len(self._draft().languages) > 1 else ''}.")
        mode._text(title, bold=True)
        mode._text(words)
        mode._button("Keep it", keep)
        mode._button("Remove it", partial(self._remove_recording, index, language))
        mode._show("remove-recording", title, said=words)

    def _remove_recording(self, index: int, language: str) -> None:
        self._draft().remove_recording(index, language)
        self.show_question(index, "Recording removed. Save the pack to keep this change.",
                           focus=self._recording_label("Record my voice", language))

    def show_keyboard(self, label: str, text: str, done: Callable[[str], None],
                      cancel: Callable[[], None]) -> None:
        """The on-screen keyboard (ui/staff_keyboard.py) for one of the draft's texts."""
        self._read = list  # no fields of this editor's on the keyboard's screen
        self.keyboard.show(label, text, done, cancel, self._draft().languages)

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

    def keep_for_lock(self) -> tuple[str, Callable[[str], None]] | None:
        """Staff mode is locking: the unsaved pack's name and how to show it again with a
        message, what was typed on the screen included; None when nothing is unsaved."""
        if self.draft is None:
            return None
        self.cancel_recording()
        self._read()  # what was typed in the fields shown goes into the draft first
        draft = self.draft
        if not draft.changed:
            return None
        return draft.name() or "the new pack", self.show_pack

    def _draft(self) -> Draft:
        if self.draft is None:
            self.draft = new_draft("", "en")
        return self.draft

    def _index(self, name: str) -> int:
        """The focus order's index of the control called `name` (the first when none is)."""
        return next((i for i, c in enumerate(self.mode.controls) if c.name == name), 0)
