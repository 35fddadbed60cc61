"""The screen builders: what the participant sees and hears in each state of the session.

Built from the session's fields (read through its properties), never changing them: the state
machine (machine.py) decides, these views describe. Everything a person can perceive is in the
Screen returned, including what it says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePath
from typing import TYPE_CHECKING

from kiosk.core.answers import AnswerValue
from kiosk.core.pack import DEFAULT_SCALE_LABELS, Question
from kiosk.core.screens import (
    MAX_SPEECH_RATE,
    MAX_TEXT_SIZE,
    MAX_VOLUME,
    NAV,
    THEMES,
    TOP,
    Control,
    Screen,
)
from kiosk.core.session.states import Overlay, State

if TYPE_CHECKING:  # the machine builds its Views; imported here for the type only
    from kiosk.core.session.machine import Session

# Language names as their speakers write them, for the language choice on the Welcome screen.
LANGUAGE_NAMES = {"en": "English", "gd": "Gàidhlig", "pl": "Polski", "ko": "한국어",
                  "cy": "Cymraeg", "ga": "Gaeilge", "fr": "Français", "de": "Deutsch",
                  "es": "Español", "ar": "العربية", "ur": "اردو", "pa": "ਪੰਜਾਬੀ", "zh": "中文"}


class Views:
    """Builds the Screen for the session's current state and overlay.

    Args:
        session: the session whose fields are shown; only read.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def _(self, message: str) -> str:
        return self.session.translate(self.session.language, message)

    # Texts the machine says as well --------------------------------------------------------------

    def choice_label(self, q: Question, choice_id: str) -> str:
        """A choice as it is shown and said (a scale choice with its number)."""
        for c in q.choices:
            if c.id == choice_id:
                text = c.text.get(self.session.language)
                if q.type == "scale":
                    if text in DEFAULT_SCALE_LABELS:
                        text = self._(text)
                    return f"{choice_id} – {text}"
                return text
        return choice_id

    def answer_text(self, q: Question, value: AnswerValue) -> str:
        """An answer as it is read back and listed in the review."""
        if isinstance(value, bool):
            return self._("Yes") if value else self._("No")
        if isinstance(value, tuple):
            return "; ".join(self.choice_label(q, v) for v in value)
        if value is None:
            return ""
        if q.type in ("choice", "scale"):
            return self.choice_label(q, value)
        return value

    # Texts of the screens ------------------------------------------------------------------------

    def _settings_summary(self) -> str:
        s = self.session.settings
        return self._("Text size {size} of {sizes}. Speech speed {rate} of {rates}. "
                      "Volume {volume} of {volumes}.").format(
            size=s.text_size + 1, sizes=MAX_TEXT_SIZE + 1, rate=s.speech_rate + 1,
            rates=MAX_SPEECH_RATE + 1, volume=s.volume, volumes=MAX_VOLUME)

    def theme_name(self, theme: str) -> str:
        """A colour theme's name in the participant's language."""
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
        if self.session.overlay == Overlay.IDLE:
            screen = self._idle_screen()
        elif self.session.overlay == Overlay.HELP:
            screen = self._help_screen()
        elif self.session.overlay == Overlay.SETTINGS:
            screen = self._settings_screen()
        else:
            screen = _SCREENS[self.session.state](self)
        return self._marked_preview(screen) if self.session.preview else screen

    def _marked_preview(self, screen: Screen) -> Screen:
        """Staff's preview: every screen shows that nothing is kept; Welcome (its start) and
        each question say it too, so nobody takes a preview for a real session."""
        mark = self._("Preview: nothing is kept")
        note = f"{mark}\n{screen.note}" if screen.note else mark
        speech = screen.speech
        if screen.name in ("welcome", "question") and self.session.overlay is None:
            speech = f"{mark}. {speech}"
        return replace(screen, note=note, speech=speech)

    def _welcome_screen(self) -> Screen:
        title = self._("Have your say")
        body = self._("Touch the screen or press any key to start.")
        controls = [Control("start", self._("Start"), voice_words=(self._("start").lower(),))]
        languages = self.session.pack.languages
        if len(languages) > 1:
            for i, lang in enumerate(languages):
                controls.append(Control(f"lang:{lang}", LANGUAGE_NAMES.get(lang, lang), "choice",
                                        selected=lang == self.session.language,
                                        position=(i + 1, len(languages)),
                                        label_language=lang))
        speech = " ".join([
            self._("Welcome."), self.session.pack.title.get(self.session.language), body,
            self._("You can answer by speaking, by touch, or with the keys.") if self.session.voice
            else self._("You can answer by touch or with the keys."),
        ])
        if self.session.voice_lost:
            speech += " " + self._("Spoken answers are not working at the moment. Please "
                                   "answer by touch or by typing.")
        if len(languages) > 1:
            speech += " " + self._("To change the language, choose one of the languages on "
                                   "the screen.")
        return Screen("welcome", self.session.language, title, body,
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
        if self.session.language in self.session.voice_missing:
            # Said once per person: everyone passes consent once.
            note = self._("Spoken answers are not available in this language on this kiosk. "
                          "Please answer by touch or by typing.")
            speech = f"{title}. {body} {note} " + self._("To begin, choose Start the questions.")
        return Screen("consent", self.session.language, title, body,
                      (*self._top(), *controls, *self._nav()), speech, note=note,
                      voice_commands=tuple(w for c in controls for w in c.voice_words))

    def _progress(self) -> str:
        return self._("Question {number} of {total}").format(
            number=self.session.index + 1, total=len(self.session.pack.questions))

    def _how_to_answer(self, q: Question) -> str:
        if q.type == "open":
            how = (self._("Choose Speak to say your answer, or Type to write it.")
                   if self.session.voice else self._("Choose Type to write your answer."))
        elif q.type == "multi":
            how = self._("Choose all that apply, then choose Done.")
        elif q.type == "scale":
            how = self._("Choose a number from {low} to {high}.").format(
                low=q.choices[0].id, high=q.choices[-1].id)
        elif q.type == "yesno":
            how = self._("Choose Yes or No.")
        else:
            how = self._("Choose one.")
        if self.session.voice and q.type != "open":
            how += " " + self._("You can also say the number or the words of your choice.")
        return how

    def _question_screen(self) -> Screen:
        q = self.session.question
        title = q.text.get(self.session.language)
        help_text = q.help.get(self.session.language) if q.help else ""
        how = self._how_to_answer(q)
        current = self.session.answers.get(q.id)
        controls: list[Control] = []
        spoken_choices: list[str] = []
        if q.type == "open":
            if self.session.voice:
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
                    selected = choice_id in self.session.selection
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
                          "it.") if self.session.editing else ""
        speech = " ".join(part for part in [
            self._progress() + ".", changing, title, help_text, " ".join(spoken_choices),
            note + "." if note else "", how,
        ] if part)
        recording = q.audio.get(self.session.language)
        audio = str(PurePath(self.session.pack.source).parent / recording) if recording else None
        screen = Screen("question", self.session.language, title, help_text or how,
                        (*self._top(), *controls, *self._nav(skip=True)), speech,
                        progress=self._progress(), question_id=q.id, question_type=q.type,
                        note=note, audio=audio)
        commands = tuple(w for c in screen.controls if c.enabled and c.group != TOP
                         for w in c.voice_words)
        return replace(screen, voice_commands=commands)

    def _choices(self, q: Question) -> list[tuple[str, str]]:
        if q.type == "yesno":
            return [("yes", self._("Yes")), ("no", self._("No"))]
        return [(c.id, self.choice_label(q, c.id)) for c in q.choices]

    def _typing_screen(self) -> Screen:
        q = self.session.question
        title = q.text.get(self.session.language)
        body = self._("Type your answer, then choose Done.")
        controls = (Control("answer", self._("Your answer"), "text field"),
                    Control("keyboard", self._("Keyboard")),
                    Control("done", self._("Done")), Control("cancel", self._("Cancel")))
        speech = f"{title} {body}"
        if self.session.draft:
            speech += " " + self._("Your answer so far: {answer}").format(answer=self.session.draft)
        return Screen("typing", self.session.language, title, body,
                      (*self._top(), *controls, *self._nav(skip=True)),
                      speech, progress=self._progress(), question_id=q.id,
                      question_type=q.type, draft=self.session.draft)

    def _listening_screen(self) -> Screen:
        q = self.session.question
        title = q.text.get(self.session.language)
        body = self._("Speak your answer now. When you stop, I will read back what I heard. "
                      "Or choose Done when you have finished.")
        controls = (Control("done", self._("Done")), Control("type", self._("Type instead")))
        speech = self._("Speak your answer now.")
        return Screen("listening", self.session.language, title, body,
                      (*self._top(), *controls, *self._nav(skip=True)), speech,
                      progress=self._progress(), question_id=q.id, question_type=q.type,
                      draft=self.session.heard_so_far)

    def _confirm_screen(self) -> Screen:
        assert self.session.pending is not None
        text, method, _scrubber = self.session.pending
        q = self.session.question
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
        # The answer read back as a sentence of its own, so that the question after it is
        # not heard as its last words ("We share power. Keep it, or change it?").
        said = text if not text or text.rstrip()[-1:] in ".!?…。？！" else text.rstrip() + "."
        speech = " ".join(p for p in [title, said, self.session.pending_note, ask] if p)
        return Screen("confirm", self.session.language, title, ask,
                      (*self._top(), *controls, *self._nav(skip=True)), speech,
                      progress=self._progress(), question_id=q.id, question_type=q.type,
                      draft=text, note=self.session.pending_note,
                      voice_commands=tuple(w for c in controls for w in c.voice_words))

    def _review_screen(self) -> Screen:
        title = self._("Your answers")
        body = self._("Check your answers. Choose a question to change its answer, or choose "
                      "Finish.")
        controls: list[Control] = []
        spoken: list[str] = []
        for i, q in enumerate(self.session.pack.questions):
            answer = self.session.answers.get(q.id)
            shown = answer.text if answer else self._("Skipped")
            label = f"{i + 1}. {q.text.get(self.session.language)}\n{shown}"
            controls.append(Control(f"edit:{q.id}", label))
            spoken.append(f"{i + 1}. {q.text.get(self.session.language)} {shown}.")
        controls.append(Control("finish", self._("Finish"),
                                voice_words=(self._("finish").lower(),)))
        speech = " ".join([title + ".", body, *spoken])
        return Screen("review", self.session.language, title, body,
                      (*self._top(), *controls, *self._nav()), speech)

    def _thanks_screen(self) -> Screen:
        title = self._("Thank you")
        body = self._("Your answers are saved. Thank you for taking part. If you change your "
                      "mind, you can remove your answers now.")
        code = self.session.withdrawal_code
        # Offered only with a printer attached: a button that cannot work is a trap.
        printing = (Control("print", self._("Print my code")),) \
            if code and self.session.printer_available else ()
        controls = (Control("finish", self._("Finish")), *printing,
                    Control("withdraw", self._("Remove my answers")))
        speech = f"{title}. {body}"
        if code:
            # On its own line, at the screen's text size, and said slowly word by word.
            later = self._("If you change your mind later, give staff this code:")
            body = f"{body}\n\n{later}\n{code}"
            speech = f"{speech} {later} {', '.join(code.split())}. " + self._(
                "Again: {code}.").format(code=", ".join(code.split()))
            if printing:
                speech = f"{speech} {self._('To have it printed, choose Print my code.')}"
        return Screen("thanks", self.session.language, title, body,
                      (*self._top(), *controls, *self._nav()), speech)

    def _withdraw_screen(self) -> Screen:
        title = self._("Remove your answers?")
        body = self._("All the answers you gave today will be deleted. This cannot be undone.")
        controls = (Control("withdraw_no", self._("No, keep them")),
                    Control("withdraw_yes", self._("Yes, remove them")))
        ask = self._("Choose No, keep them, or Yes, remove them.")
        return Screen("withdraw", self.session.language, title, body,
                      (*self._top(), *controls, *self._nav()), f"{title} {body} {ask}")

    def _withdrawn_screen(self) -> Screen:
        title = self._("Your answers have been removed")
        body = self._("Nothing you said today is kept. Thank you for your time.")
        return Screen("withdrawn", self.session.language, title, body,
                      (*self._top(), Control("finish", self._("Finish")),
                       *self._nav(back=False)), f"{title}. {body}")

    def _help_screen(self) -> Screen:
        title = self._("Help")
        body = self._(
            "Back goes to the previous step. Repeat says the screen again. Skip moves on "
            "without answering. Settings changes the text size, the colours, the speech speed "
            "and the volume. With keys: arrows or Tab move, Enter chooses, Escape goes back, "
            "F1 or the question mark is help, plus and minus change the volume.")
        if self.session.state == State.QUESTION:
            body = self._how_to_answer(self.session.question) + " " + body
        controls = (Control("close", self._("Close help"),
                            voice_words=(self._("close").lower(),)),)
        return Screen("help", self.session.language, title, body,
                      (*self._top(), *controls, *self._nav()), f"{title}. {body}")

    def _settings_screen(self) -> Screen:
        s = self.session.settings
        title = self._("Settings")
        body = self._settings_summary()
        controls = [
            Control("size-", self._("Smaller text"), enabled=s.text_size > 0),
            Control("size+", self._("Larger text"), enabled=s.text_size < MAX_TEXT_SIZE),
        ]
        for i, theme in enumerate(THEMES):
            controls.append(Control(f"theme:{theme}", self.theme_name(theme), "choice",
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
                       position=(1, 1))] if self.session.headphones_available else []),
            Control("curtain", self._("Screen curtain: a blank screen, so nobody can read "
                                      "your answers"), "checkbox", selected=s.curtain,
                    position=(1, 1)),
            Control("close", self._("Close settings")),
        ]
        return Screen("settings", self.session.language, title, body,
                      (*self._top(), *controls, *self._nav()), f"{title}. {body}")

    def _idle_screen(self) -> Screen:
        title = self._("Are you still there?")
        body = self._("Touch the screen or press any key to carry on. If not, your saved "
                      "answers are kept and the kiosk starts again for the next person in "
                      "{seconds} seconds.").format(seconds=int(self.session.times.warning))
        return Screen("idle", self.session.language, title, body,
                      (*self._top(), Control("continue", self._("Carry on")),
                       *self._nav()), f"{title} {body}")


# The screen of each state (help, settings and the idle warning, shown over any state, come first).
_SCREENS: dict[State, Callable[[Views], Screen]] = {
    State.WELCOME: Views._welcome_screen,
    State.CONSENT: Views._consent_screen,
    State.QUESTION: Views._question_screen,
    State.TYPING: Views._typing_screen,
    State.LISTENING: Views._listening_screen,
    State.CONFIRM: Views._confirm_screen,
    State.REVIEW: Views._review_screen,
    State.THANKS: Views._thanks_screen,
    State.WITHDRAW: Views._withdraw_screen,
    State.WITHDRAWN: Views._withdrawn_screen,
}
