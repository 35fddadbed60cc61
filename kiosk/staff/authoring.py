"""Making and changing a question pack on the kiosk: the editing, the checks and the saving.

No Kivy here: staff mode's "Questions" screens (kiosk.ui.staff) only draw a `Draft` and call
these methods. A draft is a pack being edited, in plain values. Saving writes it with the one
pack writer (kiosk.staff.pack_toml), checks the text with the same parser as
`kiosk packs validate` (kiosk.core.pack.parse_pack) and replaces DATA/packs/<id>.toml whole or
not at all. A changed pack gets a version higher than any this kiosk has seen for its id, so the
answers kept for an earlier version still point at the questions they answered.

Staff and group members may record their own voice reading a question (never participants):
the WAV is written beside the pack under a name no other file has, so a recording made again, or
made and then left unsaved, never changes what a saved version of the pack plays. The pack's
[recordings] table says who agreed to the recordings being kept and who may hear them.

Texts are edited in the pack's first language. A text changed there loses its translations (they
translated the old words); the message returned says so, so nothing goes without a word.
"""

from __future__ import annotations

import copy
import math
import re
import shutil
import unicodedata
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.pack import (
    DEFAULT_SCALE_LABELS,
    MAX_CHOICES,
    MAX_QUESTIONS,
    MAX_TEXT_LENGTH,
    QUESTION_TYPES,
    PackError,
    QuestionPack,
    load_pack,
    parse_pack,
)
from kiosk.private import atomic_file
from kiosk.staff.pack_toml import pack_toml

# Each type in the words staff see and hear, and what it asks of a participant.
TYPE_LABELS = {"open": "open", "choice": "choice", "multi": "multi", "scale": "scale",
               "yesno": "yes or no"}
TYPE_MEANINGS = {
    "open": "participants answer in their own words",
    "choice": "participants choose one of a list",
    "multi": "participants choose any of a list",
    "scale": "participants choose from low to high",
    "yesno": "participants answer yes or no",
}
TAKES_CHOICES = ("choice", "multi", "scale")
MAX_SCALE_LABELS = 11
# What the pack says when the person recording confirms on the kiosk's consent screen.
DEFAULT_CONSENT = ("Recorded on the kiosk by staff or group members (never participants), who "
                   "agreed that their voices are kept and shared with the pack")
DEFAULT_SHARED_WITH = ("Everyone who takes part with this pack, and the staff of every kiosk it "
                       "is copied to")
RECORDING_SAMPLE_RATE = 16000
_COMMENT = ("# Made on the kiosk in staff mode (Questions). Check a changed copy with "
            "`kiosk packs validate`.")


class AuthoringError(ValueError):
    """Why a draft cannot be saved: one line, naming the question and the fix."""


@dataclass
class DraftChoice:
    """One choice (or scale label) being edited; its id never changes once made."""

    id: str
    text: dict[str, str]


@dataclass
class DraftQuestion:
    """One question being edited; its id never changes, since answers point at it."""

    id: str
    type: str = "open"
    text: dict[str, str] = field(default_factory=dict)
    optional: bool = False
    choices: list[DraftChoice] = field(default_factory=list)
    help: dict[str, str] = field(default_factory=dict)
    audio: dict[str, str] = field(default_factory=dict)


