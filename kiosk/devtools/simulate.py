"""Demo data: simulated participants taken through the real session logic into the real store.

Each simulated person walks up, may change the language, agrees, answers each question by speaking,
typing or tapping (or skips it), sometimes goes back from the review to change an answer, and now
and then withdraws at the end. The actions the session returns (begin a participant, save an
answer, withdraw) are carried out on a real :class:`kiosk.store.Store`, in batches so that 100,000
answers take seconds rather than one disk flush each. Open answers are built from phrase banks
about co-production, power, barriers and being heard; the same ``seed`` gives the same people.

Library use::

    result = simulate(Store(store_in(data_dir)), load_pack(path)[0], participants=500, seed=7)
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kiosk.core.answers import Answer, ParticipantSession
from kiosk.core.pack import Question, QuestionPack
from kiosk.core.redact import redact
from kiosk.core.screens import Action, BeginParticipant, SaveAnswer, Withdraw
from kiosk.core.session import Session
from kiosk.ids import new_id, random_below
from kiosk.store.db import Store

# How often things happen, per participant or per question.
SKIP_RATE = 0.12
CHANGE_RATE = 0.08
WITHDRAW_RATE = 0.02
LANGUAGE_WEIGHTS = {"en": 80, "gd": 6, "pl": 9, "ko": 5}
FLUSH_EVERY = 2000  # participants per store transaction

# Phrase banks, English. Voice answers come out as a recogniser writes them (lower case, no
# punctuation); typed ones keep capitals and full stops.
_TOPICS: dict[str, list[str]] = {
    "meaning": [
        "doing things with people and not to people",
        "being treated as an equal partner from the start",
        "people with lived experience designing the service together with staff",
        "sharing power and sharing decisions",
        "being asked before things are decided, not after",
        "everyone bringing what they know, all teach and all learn",
        "services and communities working side by side",
        "being listened to and seeing something change because of it",
    ],
    "power": [
        "give people a real say in the budget",
        "pay people for their time and expenses",
        "let people set the agenda for the meeting",
        "have people with lived experience on the board",
        "stop using jargon so everyone can follow",
        "professionals need to step down so we can step up",
        "build trust first, it takes time",
        "feed back what happened with our views",
    ],
    "barriers": [
        "transport to meetings, especially in rural areas",
        "the cost of getting there and the time off work",
        "papers sent out in small print that I cannot read",
        "meetings held in buildings that are not accessible",
        "not being believed because of my condition",
        "language, when English is not your first language",
        "feeling that the decision is already made",
        "no support for carers to take part",
        "mistrust after being let down before",
    ],
    "sharing": [
        "make decisions together and write down who decided",
        "give everyone the same information at the same time",
        "rotate who chairs the meeting",
        "involve people from the very beginning",
        "check back with the group before anything is final",
        "make sure the quiet voices are heard too",
        "have clear ground rules agreed by everyone",
    ],
    "ingredients": [
        "trust, because without it nobody speaks up",
        "time, because real change is slow",
        "respect for what people know from their own lives",
        "honesty about what can and cannot change",
        "accessible information in large print and audio",
        "long term commitment and funding",
        "a safe space where mistakes are allowed",
        "leadership that is willing to take risks",
    ],
}
_GENERAL = [
    "being heard and taken seriously",
    "support from my peer group",
    "accessible information and meetings",
    "more time to take part",
    "people with lived experience leading",
]
_OPENERS = ["", "I think ", "For me it is ", "Honestly, ", "I would say ", "It means ",
            "Mostly ", "Above all, "]
_ENDINGS = ["", " That matters a lot to me.", " It has to be real, not tokenism.",
            " We have been saying this for years.", " Then people will come back.",
            " Peer support groups show how it can work."]
# A few contributions mention personal details, as real ones do; the scrubber takes them out.
_DETAILS = [" My carer Siobhan helps me with that.", " You can ring me on 07700 900123.",
            " I live at 12 Leith Walk EH6 8RG."]

_OTHER_LANGUAGES: dict[str, list[str]] = {
    "gd": ["a bhith ag obair còmhla ri daoine", "cumhachd a roinn gu cothromach",
           "còmhdhail do choinneamhan", "a bhith air ar cluinntinn", "ùine agus earbsa"],
    "pl": ["robienie rzeczy razem z ludźmi, a nie za nich", "dzielenie się władzą",
           "transport na spotkania", "żeby nas wysłuchano", "zaufanie i czas",
           "informacje dużym drukiem"],
    "ko": ["사람들과 함께 일하는 것", "권한을 공평하게 나누는 것", "회의에 가는 교통편",
           "우리의 목소리를 들어 주는 것", "신뢰와 시간"],
}

EVENTS = [
    ("Co-production Week roundtable", "Serenity Café, Edinburgh"),
    ("Sight loss peer group: having our say", "Community library, Inverness"),
    ("Self management network gathering", "Church hall, Dundee"),
]


# The real scrubber, remembered: simulated phrases repeat, and redact() is a pure function.
_scrub = functools.lru_cache(maxsize=50_000)(redact)


@dataclass
class SimulationResult:
    """What a simulation stored."""

    participants: int = 0
    answers: int = 0
    withdrawn: int = 0
    events: list[str] = field(default_factory=list)


class _Person:
    """One simulated participant's choices, drawn from the shared random generator."""

    def __init__(self, rng: random.Random, pack: QuestionPack):
        self.rng = rng
        languages = [lang for lang in pack.languages if lang in LANGUAGE_WEIGHTS] or \
            [pack.default_language]
        weights = [LANGUAGE_WEIGHTS.get(lang, 1) for lang in languages]
        self.language = rng.choices(languages, weights)[0]
        self.voice = rng.random() < 0.55  # prefers speaking to typing
        self.favourite = rng.random()  # leans to one end of a scale

    def open_answer(self, question: Question) -> tuple[str, str]:
        """(text, method) for an open question."""
        rng = self.rng
        method = "voice" if self.voice or rng.random() < 0.2 else "typed"
        if self.language in _OTHER_LANGUAGES:
            bank = _OTHER_LANGUAGES[self.language]
            text = rng.choice(bank)
            if rng.random() < 0.4:
                text += ", " + rng.choice([p for p in bank if p != text])
            return text, method
        bank = _TOPICS.get(question.id, _GENERAL)
        core = rng.choice(bank)
        if rng.random() < 0.3:
            core += " and " + rng.choice([p for p in bank + _GENERAL if p != core])
        text = rng.choice(_OPENERS) + core + "."
        text = text[0].upper() + text[1:]
        text += rng.choice(_ENDINGS)
        if rng.random() < 0.03:
            text += rng.choice(_DETAILS)
        if method == "voice":
            text = "".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace()).strip()
        return text, method

    def pick(self, choices: list[str], question: Question) -> str:
        """A choice id, scales leaning to this person's view."""
        if question.type == "scale":
            index = min(len(choices) - 1, max(0, round(self.rng.gauss(
                self.favourite * (len(choices) - 1), 0.9))))
            return choices[index]
        return self.rng.choice(choices)


