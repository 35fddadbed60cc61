"""What the shell shows and says: screens made of controls, and the actions the session returns.

A Screen is everything a participant can perceive at one moment: its texts, its controls and what
it says when it appears. The Kivy shell draws it; the speech adapter says it. Neither decides
anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from kiosk.core.answers import Answer, ParticipantSession

# Where a control sits. Recurring controls keep their group and order on every screen.
TOP, CONTENT, NAV = "top", "content", "nav"


@dataclass(frozen=True)
class Control:
    """Something a participant can activate: a button, a choice, a text field."""

    id: str
    label: str
    role: str = "button"  # button | choice | checkbox | text field
    group: str = CONTENT
    selected: bool | None = None  # for choices and checkboxes
    position: tuple[int, int] | None = None  # (number, of how many) among its choices
    enabled: bool = True
    voice_words: tuple[str, ...] = ()  # what a person may say to activate it
    # The language the label is written in, when not the screen's (a language's own name).
    label_language: str | None = None


@dataclass(frozen=True)
class Screen:
    """One screen, in one language."""

    name: str  # welcome, consent, question, typing, listening, confirm, review, thanks, ...
    language: str
    title: str
    body: str = ""
    controls: tuple[Control, ...] = ()
    speech: str = ""  # said in full when the screen appears, and again on Repeat
    progress: str = ""
    question_id: str | None = None
    question_type: str | None = None
    draft: str = ""  # the text being typed, or the words recognised so far
    note: str = ""  # a secondary message, e.g. what was removed to keep someone anonymous
    # The words a person may say on this screen, for a restricted recognition grammar.
    voice_commands: tuple[str, ...] = ()
    # A recorded human voice to play instead of synthesising `speech` (a path), if the pack has one.
    audio: str | None = None

    def control(self, control_id: str) -> Control:
        """The control with this id."""
        for c in self.controls:
            if c.id == control_id:
                return c
        raise KeyError(control_id)

    def has(self, control_id: str) -> bool:
        """Whether the screen has this control, enabled."""
        return any(c.id == control_id and c.enabled for c in self.controls)

    def with_draft(self, draft: str) -> Screen:
        """The same screen with the typed or recognised text replaced."""
        return replace(self, draft=draft)


def describe_control(control: Control, translate: Callable[[str], str]) -> str:
    """The control as label, role and state, as focus speaks it ("Yes, choice 1 of 2, selected")."""
    _ = translate
    parts = [control.label]
    if control.role == "choice" and control.position:
        parts.append(_("choice {number} of {total}").format(
            number=control.position[0], total=control.position[1]))
    elif control.role == "checkbox" and control.position:
        parts.append(_("tick box {number} of {total}").format(
            number=control.position[0], total=control.position[1]))
    elif control.role == "text field":
        parts.append(_("text field"))
    else:
        parts.append(_("button"))
    if control.selected is True:
        parts.append(_("selected"))
    elif control.selected is False and control.role == "checkbox":
        parts.append(_("not selected"))
    if not control.enabled:
        parts.append(_("unavailable"))
    return ", ".join(parts)


# Actions: what the session asks the shell to do, in order.


@dataclass(frozen=True)
class Show:
    """Draw this screen and say its speech (replacing any speech under way)."""

    screen: Screen
    speak: bool = True


@dataclass(frozen=True)
class Say:
    """Say something more without changing the screen (replaces any speech under way)."""

    text: str
    language: str


@dataclass(frozen=True)
class BeginParticipant:
    """A person has consented: record their anonymous session."""

    session: ParticipantSession


@dataclass(frozen=True)
class SaveAnswer:
    """Write this confirmed answer durably now."""

    answer: Answer


@dataclass(frozen=True)
class Withdraw:
    """Delete every answer of this participant, at their request."""

    participant_id: str


@dataclass(frozen=True)
class PrintCode:
    """Print the participant's withdrawal code on the receipt printer, at their request.

    Only the code and one line on how to use it: never an answer, so a slip left at the
    kiosk tells nobody anything about its owner.
    """

    code: str  # the words, in the session's language
    language: str
    how: str  # one line, in the session's language: give this code to staff to withdraw
    english: str = ""  # the same code in English words (it withdraws too), if not English


@dataclass(frozen=True)
class EndParticipant:
    """The person has gone: forget everything about them in memory."""

    participant_id: str | None


@dataclass(frozen=True)
class ApplySettings:
    """Text size, colours, speech rate or volume changed (or were reset)."""

    settings: Settings


@dataclass(frozen=True)
class Listen:
    """Start listening once speech has finished: a free answer, or one of `grammar`."""

    language: str
    grammar: tuple[str, ...] | None = None


@dataclass(frozen=True)
class StopListening:
    """Stop listening now and drop what was heard."""


@dataclass(frozen=True)
class Settings:
    """A participant's display and speech settings; back to these defaults after each person."""

    text_size: int = 0  # 0 (default) .. MAX_TEXT_SIZE (twice the default)
    theme: str = "yellow-on-black"
    speech_rate: int = 2  # 0 (slowest) .. 4 (fastest)
    volume: int = 5  # 0 .. 10; 5 is moderate
    touch_to_explore: bool = False
    # Speech only through the headphones' output (offered where the kiosk has one), so that
    # answers read back are heard by nobody else.
    headphones: bool = False
    # The display blanked while speech and keys go on, so onlookers cannot read the answers.
    curtain: bool = False

    def changed(self, **kwargs: object) -> Settings:
        """A copy with some settings changed."""
        return replace(self, **kwargs)  # type: ignore[arg-type]


MAX_TEXT_SIZE = 4
TEXT_SIZE_FACTORS = (1.0, 1.25, 1.5, 1.75, 2.0)
THEMES = ("yellow-on-black", "white-on-black", "black-on-cream")
MAX_SPEECH_RATE = 4
MAX_VOLUME = 10

Action = Show | Say | BeginParticipant | SaveAnswer | Withdraw | EndParticipant | ApplySettings \
    | Listen | StopListening | PrintCode


@dataclass(frozen=True)
class IdleTimes:
    """How long the kiosk waits, in seconds."""

    idle: float = 60.0  # without input before the warning
    warning: float = 30.0  # the warning itself: at least 20 s to carry on
    thanks: float = 20.0  # on the thank-you screen before Welcome comes back