@dataclass
class Draft:
    """A pack being made or changed. `id` is empty for a new pack until it is saved."""

    title: dict[str, str]
    languages: list[str]
    questions: list[DraftQuestion] = field(default_factory=list)
    id: str = ""
    version: int = 0  # the version it was copied from; 0 for a new pack
    description: dict[str, str] = field(default_factory=dict)
    source: Path | None = None  # the file it was copied from
    # The [recordings] table: who agreed to the recorded voices being kept, who may hear them.
    consent: str = ""
    shared_with: str = ""
    _original: tuple[object, ...] = field(default=(), repr=False, compare=False)

    # Reading -------------------------------------------------------------------------------

    @property
    def language(self) -> str:
        """The language texts are edited in: the pack's first."""
        return self.languages[0]

    def name(self) -> str:
        """The pack's name in its first language."""
        return self.title.get(self.language, "")

    def text_of(self, index: int) -> str:
        """A question's text in the pack's first language."""
        return self.questions[index].text.get(self.language, "")

    def summary(self, index: int) -> str:
        """A question as listed: number, type and text."""
        question = self.questions[index]
        words = self.text_of(index) or "(no text yet)"
        optional = ", optional" if question.optional else ""
        kind = TYPE_LABELS[question.type].capitalize()
        return f"{index + 1}. {kind}{optional}: {words}"

    @property
    def changed(self) -> bool:
        """Whether anything differs from the pack as it was opened (always, for a new one)."""
        return not self._original or self._content() != self._original

    def _content(self) -> tuple[object, ...]:
        return (self.title, self.description, self.questions, self.consent, self.shared_with)

    def _snapshot(self) -> None:
        self._original = copy.deepcopy(self._content())

    # Editing -------------------------------------------------------------------------------

    def rename(self, title: str) -> None:
        """Name the pack (its title in the first language; other translations are kept)."""
        self.title = {**self.title, self.language: " ".join(title.split())}

    def add_question(self, qtype: str = "open", text: str = "") -> int:
        """Add a question at the end; returns its index. Its id is new to this pack."""
        _check_type(qtype)
        if len(self.questions) >= MAX_QUESTIONS:
            raise AuthoringError(f"a pack has at most {MAX_QUESTIONS} questions; make another "
                                 "pack for the rest")
        taken = {q.id for q in self.questions}
        number = len(self.questions) + 1
        while f"q{number}" in taken:
            number += 1
        question = DraftQuestion(f"q{number}", qtype)
        if text.strip():
            question.text = {self.language: _clean(text)}
        self.questions.append(question)
        return len(self.questions) - 1

    def set_text(self, index: int, text: str) -> str:
        """Change a question's text; returns what happened to its translations ("" if none)."""
        question = self.questions[index]
        question.text, note = self._replace_text(question.text, text)
        return note

    def set_type(self, index: int, qtype: str) -> str:
        """Change a question's type; returns a note when its choices no longer apply."""
        _check_type(qtype)
        question = self.questions[index]
        question.type = qtype
        if qtype not in TAKES_CHOICES and question.choices:
            # Kept in the draft (switching back brings them back), but not saved with this type.
            count = len(question.choices)
            return (f"Its {count} choice{'s' if count > 1 else ''} will not be saved with a "
                    f"{TYPE_LABELS[qtype]} question.")
        return ""

    def set_optional(self, index: int, optional: bool) -> None:
        """Mark a question optional (a participant may skip it) or not."""
        self.questions[index].optional = optional

    def move(self, index: int, step: int) -> int:
        """Move a question up (-1) or down (+1), staying within the pack; its new index."""
        target = max(0, min(len(self.questions) - 1, index + step))
        question = self.questions.pop(index)
        self.questions.insert(target, question)
        return target

    def delete(self, index: int) -> str:
        """Delete a question; returns what was deleted, in words, to show and say."""
        summary = self.summary(index)
        del self.questions[index]
        return summary

    def add_choice(self, index: int, text: str = "") -> int:
        """Add a choice (or scale label) to a question; returns its index among its choices."""
        question = self.questions[index]
        limit = MAX_SCALE_LABELS if question.type == "scale" else MAX_CHOICES
        if len(question.choices) >= limit:
            raise AuthoringError(f"question {index + 1} has {len(question.choices)} choices, "
                                 f"the most a {question.type} question may have")
        taken = {c.id for c in question.choices}
        number = len(question.choices) + 1
        while str(number) in taken:
            number += 1
        question.choices.append(
            DraftChoice(str(number), {self.language: _clean(text)} if text.strip() else {}))
        return len(question.choices) - 1

    def set_choice(self, index: int, choice: int, text: str) -> str:
        """Change a choice's text; returns what happened to its translations ("" if none)."""
        item = self.questions[index].choices[choice]
        item.text, note = self._replace_text(item.text, text)
        return note

    def remove_choice(self, index: int, choice: int) -> str:
        """Remove a choice; returns its text, to say what was removed."""
        removed = self.questions[index].choices.pop(choice)
        return removed.text.get(self.language, "")

    def recording_of(self, index: int, language: str) -> str:
        """The name of a question's recording in `language`, relative to the pack ("" if none)."""
        return self.questions[index].audio.get(language, "")

    def agree_to_recordings(self, consent: str = "", shared_with: str = "") -> None:
        """The person recording confirmed their voice is kept and shared with the pack."""
        self.consent = _clean(consent) or self.consent or DEFAULT_CONSENT
        self.shared_with = _clean(shared_with) or self.shared_with or DEFAULT_SHARED_WITH

    def set_recording(self, index: int, language: str, name: str) -> None:
        """Use the recording `name` (relative to the pack) for a question in `language`."""
        if language not in self.languages:
            raise AuthoringError(f"'{language}' is not one of the pack's languages "
                                 f"({', '.join(self.languages)})")
        if not self.consent:
            raise AuthoringError("nobody has agreed to recordings being kept with this pack; "
                                 "confirm the consent before recording")
        self.questions[index].audio = {**self.questions[index].audio, language: name}

    def remove_recording(self, index: int, language: str) -> str:
        """Take a question's recording in `language` out of the pack; returns its name ("" if it
        had none). The file stays: a saved version of the pack may still play it."""
        audio = dict(self.questions[index].audio)
        removed = audio.pop(language, "")
        self.questions[index].audio = audio
        return removed

    def _replace_text(self, texts: dict[str, str], text: str) -> tuple[dict[str, str], str]:
        new = _clean(text)
        if new == texts.get(self.language, ""):
            return texts, ""
        dropped = [lang for lang in texts if lang != self.language]
        note = (f"Its translation{'s' if len(dropped) > 1 else ''} ({', '.join(dropped)}) "
                "no longer match and were taken out; translate it again.") if dropped else ""
        return ({self.language: new} if new else {}), note

    # Checking and writing ------------------------------------------------------------------

    def problem(self) -> str | None:
        """The first thing that stops the draft being saved, as one line with its fix."""
        if not self.name():
            return "The pack has no name; type one in Pack name."
        if not self.questions:
            return "The pack has no questions; add one with Add a question."
        for number, question in enumerate(self.questions, 1):
            text = question.text.get(self.language, "")
            if not text:
                return f"Question {number} has no text; type it, or delete the question."
            if len(text) > MAX_TEXT_LENGTH:
                return (f"Question {number} is {len(text)} characters long; keep it under "
                        f"{MAX_TEXT_LENGTH}.")
            if question.type in TAKES_CHOICES:
                for c, choice in enumerate(question.choices, 1):
                    if not choice.text.get(self.language):
                        return (f"Question {number}, choice {c} has no text; type it, or "
                                "remove the choice.")
            if question.type in ("choice", "multi") and not question.choices:
                return (f"Question {number} is a {question.type} question with no choices; "
                        "add a choice, or change its type.")
            if question.type == "scale" and len(question.choices) == 1:
                return (f"Question {number} is a scale with one label; add another, or remove "
                        "it to use the kiosk's own five.")
        return None

    def toml(self, pack_id: str, version: int) -> str:
        """The draft as a pack file, with this id and version (through the one pack writer)."""
        questions = []
        for q in self.questions:
            item: dict[str, object] = {"id": q.id, "type": q.type, "optional": q.optional,
                                       "text": q.text}
            if q.help:
                item["help"] = q.help
            if q.audio:
                item["audio"] = q.audio
            if q.type in ("choice", "multi"):
                item["choices"] = [{"id": c.id, "text": c.text} for c in q.choices]
            elif q.type == "scale" and q.choices:
                item["labels"] = [c.text for c in q.choices]
            questions.append(item)
        meta: dict[str, object] = {"id": pack_id, "title": self.title, "version": version}
        if self.description:
            meta["description"] = self.description
        if self.consent:
            meta["recordings"] = {"consent": self.consent, "shared_with": self.shared_with}
        return pack_toml(meta, questions, list(self.languages), _COMMENT)