def _available(session: Session, prefix: str) -> list[str]:
    return [c.id for c in session.screen().controls if c.enabled and c.id.startswith(prefix)]


def _answer(session: Session, person: _Person, do: Callable[[list[Action]], None]) -> None:
    """Answer the question on screen the way this person would."""
    question = session.question
    if question.type == "open":
        text, method = person.open_answer(question)
        if method == "voice" and session.screen().has("speak"):
            do(session.press("speak"))
            do(session.heard(text))
        else:
            do(session.press("type"))
            do(session.set_draft(text))
            do(session.press("done"))
        do(session.press("keep"))
        return
    choices = _available(session, "choice:")
    if question.type == "multi":
        for _ in range(person.rng.randint(1, min(3, len(choices)))):
            do(session.press(person.rng.choice(choices)))
        if not session.selection:
            do(session.press(choices[0]))
        do(session.press("done"))
        return
    do(session.press(person.pick(choices, question)))


def simulate(store: Store, pack: QuestionPack, participants: int, seed: int = 1,
             pack_source: str = "", progress: Callable[[int, int], None] | None = None,
             today: date | None = None) -> SimulationResult:
    """Run `participants` simulated people through the real Session into `store`."""
    rng = random.Random(seed)
    today = today or date.today()
    result = SimulationResult()
    store.record_pack(pack.id, pack.version, pack.title.get(pack.default_language),
                      pack_source or f"# {pack.id} version {pack.version}\n")
    sessions: list[Session] = []
    for i, (name, venue) in enumerate(EVENTS[: 1 + participants // 2000 if participants else 1]):
        day = today - timedelta(days=7 * (len(EVENTS) - i))
        event_id = store.start_event(name, venue, day)
        result.events.append(event_id)
        session = Session(pack, scrub=_scrub, today=functools.partial(_the_day, day),
                          new_id=new_id, random_below=random_below, event_id=event_id)
        for language in pack.languages:
            session.set_voice(language, True)
        sessions.append(session)

    begun: list[ParticipantSession] = []
    answers: list[Answer] = []
    withdrawals: list[str] = []

    def do(actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, BeginParticipant):
                begun.append(action.session)
            elif isinstance(action, SaveAnswer):
                answers.append(action.answer)
            elif isinstance(action, Withdraw):
                withdrawals.append(action.participant_id)

    def flush() -> None:
        store.save_many(begun, answers)
        for participant_id in withdrawals:
            store.withdraw(participant_id)
        result.participants += len(begun)
        result.answers += len(answers)
        result.withdrawn += len(withdrawals)
        begun.clear()
        answers.clear()
        withdrawals.clear()

    for n in range(participants):
        session = sessions[n * len(sessions) // max(participants, 1)]
        person = _Person(rng, pack)
        do(session.start())
        if session.screen().has(f"lang:{person.language}"):
            do(session.press(f"lang:{person.language}"))
        do(session.press("start"))
        do(session.press("agree"))
        while session.state == "question":
            if rng.random() < SKIP_RATE and session.screen().has("skip"):
                do(session.press("skip"))
            else:
                _answer(session, person, do)
        if session.state == "review" and rng.random() < CHANGE_RATE:
            edits = _available(session, "edit:")
            if edits:
                do(session.press(rng.choice(edits)))
                _answer(session, person, do)
        if session.state == "review":
            do(session.press("finish"))
        if rng.random() < WITHDRAW_RATE and session.screen().has("withdraw"):
            do(session.press("withdraw"))
            do(session.press("withdraw_yes"))
        do(session.end())
        if len(begun) >= FLUSH_EVERY:
            flush()
            if progress:
                progress(n + 1, participants)
    flush()
    if progress:
        progress(participants, participants)
    return result


def read_pack_source(path: str | Path) -> str:
    """The pack file's text, kept in the store so reports show the questions as asked."""
    return Path(path).read_text(encoding="utf-8").removeprefix("\ufeff")


def _the_day(day: date) -> date:
    """The simulated event's day, as a Session's clock."""
    return day
