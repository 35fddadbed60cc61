"""The participant's path as a state machine: Welcome, consent, each question, review, thank you.

The shell reports what happened (a control was pressed, text was typed, words were heard, time
ran out) and carries out the actions returned: show a screen (which says itself), save an answer,
withdraw a participant, apply settings, listen. Nothing here touches a window, a microphone or a
disk, so the whole path is tested with plain assertions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from kiosk.core.answers import (
    MAX_ANSWER_CHARS,
    Answer,
    AnswerValue,
    ParticipantSession,
)
from kiosk.core.pack import Question, QuestionPack
from kiosk.core.screens import (
    MAX_SPEECH_RATE,
    MAX_TEXT_SIZE,
    MAX_VOLUME,
    Action,
    ApplySettings,
    BeginParticipant,
    EndParticipant,
    IdleTimes,
    Listen,
    PrintCode,
    SaveAnswer,
    Say,
    Screen,
    Settings,
    Show,
    StopListening,
    Withdraw,
)
from kiosk.core.session.states import Overlay, State
from kiosk.core.session.views import Views
from kiosk.core.withdrawal import code_words, new_positions, positions_hash

Translate = Callable[[str, str], str]  # (language, message) -> translated message


class Scrubbed(Protocol):
    """What a scrubber returns: the text to keep and the kinds of detail it removed."""

    @property
    def text(self) -> str: ...

    @property
    def removed(self) -> tuple[str, ...]: ...

    @property
    def scrubber(self) -> str | None:
        """Which scrubber made `text` (stored with the answer), or None if unknown."""


@dataclass(frozen=True)
class _NothingRemoved:
    text: str
    removed: tuple[str, ...] = ()
    scrubber: str | None = None  # nothing was looked for: sync will scrub it


def keep_as_is(text: str, language: str) -> Scrubbed:
    """A scrubber that removes nothing (for tests of the path itself)."""
    return _NothingRemoved(text)


def no_translation(language: str, message: str) -> str:
    """A translator that leaves every message in English."""
    return message


class Session:
    """The kiosk's conversation with one participant after another.

    Args:
        pack: the question pack being asked.
        translate: looks up interface messages in the participant's language.
        scrub: removes personal details from free text before it is shown back or kept.
        describe_removed: turns the kinds removed into a sentence for the read-back.
        today: the date recorded with each participant session (no time of day); the shell
            passes the clock's (datetime.date.today), tests a fixed day.
        new_id: makes the random ids of participant sessions and answers (kiosk.ids.new_id).
        random_below: a random whole number below its argument (kiosk.ids.random_below), for
            the withdrawal code each participant is given on the thanks screen; without it,
            no code is given.
        event_id: the staff-named event participants are taking part in, if any.
        times: idle, warning and thank-you timeouts in seconds.
        preview: staff walking a pack before using it (staff mode's Preview): the same path and
            screens, each marked "Preview: nothing is kept", and nothing is asked of the store:
            no participant begun, no answer saved, no withdrawal, no withdrawal code drawn.

    The fields are read through properties and changed only by the methods: the shell reports
    events, the session decides. `screen()` is built by `Views` (views.py) from these fields.
    """

    def __init__(self, pack: QuestionPack, translate: Translate = no_translation,
                 scrub: Callable[[str, str], Scrubbed] = keep_as_is,
                 describe_removed: Callable[[tuple[str, ...], Callable[[str], str]], str]
                 = lambda kinds, translate: "",
                 *, today: Callable[[], date], new_id: Callable[[], str],
                 random_below: Callable[[int], int] | None = None,
                 event_id: str | None = None, times: IdleTimes | None = None,
                 preview: bool = False) -> None:
        self._pack = pack
        self._preview = preview
        self._translate = translate
        self._scrub = scrub
        self._describe_removed = describe_removed
        self._today = today
        self._new_id = new_id
        self._random_below = random_below
        self._event_id = event_id
        self._times = times or IdleTimes()
        self._voice_languages: set[str] = set()
        self._voice_missing: set[str] = set()  # languages with no working speech recognition
        self._headphones_available = False  # the kiosk has a headphones output of its own
        self._printer_available = False  # a receipt printer is attached and configured
        self._views = Views(self)
        self._reset()

    # State kept for one participant only; _reset() forgets all of it.

    def _reset(self) -> None:
        self._language = self._pack.default_language
        self._settings = Settings()
        self._state: State = State.WELCOME
        self._index = 0
        self._participant: ParticipantSession | None = None
        # The participant's withdrawal code as word positions, shown on the thanks screen in
        # the session's language (whichever it is by then); only its hash is kept.
        self._withdrawal_code: tuple[int, ...] | None = None
        self._answers: dict[str, Answer] = {}
        self._seq = 0
        self._draft = ""
        # (text to keep, method, scrubber that made the text) awaiting "keep"
        self._pending: tuple[str, str, str | None] | None = None
        self._pending_note = ""
        self._selection: set[str] = set()  # ticks of a multi question not yet saved
        self._back_to_review = False
        self._editing = False  # the question was opened to change its saved answer
        # help, settings or idle warning over the current state
        self._overlay: Overlay | None = None
        self._heard_so_far = ""
        self._voice_lost = False
        self._by_voice = False  # whether the control being pressed was named aloud

    def _(self, message: str) -> str:
        return self._translate(self._language, message)

    # Read-only views of the fields, for the shell, the views and the tests ----------------------

    @property
    def pack(self) -> QuestionPack:
        """The question pack being asked (changed by replace_pack)."""
        return self._pack

    @property
    def preview(self) -> bool:
        """Whether this is staff's preview of a pack, which keeps nothing."""
        return self._preview

    @property
    def translate(self) -> Translate:
        """Looks up interface messages: (language, message) -> translated message."""
        return self._translate

    @property
    def event_id(self) -> str | None:
        """The staff-named event new participants take part in (changed by set_event)."""
        return self._event_id

    @property
    def times(self) -> IdleTimes:
        """Idle, warning and thank-you timeouts in seconds."""
        return self._times

    @property
    def voice_languages(self) -> AbstractSet[str]:
        """Languages in which spoken answers can be taken now (changed by set_voice)."""
        return self._voice_languages

    @property
    def voice_missing(self) -> AbstractSet[str]:
        """Languages with no working speech recognition (changed by set_voice)."""
        return self._voice_missing

    @property
    def headphones_available(self) -> bool:
        """Whether the kiosk has a headphones output of its own."""
        return self._headphones_available

    @property
    def printer_available(self) -> bool:
        """Whether the kiosk has a receipt printer, so the thanks screen offers to print the
        withdrawal code."""
        return self._printer_available

    @property
    def state(self) -> State:
        """Where the participant is on the path (a str: "welcome", "question"...)."""
        return self._state

    @property
    def overlay(self) -> Overlay | None:
        """Help, settings or the idle warning over the current state, if shown."""
        return self._overlay

    @property
    def language(self) -> str:
        """The participant's language."""
        return self._language

    @property
    def settings(self) -> Settings:
        """The participant's text size, colours, speech and volume."""
        return self._settings

    @property
    def index(self) -> int:
        """The position of the current question in the pack."""
        return self._index

    @property
    def participant(self) -> ParticipantSession | None:
        """The participant session begun at consent, or None before it."""
        return self._participant

    @property
    def withdrawal_code(self) -> str | None:
        """The code the participant can give staff later to withdraw, in words of the session's
        language, or None if none."""
        if self._withdrawal_code is None:
            return None
        return code_words(self._withdrawal_code, self._language)

    @property
    def answers(self) -> Mapping[str, Answer]:
        """The answers confirmed so far, by question id."""
        return self._answers

    @property
    def draft(self) -> str:
        """The text being typed."""
        return self._draft

    @property
    def pending(self) -> tuple[str, str, str | None] | None:
        """(text to keep, method, scrubber that made the text) awaiting "keep", if any."""
        return self._pending

    @property
    def pending_note(self) -> str:
        """What the read-back says about words removed or left out."""
        return self._pending_note

    @property
    def selection(self) -> AbstractSet[str]:
        """The ticks of a multi question not yet saved."""
        return self._selection

    @property
    def editing(self) -> bool:
        """Whether the question was opened to change its saved answer."""
        return self._editing

    @property
    def heard_so_far(self) -> str:
        """Words kept from earlier speech, when the person chose to add more."""
        return self._heard_so_far

    @property
    def voice_lost(self) -> bool:
        """Whether speech recognition stopped working during this participant's session."""
        return self._voice_lost

    # Changes made by the shell and staff mode ----------------------------------------------------

    def replace_pack(self, pack: QuestionPack) -> None:
        """Ask `pack` from now on (staff chose another pack; the shell then ends the session)."""
        self._pack = pack

    def preview_of(self, pack: QuestionPack) -> Session:
        """Staff's preview of `pack`: a session like this one (translations, scrubber, ids,
        timeouts, speech recognition, headphones) that keeps nothing and gives no code."""
        preview = Session(pack, self._translate, self._scrub, self._describe_removed,
                          today=self._today, new_id=self._new_id, times=self._times,
                          preview=True)
        preview._voice_languages = set(self._voice_languages)
        preview._voice_missing = set(self._voice_missing)
        preview._headphones_available = self._headphones_available
        return preview

    def set_event(self, event_id: str | None) -> None:
        """Record new participant sessions as taking part in the staff-named event `event_id`."""
        self._event_id = event_id

    def set_headphones_available(self, available: bool) -> None:
        """Whether the kiosk has a headphones output, so that "headphones only" is offered."""
        self._headphones_available = available

    def set_printer_available(self, available: bool) -> None:
        """Whether the kiosk has a receipt printer, so that "Print my code" is offered."""
        self._printer_available = available

    @property
    def question(self) -> Question:
        """The question being asked."""
        return self._pack.questions[self._index]

    @property
    def voice(self) -> bool:
        """Whether spoken answers can be taken in the current language."""
        return self._language in self._voice_languages

    def set_voice(self, language: str, available: bool) -> list[Action]:
        """Speech recognition became available, or stopped working (say, the microphone was
        unplugged), for a language. Losing it mid-session is said once, on screen and aloud."""
        was = language in self._voice_languages
        if available:
            self._voice_languages.add(language)
            self._voice_missing.discard(language)
        else:
            self._voice_languages.discard(language)
            self._voice_missing.add(language)
        actions: list[Action] = []
        if was and not available and language == self._language:
            self._voice_lost = True
            if self._state in (State.LISTENING, State.CONFIRM) and self._pending is None:
                self._state = State.QUESTION
            actions.append(Say(self._("Spoken answers are not working at the moment. Please "
                                      "answer by touch or by typing."), self._language))
        return [StopListening(), Show(self.screen(), speak=False), *actions]

    # Events from the shell ----------------------------------------------------------------------

    def start(self) -> list[Action]:
        """The kiosk has just started: show Welcome."""
        return [ApplySettings(self._settings), Show(self.screen())]

    def press(self, control_id: str, by_voice: bool = False) -> list[Action]:
        """A control was activated by touch or key (or, with by_voice, by a spoken word)."""
        self._by_voice = by_voice
        screen = self.screen()
        if not screen.has(control_id):
            return []
        if self._overlay == Overlay.IDLE:
            self._overlay = None
            return [Show(self.screen())]
        if control_id == "repeat":
            return [Show(screen)]
        if control_id == "help":
            self._overlay = Overlay.HELP
            return [StopListening(), Show(self.screen())]
        if control_id == "settings":
            self._overlay = Overlay.SETTINGS
            return [StopListening(), Show(self.screen())]
        if self._overlay == Overlay.HELP and control_id in ("close", "back"):
            self._overlay = None
            return self._show_state()
        if self._overlay == Overlay.SETTINGS:
            return self._press_settings(control_id)
        return _PRESS[self._state](self, control_id)

    def set_draft(self, text: str) -> list[Action]:
        """The text being typed changed (the shell's text field is the view, this is the truth)."""
        if self._state == State.TYPING:
            self._draft = text[:MAX_ANSWER_CHARS]
        return []

    def _answering_aloud(self) -> bool:
        return self._state == State.LISTENING or (
            self._state == State.QUESTION and self._overlay is None
            and self.question.type == "open")

    def heard_partial(self, words: str) -> list[Action]:
        """Words recognised so far while the person is still speaking: shown, not said."""
        if not self._answering_aloud() or not words.strip():
            return []
        if self._state == State.QUESTION:
            self._state = State.LISTENING  # they started answering straight after the question
            self._heard_so_far = ""
        return [Show(self.screen().with_draft(self._joined(words)[:MAX_ANSWER_CHARS]),
                     speak=False)]

    def heard(self, words: str, confident: bool = True) -> list[Action]:
        """The person stopped speaking: read back what was heard and ask what to do with it.

        Straight after an open question, words that are exactly a command ("skip", "back",
        "repeat", "help", "type") act as that command instead of being an answer.
        """
        if not self._answering_aloud():
            return []
        words = words.strip()
        if not self._heard_so_far:
            command = self._command_for(words)
            if command is not None and command != "speak":
                if self._state == State.LISTENING:
                    self._state = State.QUESTION
                return self.press(command, by_voice=True)
        if self._state == State.QUESTION:
            self._state = State.LISTENING
        if not words:
            self._heard_so_far = ""
            return [Say(self._("I did not hear anything. Please speak your answer again, "
                               "or choose Type instead."), self._language),
                    Listen(self._language)]
        if not confident:
            return [Say(self._("I did not catch that clearly. Please say it again, "
                               "or choose Type instead."), self._language),
                    Listen(self._language)]
        return self._propose(self._joined(words), "voice")

    def heard_command(self, words: str, confident: bool = True) -> list[Action]:
        """A short spoken reply or choice (recognised with a grammar): press what it names.

        Words heard unsurely, or naming nothing here, are not guessed at: the kiosk says so and
        listens again, as it asks. (A grammar forces any sound onto its words, so an unsure
        match is often another word, or no word at all.)
        """
        screen = self.screen()
        again: list[Action] = [Listen(self._language, screen.voice_commands)] \
            if self.voice and self._overlay is None and screen.voice_commands else []
        if not words.strip():
            return again  # nothing made out: go on listening
        command = self._command_for(words) if confident else None
        if command is not None:
            return self.press(command, by_voice=True)
        return [Say(self._("Sorry, I did not understand. Please say it again, or touch "
                           "the screen."), self._language), *again]

    def _command_for(self, words: str) -> str | None:
        """The control that `words` name: all of them, or else a single word among them that
        names one control only (a grammar may add a stray word: "oh help")."""
        said = " ".join(words.lower().split())
        controls = [c for c in self.screen().controls if c.enabled and c.voice_words]
        for control in controls:
            if said in control.voice_words:
                return control.id
        named = {c.id for c in controls for w in said.split() if w in c.voice_words}
        return named.pop() if len(named) == 1 else None

    def activity(self) -> list[Action]:
        """Any touch or key: dismisses the idle warning."""
        if self._overlay == Overlay.IDLE:
            self._overlay = None
            return [Show(self.screen())]
        return []

    def idle_delay(self) -> float | None:
        """Seconds without input before the shell should call timeout(); None for never."""
        if self._overlay == Overlay.IDLE:
            return self._times.warning
        if self._state == State.THANKS or self._state == State.WITHDRAWN:
            return self._times.thanks
        # An untouched Welcome waits for the next person; a preview's never waits: staff who
        # walked away from it get staff mode back behind its PIN, and the kiosk back.
        if self._state == State.WELCOME and self._settings == Settings() \
                and self._language == self._pack.default_language and not self._preview:
            return None
        return self._times.idle

    def timeout(self) -> list[Action]:
        """No input for idle_delay() seconds: warn, or end the session and start afresh."""
        if self._state == State.WELCOME and self._participant is None \
                and self._overlay != Overlay.SETTINGS and self._settings == Settings() \
                and self._language == self._pack.default_language:
            return self.end()
        if self._overlay == Overlay.IDLE or self._state in (State.THANKS, State.WITHDRAWN):
            return self.end()
        self._overlay = Overlay.IDLE
        return [StopListening(), Show(self.screen())]

    def end(self) -> list[Action]:
        """Close the session: confirmed answers stay saved; everything else is forgotten."""
        participant_id = self._participant.id if self._participant else None
        self._reset()
        return [StopListening(), EndParticipant(participant_id), ApplySettings(self._settings),
                Show(self.screen())]

    # Pressing controls, state by state -----------------------------------------------------------

    def _press_welcome(self, control_id: str) -> list[Action]:
        if control_id.startswith("lang:"):
            self._language = control_id.removeprefix("lang:")
            return [Show(self.screen())]
        if control_id == "start":
            self._state = State.CONSENT
            return self._show_state()
        return []

    def _press_consent(self, control_id: str) -> list[Action]:
        if control_id == "agree":
            # Drawn now, so the hash is in the participant's row from its first sync on.
            # A preview gives no code: there is nothing kept to withdraw.
            self._withdrawal_code = (new_positions(self._random_below)
                                     if self._random_below is not None and not self._preview
                                     else None)
            self._participant = ParticipantSession.begin(
                self._pack.id, self._pack.version, self._language, self._today(), self._event_id,
                new_id=self._new_id,
                code_hash=(positions_hash(self._withdrawal_code)
                           if self._withdrawal_code is not None else None))
            self._state = State.QUESTION
            self._index = 0
            if self._preview:  # the participant lives in this session only, never the store
                return self._show_state()
            return [BeginParticipant(self._participant), *self._show_state()]
        if control_id in ("decline", "back"):
            return self.end()
        return []

    def _press_question(self, control_id: str) -> list[Action]:
        q = self.question
        if control_id == "back":
            return self._go_back()
        if control_id in ("skip", "next"):
            return self._advance()
        if control_id == "type":
            self._state = State.TYPING
            current = self._answers.get(q.id)
            self._draft = current.text if current and isinstance(current.value, str) else ""
            return [StopListening(), Show(self.screen())]
        if control_id == "speak":
            self._state = State.LISTENING
            self._heard_so_far = ""
            return [Show(self.screen()), Listen(self._language)]
        if control_id.startswith("choice:"):
            choice_id = control_id.removeprefix("choice:")
            if q.type == "multi":
                self._selection ^= {choice_id}
                return [Show(self.screen(), speak=False),
                        Say(self._describe_tick(choice_id), self._language)]
            value: AnswerValue = choice_id
            if q.type == "yesno":
                value = choice_id == "yes"
            return self._save(value, self._views.answer_text(q, value), self._tap_or_voice())
        if control_id == "done" and q.type == "multi":
            chosen = tuple(c.id for c in q.choices if c.id in self._selection)
            if not chosen:
                return [Say(self._("Nothing is ticked. Tick one or more choices, or choose "
                                   "Skip."), self._language)]
            return self._save(chosen, self._views.answer_text(q, chosen), self._tap_or_voice())
        return []

    def _press_typing(self, control_id: str) -> list[Action]:
        if control_id == "done":
            if not self._draft.strip():
                return [Say(self._("Your answer is empty. Type your answer, or choose "
                                   "Cancel."), self._language)]
            return self._propose(self._draft.strip(), "typed")
        if control_id in ("cancel", "back"):
            self._state = State.QUESTION
            return [Show(self.screen())]
        if control_id == "skip":
            return self._advance()
        return []

    def _press_listening(self, control_id: str) -> list[Action]:
        if control_id in ("cancel", "back"):
            self._state = State.QUESTION
            return [StopListening(), Show(self.screen())]
        if control_id == "type":
            self._state = State.TYPING
            self._draft = self._heard_so_far
            return [StopListening(), Show(self.screen())]
        if control_id == "skip":
            return [StopListening(), *self._advance()]
        # "done": the shell finishes recognition and reports it through heard().
        return []

    def _press_confirm(self, control_id: str) -> list[Action]:
        assert self._pending is not None
        text, method, scrubber = self._pending
        if control_id == "keep":
            self._pending = None
            return self._save(text, text, method, scrubber)
        if control_id == "again":
            self._pending = None
            self._heard_so_far = ""
            self._state = State.LISTENING if method == "voice" else State.TYPING
            self._draft = "" if method == "voice" else text
            return [Show(self.screen()), *([Listen(self._language)] if method == "voice" else [])]
        if control_id == "more":
            self._pending = None
            self._heard_so_far = text
            self._state = State.LISTENING
            return [Show(self.screen()), Listen(self._language)]
        if control_id == "type":
            self._pending = None
            self._state = State.TYPING
            self._draft = text
            return [StopListening(), Show(self.screen())]
        if control_id in ("back", "cancel"):
            self._pending = None
            self._state = State.QUESTION
            return [StopListening(), Show(self.screen())]
        if control_id == "skip":
            self._pending = None
            return [StopListening(), *self._advance()]
        return []

    def _press_review(self, control_id: str) -> list[Action]:
        if control_id.startswith("edit:"):
            question_id = control_id.removeprefix("edit:")
            self._index = [q.id for q in self._pack.questions].index(question_id)
            self._back_to_review = True
            return self._enter_question(editing=True)
        if control_id == "finish":
            self._state = State.THANKS
            return [Show(self.screen())]
        if control_id == "back":
            self._index = len(self._pack.questions) - 1
            return self._enter_question(editing=True)
        return []

    def _press_thanks(self, control_id: str) -> list[Action]:
        if control_id == "withdraw":
            self._state = State.WITHDRAW
            return [Show(self.screen())]
        if control_id == "back":
            self._state = State.REVIEW
            return [Show(self.screen())]
        if control_id == "finish":
            return self.end()
        if control_id == "print" and self._withdrawal_code is not None:
            return [self._print_code(),
                    Say(self._("Printing your code. Please take the paper from the printer."),
                        self._language)]
        return []

    def _print_code(self) -> PrintCode:
        """The code alone, with one line on its use: what goes on paper (never an answer)."""
        assert self._withdrawal_code is not None
        english = "" if self._language.split("-")[0] == "en" \
            else code_words(self._withdrawal_code, "en")
        return PrintCode(code_words(self._withdrawal_code, self._language), self._language,
                         self._("To remove your answers later, give this code to staff."),
                         english)

    def _press_withdraw(self, control_id: str) -> list[Action]:
        if control_id == "withdraw_yes" and self._participant is not None:
            self._answers.clear()
            self._state = State.WITHDRAWN
            if self._preview:
                return [Show(self.screen())]
            return [Withdraw(self._participant.id), Show(self.screen())]
        if control_id in ("withdraw_no", "back"):
            self._state = State.THANKS
            return [Show(self.screen())]
        return []

    def _press_withdrawn(self, control_id: str) -> list[Action]:
        return self.end() if control_id == "finish" else []

    def _press_settings(self, control_id: str) -> list[Action]:
        s = self._settings
        if control_id in ("close", "back"):
            self._overlay = None
            return self._show_state()
        if control_id == "size+":
            s = s.changed(text_size=min(MAX_TEXT_SIZE, s.text_size + 1))
        elif control_id == "size-":
            s = s.changed(text_size=max(0, s.text_size - 1))
        elif control_id.startswith("theme:"):
            s = s.changed(theme=control_id.removeprefix("theme:"))
        elif control_id == "rate+":
            s = s.changed(speech_rate=min(MAX_SPEECH_RATE, s.speech_rate + 1))
        elif control_id == "rate-":
            s = s.changed(speech_rate=max(0, s.speech_rate - 1))
        elif control_id == "explore":
            s = s.changed(touch_to_explore=not s.touch_to_explore)
        elif control_id == "headphones":
            s = s.changed(headphones=not s.headphones)
        elif control_id == "curtain":
            s = s.changed(curtain=not s.curtain)
        else:
            return self.change_volume(+1 if control_id == "vol+" else -1)
        self._settings = s
        return [ApplySettings(s), Show(self.screen(), speak=False),
                Say(self._setting_now(control_id), self._language)]

    def _setting_now(self, control_id: str) -> str:
        """The new state of the one setting just changed, as it is said."""
        s = self._settings
        if control_id.startswith("size"):
            return self._("Text size {size} of {sizes}").format(
                size=s.text_size + 1, sizes=MAX_TEXT_SIZE + 1)
        if control_id.startswith("theme:"):
            return self._("Colours: {theme}, selected").format(
                theme=self._views.theme_name(s.theme))
        if control_id.startswith("rate"):
            return self._("Speech speed {rate} of {rates}").format(
                rate=s.speech_rate + 1, rates=MAX_SPEECH_RATE + 1)
        if control_id == "headphones":
            return self._("Headphones only: on. Everything is said only through the "
                          "headphones.") if s.headphones else self._("Headphones only: off")
        if control_id == "curtain":
            return self._("Screen curtain: on. The screen is blank; speech and keys go on, "
                          "and touch to explore.") if s.curtain \
                else self._("Screen curtain: off")
        return self._("Touch to explore is on") if s.touch_to_explore \
            else self._("Touch to explore is off")

    def change_volume(self, step: int) -> list[Action]:
        """Louder (+1) or quieter (-1), from any screen (the + and - keys)."""
        volume = max(0, min(MAX_VOLUME, self._settings.volume + step))
        self._settings = self._settings.changed(volume=volume)
        return [ApplySettings(self._settings), Show(self.screen(), speak=False),
                Say(self._("Volume {level} of {most}").format(level=volume, most=MAX_VOLUME),
                    self._language)]

    # Moving through the questions ----------------------------------------------------------------

    def _show_state(self) -> list[Action]:
        """Show the current state's screen, listening for spoken choices where that helps."""
        screen = self.screen()
        actions: list[Action] = [Show(screen)]
        if not self.voice or self._overlay is not None:
            return actions
        if self._state == State.QUESTION and self.question.type == "open":
            actions.append(Listen(self._language))  # an answer, or a command word
        elif screen.voice_commands:
            actions.append(Listen(self._language, screen.voice_commands))
        return actions

    def _enter_question(self, editing: bool = False) -> list[Action]:
        """Ask the current question, starting from its saved answer if it has one (ticks
        included), so that Done or Keep without a change keeps the answer exactly."""
        q = self.question
        current = self._answers.get(q.id)
        self._selection = set(current.value) if (q.type == "multi" and current
                                                and isinstance(current.value, tuple)) else set()
        self._editing = editing and current is not None
        self._state = State.QUESTION
        return self._show_state()

    def _advance(self) -> list[Action]:
        self._pending = None
        self._draft = ""
        if self._back_to_review or self._index + 1 >= len(self._pack.questions):
            self._back_to_review = False
            self._state = State.REVIEW
            return [Show(self.screen())]
        self._index += 1
        return self._enter_question()

    def _go_back(self) -> list[Action]:
        if self._back_to_review:
            self._back_to_review = False
            self._state = State.REVIEW
            return [Show(self.screen())]
        if self._index == 0:
            self._state = State.CONSENT
            return [Show(self.screen())]
        self._index -= 1
        return self._enter_question()

    def _propose(self, text: str, method: str) -> list[Action]:
        """Show back exactly what will be kept, with personal details already removed, and no
        longer than MAX_ANSWER_CHARS (the person is told when words were left out)."""
        result = self._scrub(text[:MAX_ANSWER_CHARS], self._language)
        kept = result.text[:MAX_ANSWER_CHARS]
        self._pending = (kept, method, result.scrubber)
        notes = [self._describe_removed(result.removed, self._)]
        if len(text) > MAX_ANSWER_CHARS or len(result.text) > MAX_ANSWER_CHARS:
            notes.append(self._("Your answer is as long as an answer can be, so I left out "
                                "the words after that."))
        self._pending_note = " ".join(n for n in notes if n)
        self._state = State.CONFIRM
        actions: list[Action] = [StopListening(), Show(self.screen())]
        if method == "voice" and self.voice:
            actions.append(Listen(self._language, self.screen().voice_commands))
        return actions

    def _save(self, value: AnswerValue, text: str, method: str,
              scrubbed_with: str | None = None) -> list[Action]:
        assert self._participant is not None
        q = self.question
        self._seq += 1
        answer = Answer(self._new_id(), self._participant.id, q.id, q.type, self._seq, value, text,
                        method, self._language, scrubbed_with)
        self._answers[q.id] = answer
        # A preview keeps the answer for its own review screen only: nothing is saved.
        saving: list[Action] = [] if self._preview else [SaveAnswer(answer)]
        return [StopListening(), *saving,
                Say(self._("Saved: {answer}").format(answer=text), self._language),
                *self._advance()]

    def _tap_or_voice(self) -> str:
        return "voice" if self._by_voice else "tap"

    def _joined(self, words: str) -> str:
        return f"{self._heard_so_far} {words}".strip() if self._heard_so_far else words

    def _describe_tick(self, choice_id: str) -> str:
        label = self._views.choice_label(self.question, choice_id)
        if choice_id in self._selection:
            return self._("{choice}, ticked").format(choice=label)
        return self._("{choice}, not ticked").format(choice=label)

    # Screens -------------------------------------------------------------------------------------

    def screen(self) -> Screen:
        """What the participant should see and hear now."""
        return self._views.screen()


# What a press does in each state (help and settings, shown over any state, come first).
_PRESS: dict[State, Callable[[Session, str], list[Action]]] = {
    State.WELCOME: Session._press_welcome,
    State.CONSENT: Session._press_consent,
    State.QUESTION: Session._press_question,
    State.TYPING: Session._press_typing,
    State.LISTENING: Session._press_listening,
    State.CONFIRM: Session._press_confirm,
    State.REVIEW: Session._press_review,
    State.THANKS: Session._press_thanks,
    State.WITHDRAW: Session._press_withdraw,
    State.WITHDRAWN: Session._press_withdrawn,
}


def first_speeches(pack: QuestionPack, translate: Translate, language: str,
                   voice: bool) -> list[str]:
    """What Welcome, consent and each question say to a new participant in `language`: the
    speech worth rendering ahead of time, so that it starts the moment a screen appears."""
    # Only screens are built: no participant begins, so no id or date is ever asked for. The
    # fields are set directly (this module owns them) to reach each screen without a visit.
    session = Session(pack, translate, today=_not_asked, new_id=_not_asked)
    if voice:
        session._voice_languages.add(language)
    session._language = language
    texts = [session.screen().speech]
    session._state = State.CONSENT
    texts.append(session.screen().speech)
    session._state = State.QUESTION
    for index in range(len(pack.questions)):
        session._index = index
        texts.append(session.screen().speech)
    return texts


def _not_asked() -> Any:
    raise AssertionError("first_speeches builds screens only: no id or date is needed")