def new_draft(title: str = "", language: str = "en") -> Draft:
    """An empty pack in one language, to be named and filled."""
    draft = Draft({language: _clean(title)} if title.strip() else {}, [language])
    return draft


def draft_from_pack(pack: QuestionPack, source: Path | None = None) -> Draft:
    """A pack to change: every text, choice, label and recording as it is in the file."""
    default_scale = tuple(DEFAULT_SCALE_LABELS)
    questions = []
    for q in pack.questions:
        choices = [DraftChoice(c.id, dict(c.text.translations)) for c in q.choices]
        if q.type == "scale" and tuple(c.text.get("en") for c in q.choices) == default_scale \
                and all(list(c.text.translations) == ["en"] for c in q.choices):
            choices = []  # the kiosk's own labels, translated by the kiosk: no labels written
        questions.append(DraftQuestion(
            q.id, q.type, dict(q.text.translations), q.optional, choices,
            dict(q.help.translations) if q.help else {}, dict(q.audio)))
    draft = Draft(dict(pack.title.translations), list(pack.languages), questions, pack.id,
                  pack.version, dict(pack.description.translations) if pack.description else {},
                  source, pack.recordings.consent if pack.recordings else "",
                  pack.recordings.shared_with if pack.recordings else "")
    draft._snapshot()
    return draft


