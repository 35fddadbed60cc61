"""The participant's path as a state machine: Welcome, consent, each question, review, thank you.

The shell reports what happened (a control was pressed, text was typed, words were heard, time
ran out) and carries out the actions returned: show a screen (which says itself), save an answer,
withdraw a participant, apply settings, listen. Nothing here touches a window, a microphone or a
disk, so the whole path is tested with plain assertions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import PurePath
from typing import Protocol

from kiosk.core.answers import (
    MAX_ANSWER_CHARS,
    Answer,
    AnswerValue,
    ParticipantSession,
)
from kiosk.core.pack import DEFAULT_SCALE_LABELS, Question, QuestionPack
from kiosk.core.screens import (
    MAX_SPEECH_RATE,
    MAX_TEXT_SIZE,
    MAX_VOLUME,
    NAV,
    THEMES,
    TOP,
    Action,
    ApplySettings,
    BeginParticipant,
    Control,
    EndParticipant,
    IdleTimes,
    Listen,
    SaveAnswer,
    Say,
    Screen,
    Settings,
    Show,
    StopListening,
    Withdraw,
)
from kiosk.ids import new_id  # moved into the Session's parameters in the next step

# Language names as their speakers write them, for the language choice on the Welcome screen.
LANGUAGE_NAMES = {"en": "English", "gd": "Gàidhlig", "pl": "Polski", "ko": "한국어",
                  "cy": "Cymraeg", "ga": "Gaeilge", "fr": "Français", "de": "Deutsch",
                  "es": "Español", "ar": "العربية", "ur": "اردو", "pa": "ਪੰਜਾਬੀ", "zh": "中文"}

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
        today: the date recorded with each participant session (no time of day).
        event_id: the staff-named event participants are taking part in, if any.
        times: idle, warning and thank-you timeouts in seconds.
    """

    def __init__(self, pack: QuestionPack, translate: Translate = no_translation,
                 scrub: Callable[[str, str], Scrubbed] = keep_as_is,
                 describe_removed: Callable[[tuple[str, ...], Callable[[str], str]], str]
                 = lambda kinds, translate: "",
                 today: Callable[[], date] = date.today, event_id: str | None = None,
                 times: IdleTimes | None = None):
        self.pack = pack
        self.translate = translate
        self.scrub = scrub
        self.describe_removed = describe_removed
        self.today = today
        self.event_id = event_id
        self.times = times or IdleTimes()
        self.voice_languages: set[str] = set()
        self.voice_missing: set[str] = set()  # languages with no working speech recognition
        self.headphones_available = False  # the kiosk has a headphones output of its own
        self._reset()

    # State kept for one participant only; _reset() forgets all of it.

    def _reset(self) -> None:
        self.language = self.pack.default_language
        self.settings = Settings()
        self.state = "welcome"
        self.index = 0
        self.participant: ParticipantSession | None = None
        self.answers: dict[str, Answer] = {}
        self.seq = 0
        self.draft = ""
        # (text to keep, method, scrubber that made the text) awaiting "keep"
        self.pending: tuple[str, str, str | None] | None = None
        self.pending_note = ""
        self.selection: set[str] = set()  # ticks of a multi question not yet saved
        self.back_to_review = False
        self.editing = False  # the question was opened to change its saved answer
        self.overlay: str | None = None  # help, settings or idle warning over the current state
        self.heard_so_far = ""
        self.voice_lost = False
        self.by_voice = False  # whether the control being pressed was named aloud

    def _(self, message: str) -> str:
        return self.translate(self.language, message)

    @property
    def question(self) -> Question:
        """The question being asked."""
        return self.pack.questions[self.index]

    @property
    def voice(self) -> bool:
        """Whether spoken answers can be taken in the current language."""
        return self.language in self.voice_languages

    def set_voice(self, language: str, available: bool) -> list[Action]:
        """Speech recognition became available, or stopped working (say, the microphone was
        unplugged), for a language. Losing it mid-session is said once, on screen and aloud."""
        was = language in self.voice_languages
        if available:
            self.voice_languages.add(language)
            self.voice_missing.discard(language)
        else:
            self.voice_languages.discard(language)
            self.voice_missing.add(language)
        actions: list[Action] = []
        if was and not available and language == self.language:
            self.voice_lost = True
            if self.state in ("listening", "confirm") and self.pending is None:
                self.state = "question"
            actions.append(Say(self._("Spoken answers are not working at the moment. Please "
                                      "answer by touch or by typing."), self.language))
        return [StopListening(), Show(self.screen(), speak=False), *actions]

    # Events from the shell ----------------------------------------------------------------------

    def start(self) -> list[Action]:
        """The kiosk has just started: show Welcome."""
        return [ApplySettings(self.settings), Show(self.screen())]

    def press(self, control_id: str, by_voice: bool = False) -> list[Action]:
        """A control was activated by touch or key (or, with by_voice, by a spoken word)."""
        self.by_voice = by_voice
        screen = self.screen()
        if not screen.has(control_id):
            return []
        if self.overlay == "idle":
            self.overlay = None
            return [Show(self.screen())]
        if control_id == "repeat":
            return [Show(screen)]
        if control_id == "help":
            self.overlay = "help"
            return [StopListening(), Show(self.screen())]
        if control_id == "settings":
            self.overlay = "settings"
            return [StopListening(), Show(self.screen())]
        if self.overlay == "help" and control_id in ("close", "back"):
            self.overlay = None
            return self._show_state()
        if self.overlay == "settings":
            return self._press_settings(control_id)
        handler = getattr(self, f"_press_{self.state}")
        actions: list[Action] = handler(control_id)
        return actions

    def set_draft(self, text: str) -> list[Action]:
        """The text being typed changed (the shell's text field is the view, this is the truth)."""
        if self.state == "typing":
            self.draft = text[:MAX_ANSWER_CHARS]
        return []

    def _answering_aloud(self) -> bool:
        return self.state == "listening" or (
            self.state == "question" and self.overlay is None and self.question.type == "open")

    def heard_partial(self, words: str) -> list[Action]:
        """Words recognised so far while the person is still speaking: shown, not said."""
        if not self._answering_aloud() or not words.strip():
            return []
        if self.state == "question":
            self.state = "listening"  # they started answering straight after the question
            self.heard_so_far = ""
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
        if not self.heard_so_far:
            command = self._command_for(words)
            if command is not None and command != "speak":
                if self.state == "listening":
                    self.state = "question"
                return self.press(command, by_voice=True)
        if self.state == "question":
            self.state = "listening"
        if not words:
            self.heard_so_far = ""
            return [Say(self._("I did not hear anything. Please speak your answer again, "
                               "or choose Type instead."), self.language),
                    Listen(self.language)]
        if not confident:
            return [Say(self._("I did not catch that clearly. Please say it again, "
                               "or choose Type instead."), self.language),
                    Listen(self.language)]
        return self._propose(self._joined(words), "voice")

    def heard_command(self, words: str, confident: bool = True) -> list[Action]:
        """A short spoken reply or choice (recognised with a grammar): press what it names.

        Words heard unsurely, or naming nothing here, are not guessed at: the kiosk says so and
        listens again, as it asks. (A grammar forces any sound onto its words, so an unsure
        match is often another word, or no word at all.)
        """
        screen = self.screen()
        again: list[Action] = [Listen(self.language, screen.voice_commands)] \
            if self.voice and self.overlay is None and screen.voice_commands else []
        if not words.strip():
            return again  # nothing made out: go on listening
        command = self._command_for(words) if confident else None
        if command is not None:
            return self.press(command, by_voice=True)
        return [Say(self._("Sorry, I did not understand. Please say it again, or touch "
                           "the screen."), self.language), *again]

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
        if self.overlay == "idle":
            self.overlay = None
            return [Show(self.screen())]
        return []

    def idle_delay(self) -> float | None:
        """Seconds without input before the shell should call timeout(); None for never."""
        if self.overlay == "idle":
            return self.times.warning
        if self.state == "thanks" or self.state == "withdrawn":
            return self.times.thanks
        if self.state == "welcome" and self.settings == Settings() \
                and self.language == self.pack.default_language:
            return None
        return self.times.idle

    def timeout(self) -> list[Action]:
        """No input for idle_delay() seconds: warn, or end the session and start afresh."""
        if self.state == "welcome" and self.participant is None and self.overlay != "settings" \
                and self.settings == Settings() and self.language == self.pack.default_language:
            return self.end()
        if self.overlay == "idle" or self.state in ("thanks", "withdrawn"):
            return self.end()
        self.overlay = "idle"
        return [StopListening(), Show(self.screen())]

    def end(self) -> list[Action]:
        """Close the session: confirmed answers stay saved; everything else is forgotten."""
        participant_id = self.participant.id if self.participant else None
        self._reset()
        return [StopListening(), EndParticipant(participant_id), ApplySettings(self.settings),
                Show(self.screen())]

    # Pressing controls, state by state -----------------------------------------------------------

    def _press_welcome(self, control_id: str) -> list[Action]:
        if control_id.startswith("lang:"):
            self.language = control_id.removeprefix("lang:")
            return [Show(self.screen())]
        if control_id == "start":
            self.state = "consent"
            return self._show_state()
        return []

    def _press_consent(self, control_id: str) -> list[Action]:
        if control_id == "agree":
            self.participant = ParticipantSession.begin(
                self.pack.id, self.pack.version, self.language, self.today(), self.event_id,
                new_id=new_id)
            self.state = "question"
            self.index = 0
            return [BeginParticipant(self.participant), *self._show_state()]
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
            self.state = "typing"
            current = self.answers.get(q.id)
            self.draft = current.text if current and isinstance(current.value, str) else ""
            return [StopListening(), Show(self.screen())]
        if control_id == "speak":
            self.state = "listening"
            self.heard_so_far = ""
            return [Show(self.screen()), Listen(self.language)]
        if control_id.startswith("choice:"):
            choice_id = control_id.removeprefix("choice:")
            if q.type == "multi":
                self.selection ^= {choice_id}
                return [Show(self.screen(), speak=False),
                        Say(self._describe_tick(choice_id), self.language)]
            value: AnswerValue = choice_id
            if q.type == "yesno":
                value = choice_id == "yes"
            return self._save(value, self._answer_text(q, value), self._tap_or_voice())
        if control_id == "done" and q.type == "multi":
            chosen = tuple(c.id for c in q.choices if c.id in self.selection)
            if not chosen:
                return [Say(self._("Nothing is ticked. Tick one or more choices, or choose "
                                   "Skip."), self.language)]
            return self._save(chosen, self._answer_text(q, chosen), self._tap_or_voice())
        return []

    def _press_typing(self, control_id: str) -> list[Action]:
        if control_id == "done":
            if not self.draft.strip():
                return [Say(self._("Your answer is empty. Type your answer, or choose "
                                   "Cancel."), self.language)]
            return self._propose(self.draft.strip(), "typed")
        if control_id in ("cancel", "back"):
            self.state = "question"
            return [Show(self.screen())]
        if control_id == "skip":
            return self._advance()
        return []

    def _press_listening(self, control_id: str) -> list[Action]:
        if control_id in ("cancel", "back"):
            self.state = "question"
            return [StopListening(), Show(self.screen())]
        if control_id == "type":
            self.state = "typing"
            self.draft = self.heard_so_far
            return [StopListening(), Show(self.screen())]
        if control_id == "skip":
            return [StopListening(), *self._advance()]
        # "done": the shell finishes recognition and reports it through heard().
        return []

    def _press_confirm(self, control_id: str) -> list[Action]:
        assert self.pending is not None
        text, method, scrubber = self.pending
        if control_id == "keep":
            self.pending = None
            return self._save(text, text, method, scrubber)
        if control_id == "again":
            self.pending = None
            self.heard_so_far = ""
            self.state = "listening" if method == "voice" else "typing"
            self.draft = "" if method == "voice" else text
            return [Show(self.screen()), *([Listen(self.language)] if method == "voice" else [])]
        if control_id == "more":
            self.pending = None
            self.heard_so_far = text
            self.state = "listening"
            return [Show(self.screen()), Listen(self.language)]
        if control_id == "type":
            self.pending = None
            self.state = "typing"
            self.draft = text
            return [StopListening(), Show(self.screen())]
        if control_id in ("back", "cancel"):
            self.pending = None
            self.state = "question"
            return [StopListening(), Show(self.screen())]
        if control_id == "skip":
            self.pending = None
            return [StopListening(), *self._advance()]
        return []

    def _press_review(self, control_id: str) -> list[Action]:
        if control_id.startswith("edit:"):
            question_id = control_id.removeprefix("edit:")
            self.index = [q.id for q in self.pack.questions].index(question_id)
            self.back_to_review = True
            return self._enter_question(editing=True)
        if control_id == "finish":
            self.state = "thanks"
            return [Show(self.screen())]
        if control_id == "back":
            self.index = len(self.pack.questions) - 1
            return self._enter_question(editing=True)
        return []

    def _press_thanks(self, control_id: str) -> list[Action]:
        if control_id == "withdraw":
            self.state = "withdraw"
            return [Show(self.screen())]
        if control_id == "back":
            self.state = "review"
            return [Show(self.screen())]
        if control_id == "finish":
            return self.end()
        return []

    def _press_withdraw(self, control_id: str) -> list[Action]:
        if control_id == "withdraw_yes" and self.participant is not None:
            self.answers.clear()
            self.state = "withdrawn"
            return [Withdraw(self.participant.id), Show(self.screen())]
        if control_id in ("withdraw_no", "back"):
            self.state = "thanks"
            return [Show(self.screen())]
        return []

    def _press_withdrawn(self, control_id: str) -> list[Action]:
        return self.end() if control_id == "finish" else []

    def _press_settings(self, control_id: str) -> list[Action]:
        s = self.settings
        if control_id in ("close", "back"):
            self.overlay = None
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
        self.settings = s
        return [ApplySettings(s), Show(self.screen(), speak=False),
                Say(self._setting_now(control_id), self.language)]

    def _setting_now(self, control_id: str) -> str:
        """The new state of the one setting just changed, as it is said."""
        s = self.settings
        if control_id.startswith("size"):
            return self._("Text size {size} of {sizes}").format(
                size=s.text_size + 1, sizes=MAX_TEXT_SIZE + 1)
        if control_id.startswith("theme:"):
            return self._("Colours: {theme}, selected").format(theme=self._theme_name(s.theme))
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
        volume = max(0, min(MAX_VOLUME, self.settings.volume + step))
        self.settings = self.settings.changed(volume=volume)
        return [ApplySettings(self.settings), Show(self.screen(), speak=False),
                Say(self._("Volume {level} of {most}").format(level=volume, most=MAX_VOLUME),
                    self.language)]

    # Moving through the questions ----------------------------------------------------------------

    def _show_state(self) -> list[Action]:
        """Show the current state's screen, listening for spoken choices where that helps."""
        screen = self.screen()
        actions: list[Action] = [Show(screen)]
        if not self.voice or self.overlay is not None:
            return actions
        if self.state == "question" and self.question.type == "open":
            actions.append(Listen(self.language))  # an answer, or a command word
        elif screen.voice_commands:
            actions.append(Listen(self.language, screen.voice_commands))
        return actions

    def _enter_question(self, editing: bool = False) -> list[Action]:
        """Ask the current question, starting from its saved answer if it has one (ticks
        included), so that Done or Keep without a change keeps the answer exactly."""
        q = self.question
        current = self.answers.get(q.id)
        self.selection = set(current.value) if (q.type == "multi" and current
                                                and isinstance(current.value, tuple)) else set()
        self.editing = editing and current is not None
        self.state = "question"
        return self._show_state()

    def _advance(self) -> list[Action]:
        self.pending = None
        self.draft = ""
        if self.back_to_review or self.index + 1 >= len(self.pack.questions):
            self.back_to_review = False
            self.state = "review"
            return [Show(self.screen())]
        self.index += 1
        return self._enter_question()

    def _go_back(self) -> list[Action]:
        if self.back_to_review:
            self.back_to_review = False
            self.state = "review"
            return [Show(self.screen())]
        if self.index == 0:
            self.state = "consent"
            return [Show(self.screen())]
        self.index -= 1
        return self._enter_question()

    def _propose(self, text: str, method: str) -> list[Action]:
        """Show back exactly what will be kept, with personal details already removed, and no
        longer than MAX_ANSWER_CHARS (the person is told when words were left out)."""
        result = self.scrub(text[:MAX_ANSWER_CHARS], self.language)
        kept = result.text[:MAX_ANSWER_CHARS]
        self.pending = (kept, method, result.scrubber)
        notes = [self.describe_removed(result.removed, self._)]
        if len(text) > MAX_ANSWER_CHARS or len(result.text) > MAX_ANSWER_CHARS:
            notes.append(self._("Your answer is as long as an answer can be, so I left out "
                                "the words after that."))
        self.pending_note = " ".join(n for n in notes if n)
        self.state = "confirm"
        actions: list[Action] = [StopListening(), Show(self.screen())]
        if method == "voice" and self.voice:
            actions.append(Listen(self.language, self.screen().voice_commands))
        return actions

    def _save(self, value: AnswerValue, text: str, method: str,
              scrubbed_with: str | None = None) -> list[Action]:
        assert self.participant is not None
        q = self.question
        self.seq += 1
        answer = Answer(new_id(), self.participant.id, q.id, q.type, self.seq, value, text,
                        method, self.language, scrubbed_with)
        self.answers[q.id] = answer
        return [StopListening(), SaveAnswer(answer),
                Say(self._("Saved: {answer}").format(answer=text), self.language),
                *self._advance()]

    def _tap_or_voice(self) -> str:
        return "voice" if self.by_voice else "tap"

    def _joined(self, words: str) -> str:
        return f"{self.heard_so_far} {words}".strip() if self.heard_so_far else words

    # Texts -------------------------------------------------------------------------------------

    def _choice_label(self, q: Question, choice_id: str) -> str:
        for c in q.choices:
            if c.id == choice_id:
                text = c.text.get(self.language)
                if q.type == "scale":
                    if text in DEFAULT_SCALE_LABELS:
                        text = self._(text)
                    return f"{choice_id} – {text}"
                return text
        return choice_id

    def _answer_text(self, q: Question, value: AnswerValue) -> str:
        if isinstance(value, bool):
            return self._("Yes") if value else self._("No")
        if isinstance(value, tuple):
            return "; ".join(self._choice_label(q, v) for v in value)
        if value is None:
            return ""
        if q.type in ("choice", "scale"):
            return self._choice_label(q, value)
        return value

    def _describe_tick(self, choice_id: str) -> str:
        label = self._choice_label(self.question, choice_id)
        if choice_id in self.selection:
            return self._("{choice}, ticked").format(choice=label)
        return self._("{choice}, not ticked").format(choice=label)

    def _settings_summary(self) -> str:
        s = self.settings
        return self._("Text size {size} of {sizes}. Speech speed {rate} of {rates}. "
                      "Volume {volume} of {volumes}.").format(
            size=s.text_size + 1, sizes=MAX_TEXT_SIZE + 1, rate=s.speech_rate + 1,
            rates=MAX_SPEECH_RATE + 1, volume=s.volume, volumes=MAX_VOLUME)

    def _theme_name(self, theme: str) -> str:
        return {"yellow-on-black": self._("Yellow on black"),
                "white-on-black": self._("White on black"),
                "black-on-cream": self._("Black on cream")}[theme]

    def _number_words(self, n: int) -> tuple[str, ...]:
        words = (self._("one"), self._("two"), self._("three"), self._("four"), self._("five"),
                 self._("six"), self._("seven"), self._("eight"), self._("nine"), self._("ten"))
        return (words[n - 1].lower(), str(n)) if n <= len(words) else (str(n),)

    def _nav(self, back: bool = True, skip: bool = False) -> tuple[Control, ...]:
        """Back, Repeat, Help and Skip: on every screen, always in the same place and order."""
        return (
            Control("back", self._("Back"), group=NAV, enabled=back,
                    voice_words=(self._("back").lower(),)),
            Control("repeat", self._("Repeat"), group=NAV,
                    voice_words=(self._("repeat").lower(),)),
            Control("help", self._("Help"), group=NAV, voice_words=(self._("help").lower(),)),
            Control("skip", self._("Skip"), group=NAV, enabled=skip,
                    voice_words=(self._("skip").lower(),)),
        )

    def _top(self) -> tuple[Control, ...]:
        return (Control("settings", self._("Settings"), group=TOP),)

    # Screens -------------------------------------------------------------------------------------

    def screen(self) -> Screen:
        """What the participant should see and hear now."""
        if self.overlay == "idle":
            return self._idle_screen()
        if self.overlay == "help":
            return self._help_screen()
        if self.overlay == "settings":
            return self._settings_screen()
        builder: Callable[[], Screen] = getattr(self, f"_{self.state}_screen")
        return builder()

    def _welcome_screen(self) -> Screen:
        title = self._("Have your say")
        body = self._("Touch the screen or press any key to start.")
        controls = [Control("start", self._("Start"), voice_words=(self._("start").lower(),))]
        languages = self.pack.languages
        if len(languages) > 1:
            for i, lang in enumerate(languages):
                controls.append(Control(f"lang:{lang}", LANGUAGE_NAMES.get(lang, lang), "choice",
                                        selected=lang == self.language,
                                        position=(i + 1, len(languages)),
                                        label_language=lang))
        speech = " ".join([
            self._("Welcome."), self.pack.title.get(self.language), body,
            self._("You can answer by speaking, by touch, or with the keys.") if self.voice
            else self._("You can answer by touch or with the keys."),
        ])
        if self.voice_lost:
            speech += " " + self._("Spoken answers are not working at the moment. Please "
                                   "answer by touch or by typing.")
        if len(languages) > 1:
            speech += " " + self._("To change the language, choose one of the languages on "
                                   "the screen.")
        return Screen("welcome", self.language, title, body,
                      (*self._top(), *controls, *self._nav(back=False)), speech)

    def _consent_screen(self) -> Screen:
        title = self._("Before we start")
        body = self._("Your answers are anonymous: we do not ask your name. No recording of "
                      "your voice is kept, only the words you confirm. You can skip any "
                      "question, change your answers, and stop at any time.")
        controls = (Control("agree", self._("Start the questions"),
                            voice_words=(self._("yes").lower(), self._("start").lower())),
                    Control("decline", self._("No thanks"),
                            voice_words=(self._("no").lower(),)))
        speech = f"{title}. {body} " + self._("To begin, choose Start the questions.")
        note = ""
        if self.language in self.voice_missing:
            # Said once per person: everyone passes consent once.
            note = self._("Spoken answers are not available in this language on this kiosk. "
                          "Please answer by touch or by typing.")
            speech = f"{title}. {body} {note} " + self._("To begin, choose Start the questions.")
        return Screen("consent", self.language, title, body,
                      (*self._top(), *controls, *self._nav()), speech, note=note,
                      voice_commands=tuple(w for c in controls for w in c.voice_words))

    def _progress(self) -> str:
        return self._("Question {number} of {total}").format(
            number=self.index + 1, total=len(self.pack.questions))

    def _how_to_answer(self, q: Question) -> str:
        if q.type == "open":
            how = (self._("Choose Speak to say your answer, or Type to write it.") if self.voice
                   else self._("Choose Type to write your answer."))
        elif q.type == "multi":
            how = self._("Choose all that apply, then choose Done.")
        elif q.type == "scale":
            how = self._("Choose a number from {low} to {high}.").format(
                low=q.choices[0].id, high=q.choices[-1].id)
        elif q.type == "yesno":
            how = self._("Choose Yes or No.")
        else:
            how = self._("Choose one.")
        if self.voice and q.type != "open":
            how += " " + self._("You can also say the number or the words of your choice.")
        return how

    def _question_screen(self) -> Screen:
        q = self.question
        title = q.text.get(self.language)
        help_text = q.help.get(self.language) if q.help else ""
        how = self._how_to_answer(q)
        current = self.answers.get(q.id)
        controls: list[Control] = []
        spoken_choices: list[str] = []
        if q.type == "open":
            if self.voice:
                controls.append(Control("speak", self._("Speak"),
                                        voice_words=(self._("speak").lower(),)))
            controls.append(Control("type", self._("Type"), voice_words=(self._("type").lower(),)))
            if current:
                controls.append(Control("next", self._("Keep my answer"),
                                        voice_words=(self._("keep").lower(),)))
        else:
            choices = self._choices(q)
            role = "checkbox" if q.type == "multi" else "choice"
            for i, (choice_id, label) in enumerate(choices):
                if q.type == "multi":
                    selected = choice_id in self.selection
                elif current is not None:
                    value = current.value
                    selected = (value == (choice_id == "yes")) if q.type == "yesno" \
                        else value == choice_id
                else:
                    selected = False
                words = self._number_words(i + 1) + (label.lower(),)
                controls.append(Control(f"choice:{choice_id}", label, role, selected=selected,
                                        position=(i + 1, len(choices)), voice_words=words))
                state = f", {self._('selected')}" if selected else ""
                spoken_choices.append(f"{i + 1}: {label}{state}.")
            if q.type == "multi":
                controls.append(Control("done", self._("Done"),
                                        voice_words=(self._("done").lower(),)))
        note = ""
        if current is not None:
            note = self._("Your answer: {answer}").format(answer=current.text)
        changing = self._("You are changing your answer. It stays as it is unless you change "
                          "it.") if self.editing else ""
        speech = " ".join(part for part in [
            self._progress() + ".", changing, title, help_text, " ".join(spoken_choices),
            note + "." if note else "", how,
        ] if part)
        recording = q.audio.get(self.language)
        audio = str(PurePath(self.pack.source).parent / recording) if recording else None
        screen = Screen("question", self.language, title, help_text or how,
                        (*self._top(), *controls, *self._nav(skip=True)), speech,
                        progress=self._progress(), question_id=q.id, question_type=q.type,
                        note=note, audio=audio)
        commands = tuple(w for c in screen.controls if c.enabled and c.group != TOP
                         for w in c.voice_words)
        return replace(screen, voice_commands=commands)

    def _choices(self, q: Question) -> list[tuple[str, str]]:
        if q.type == "yesno":
            return [("yes", self._("Yes")), ("no", self._("No"))]
        return [(c.id, self._choice_label(q, c.id)) for c in q.choices]

    def _typing_screen(self) -> Screen:
        q = self.question
        title = q.text.get(self.language)
        body = self._("Type your answer, then choose Done.")
        controls = (Control("answer", self._("Your answer"), "text field"),
                    Control("keyboard", self._("Keyboard")),
                    Control("done", self._("Done")), Control("cancel", self._("Cancel")))
        speech = f"{title} {body}"
        if self.draft:
            speech += " " + self._("Your answer so far: {answer}").format(answer=self.draft)
        return Screen("typing", self.language, title, body,
                      (*self._top(), *controls, *self._nav(skip=True)),
                      speech, progress=self._progress(), question_id=q.id,
                      question_type=q.type, draft=self.draft)

    def _listening_screen(self) -> Screen:
        q = self.question
        title = q.text.get(self.language)
        body = self._("Speak your answer now. When you stop, I will read back what I heard. "
                      "Or choose Done when you have finished.")
        controls = (Control("done", self._("Done")), Control("type", self._("Type instead")))
        speech = self._("Speak your answer now.")
        return Screen("listening", self.language, title, body,
                      (*self._top(), *controls, *self._nav(skip=True)), speech,
                      progress=self._progress(), question_id=q.id, question_type=q.type,
                      draft=self.heard_so_far)

    def _confirm_screen(self) -> Screen:
        assert self.pending is not None
        text, method, _scrubber = self.pending
        q = self.question
        voice = method == "voice"
        title = self._("I heard:") if voice else self._("You wrote:")
        controls: tuple[Control, ...]
        if voice:
            controls = (
                Control("keep", self._("Keep it"),
                        voice_words=(self._("keep").lower(), self._("yes").lower())),
                Control("again", self._("Try again"),
                        voice_words=(self._("again").lower(), self._("no").lower())),
                Control("more", self._("Add more"), voice_words=(self._("more").lower(),)),
                Control("type", self._("Type instead"), voice_words=(self._("type").lower(),)),
            )
            ask = self._("Keep it, try again, add more, or type instead?")
        else:
            controls = (Control("keep", self._("Keep it")),
                        Control("again", self._("Change it")))
            ask = self._("Keep it, or change it?")
        speech = " ".join(p for p in [title, text, self.pending_note, ask] if p)
        return Screen("confirm", self.language, title, ask,
                      (*self._top(), *controls, *self._nav(skip=True)), speech,
                      progress=self._progress(), question_id=q.id, question_type=q.type,
                      draft=text, note=self.pending_note,
                      voice_commands=tuple(w for c in controls for w in c.voice_words))

    def _review_screen(self) -> Screen:
        title = self._("Your answers")
        body = self._("Check your answers. Choose a question to change its answer, or choose "
                      "Finish.")
        controls: list[Control] = []
        spoken: list[str] = []
        for i, q in enumerate(self.pack.questions):
            answer = self.answers.get(q.id)
            shown = answer.text if answer else self._("Skipped")
            label = f"{i + 1}. {q.text.get(self.language)}\n{shown}"
            controls.append(Control(f"edit:{q.id}", label))
            spoken.append(f"{i + 1}. {q.text.get(self.language)} {shown}.")
        controls.append(Control("finish", self._("Finish"),
                                voice_words=(self._("finish").lower(),)))
        speech = " ".join([title + ".", body, *spoken])
        return Screen("review", self.language, title, body,
                      (*self._top(), *controls, *self._nav()), speech)

    def _thanks_screen(self) -> Screen:
        title = self._("Thank you")
        body = self._("Your answers are saved. Thank you for taking part. If you change your "
                      "mind, you can remove your answers now.")
        controls = (Control("finish", self._("Finish")),
                    Control("withdraw", self._("Remove my answers")))
        return Screen("thanks", self.language, title, body,
                      (*self._top(), *controls, *self._nav()), f"{title}. {body}")

    def _withdraw_screen(self) -> Screen:
        title = self._("Remove your answers?")
        body = self._("All the answers you gave today will be deleted. This cannot be undone.")
        controls = (Control("withdraw_no", self._("No, keep them")),
                    Control("withdraw_yes", self._("Yes, remove them")))
        ask = self._("Choose No, keep them, or Yes, remove them.")
        return Screen("withdraw", self.language, title, body,
                      (*self._top(), *controls, *self._nav()), f"{title} {body} {ask}")

    def _withdrawn_screen(self) -> Screen:
        title = self._("Your answers have been removed")
        body = self._("Nothing you said today is kept. Thank you for your time.")
        return Screen("withdrawn", self.language, title, body,
                      (*self._top(), Control("finish", self._("Finish")),
                       *self._nav(back=False)), f"{title}. {body}")

    def _help_screen(self) -> Screen:
        title = self._("Help")
        body = self._(
            "Back goes to the previous step. Repeat says the screen again. Skip moves on "
            "without answering. Settings changes the text size, the colours, the speech speed "
            "and the volume. With keys: arrows or Tab move, Enter chooses, Escape goes back, "
            "F1 or the question mark is help, plus and minus change the volume.")
        if self.state == "question":
            body = self._how_to_answer(self.question) + " " + body
        controls = (Control("close", self._("Close help"),
                            voice_words=(self._("close").lower(),)),)
        return Screen("help", self.language, title, body,
                      (*self._top(), *controls, *self._nav()), f"{title}. {body}")

    def _settings_screen(self) -> Screen:
        s = self.settings
        title = self._("Settings")
        body = self._settings_summary()
        controls = [
            Control("size-", self._("Smaller text"), enabled=s.text_size > 0),
            Control("size+", self._("Larger text"), enabled=s.text_size < MAX_TEXT_SIZE),
        ]
        for i, theme in enumerate(THEMES):
            controls.append(Control(f"theme:{theme}", self._theme_name(theme), "choice",
                                    selected=s.theme == theme, position=(i + 1, len(THEMES))))
        controls += [
            Control("rate-", self._("Slower speech"), enabled=s.speech_rate > 0),
            Control("rate+", self._("Faster speech"), enabled=s.speech_rate < MAX_SPEECH_RATE),
            Control("vol-", self._("Quieter"), enabled=s.volume > 0),
            Control("vol+", self._("Louder"), enabled=s.volume < MAX_VOLUME),
            Control("explore", self._("Touch to explore: touch once to hear, twice to choose"),
                    "checkbox", selected=s.touch_to_explore, position=(1, 1)),
            *([Control("headphones", self._("Headphones only: nothing said through the "
                                            "speaker"), "checkbox", selected=s.headphones,
                       position=(1, 1))] if self.headphones_available else []),
            Control("curtain", self._("Screen curtain: a blank screen, so nobody can read "
                                      "your answers"), "checkbox", selected=s.curtain,
                    position=(1, 1)),
            Control("close", self._("Close settings")),
        ]
        return Screen("settings", self.language, title, body,
                      (*self._top(), *controls, *self._nav()), f"{title}. {body}")

    def _idle_screen(self) -> Screen:
        title = self._("Are you still there?")
        body = self._("Touch the screen or press any key to carry on. If not, your saved "
                      "answers are kept and the kiosk starts again for the next person in "
                      "{seconds} seconds.").format(seconds=int(self.times.warning))
        return Screen("idle", self.language, title, body,
                      (*self._top(), Control("continue", self._("Carry on")),
                       *self._nav()), f"{title} {body}")


def first_speeches(pack: QuestionPack, translate: Translate, language: str,
                   voice: bool) -> list[str]:
    """What Welcome, consent and each question say to a new participant in `language`: the
    speech worth rendering ahead of time, so that it starts the moment a screen appears."""
    session = Session(pack, translate)
    if voice:
        session.voice_languages.add(language)
    session.language = language
    texts = [session.screen().speech]
    session.state = "consent"
    texts.append(session.screen().speech)
    session.state = "question"
    for index in range(len(pack.questions)):
        session.index = index
        texts.append(session.screen().speech)
    return texts