def pack_id_for(title: str, taken: Iterable[str]) -> str:
    """A pack id made from its name (letters and digits, '-' between words), not in `taken`."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:48].strip("-") or "my-pack"
    taken = set(taken)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def next_version(draft: Draft, known: Iterable[int]) -> int:
    """The version a saved draft gets: 1 for a pack never seen, otherwise one more than the
    highest this kiosk knows (its files, the pack it was copied from, the store's answers)."""
    return max([draft.version, *known], default=0) + 1


@dataclass(frozen=True)
class Saved:
    """A draft saved: where, and what it now is."""

    path: Path
    pack: QuestionPack
    version: int


def save_draft(draft: Draft, packs_dir: Path, packs: Iterable[Path],
               recorded_versions: Iterable[int] = ()) -> Saved:
    """Check the draft and write it to packs_dir/<id>.toml, replacing that file whole.

    `packs` are the packs staff can choose (their ids are taken, for a new pack; their versions
    of this id are known); `recorded_versions` those the store has answers for. Raises
    AuthoringError with one line when the draft is not a valid pack; nothing is written then.
    """
    problem = draft.problem()
    if problem:
        raise AuthoringError(problem)
    if not draft.changed:
        raise AuthoringError("Nothing has changed since the pack was opened; nothing to save.")
    others: dict[str, list[int]] = {}
    for path in packs:
        try:
            pack, _ = load_pack(path)
        except PackError:
            continue  # a broken pack takes no id: it cannot be chosen anyway
        others.setdefault(pack.id, []).append(pack.version)
    pack_id = draft.id or pack_id_for(draft.name(), others)
    version = next_version(draft, [*others.get(pack_id, []), *recorded_versions])
    text = draft.toml(pack_id, version)
    packs_dir.mkdir(parents=True, exist_ok=True)
    path = packs_dir / f"{pack_id}.toml"
    checked, problems = parse_pack(text, str(path))
    errors = [p for p in problems if p.severity == "error"]
    if checked is None or errors:
        # Everything parse_pack refuses is checked above in staff's words; this is the last gate.
        raise AuthoringError(errors[0].message if errors else "the pack cannot be read back")
    _copy_recordings(draft, packs_dir)
    with atomic_file(path) as out:
        out.write(text.encode("utf-8"))
    saved, _ = load_pack(path)
    draft.id, draft.version, draft.source = pack_id, version, path
    draft._snapshot()
    return Saved(path, saved, version)


def preview_pack(draft: Draft) -> QuestionPack:
    """The draft as the pack a participant would be asked, for staff mode's Preview: checked
    as save_draft checks it, but written nowhere. Its recordings are found beside the file it
    was copied from. Raises AuthoringError with one line when it could not be asked."""
    problem = draft.problem()
    if problem:
        raise AuthoringError(problem)
    pack_id = draft.id or pack_id_for(draft.name(), ())
    source = str(draft.source) if draft.source else f"{pack_id}.toml"
    pack, problems = parse_pack(draft.toml(pack_id, max(1, draft.version)), source)
    errors = [p for p in problems if p.severity == "error"]
    if pack is None or errors:
        raise AuthoringError(errors[0].message if errors else "the pack cannot be read back")
    return pack


def _copy_recordings(draft: Draft, packs_dir: Path) -> None:
    """Recordings live beside their pack: a pack copied from another folder takes them along
    (never over a file already there)."""
    if draft.source is None or draft.source.parent.resolve() == packs_dir.resolve():
        return
    for question in draft.questions:
        for recording in question.audio.values():
            origin, target = draft.source.parent / recording, packs_dir / recording
            inside = origin.resolve().is_relative_to(draft.source.parent.resolve())
            if inside and origin.is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(origin, target)


def _clean(text: str) -> str:
    # One line of text: a pasted new line or tab becomes a space.
    return " ".join(text.split())


def _check_type(qtype: str) -> None:
    if qtype not in QUESTION_TYPES:
        raise AuthoringError(f"unknown question type '{qtype}'; use one of "
                             f"{', '.join(QUESTION_TYPES)}")


# Recordings -----------------------------------------------------------------------------------


def recording_name(draft: Draft, index: int, language: str, folders: Iterable[Path]) -> str:
    """A new recording's name, relative to the pack: <pack>/<question>-<language>-<n>.wav, with
    the first n no file in `folders` and no question of the draft uses. Never an existing name,
    so recording again never changes what a saved version of the pack plays."""
    stem = draft.id or pack_id_for(draft.name() or "new pack", ())
    qid = draft.questions[index].id
    used = {name for q in draft.questions for name in q.audio.values()}
    places = list(folders)
    number = 1
    while True:
        name = f"{stem}/{qid}-{language}-{number}.wav"
        if name not in used and not any((folder / name).exists() for folder in places):
            return name
        number += 1


def write_recording(folder: Path, name: str, pcm: bytes,
                    samplerate: int = RECORDING_SAMPLE_RATE) -> Path:
    """Write 16-bit mono PCM as the WAV `folder/name`, whole or not at all (owner-only, 0600,
    as the kiosk's other files). Raises AuthoringError for a name leading out of `folder`."""
    path = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    if not path.parent.resolve().is_relative_to(folder.resolve()) or ".." in Path(name).parts:
        raise AuthoringError(f"recording '{name}' would be outside the packs folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as out:
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(samplerate)
            wav.writeframes(pcm)
    return path


def near_silent(pcm: bytes, below_dbfs: float = -50.0) -> bool:
    """Whether 16-bit PCM is so quiet the microphone probably heard nothing (a muted or
    unplugged microphone records digital silence or hiss, not a voice)."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    if not samples:
        return True
    mean_square = sum(s * s for s in samples) / len(samples)
    return mean_square <= 0 or 10 * math.log10(mean_square / 32768.0 ** 2) < below_dbfs


def recording_file(draft: Draft, packs_dir: Path, name: str) -> Path:
    """Where a recording of the draft is on disk: beside the packs staff made, or else beside
    the pack it was copied from (copied along when the draft is saved)."""
    here = packs_dir / name
    if here.is_file() or draft.source is None:
        return here
    return draft.source.parent / name
