"""The participant's path through the session state machine: no window, microphone or disk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from kiosk.core.answers import MAX_ANSWER_CHARS
from kiosk.core.pack import load_pack
from kiosk.core.screens import (
    ApplySettings,
    BeginParticipant,
    EndParticipant,
    Listen,
    SaveAnswer,
    Say,
    Settings,
    Show,
    Withdraw,
    describe_control,
)
from kiosk.core.session import Session, first_speeches, no_translation
from kiosk.ids import new_id

PACK = Path(__file__).parent / "packs" / "small.toml"


@dataclass(frozen=True)
class Scrubbed:
    text: str
    removed: tuple[str, ...]
    scrubber: str | None = "0123456789abcdef"


def scrub_phone(text: str, language: str) -> Scrubbed:
    """A stand-in scrubber one layer up: the real one is tested in test_redact."""
    if "0141" in text:
        return Scrubbed(text.replace("0141 496 0000", "[PHONE]"), ("PHONE",))
    return Scrubbed(text, ())


@pytest.fixture
def session() -> Session:
    pack, _ = load_pack(PACK)
    return Session(pack, scrub=scrub_phone,
                   describe_removed=lambda kinds, _: "I took out a phone number." if kinds else "",
                   today=lambda: date(2026, 11, 22), new_id=new_id)


def shown(actions: list) -> object:
    screens = [a.screen for a in actions if isinstance(a, Show)]
    assert screens, f"no screen shown in {actions}"
    return screens[-1]


def of(kind: type, actions: list) -> list:
    return [a for a in actions if isinstance(a, kind)]


def to_first_question(session: Session) -> list:
    session.start()
    session.press("start")
    return session.press("agree")


def test_welcome_consent_and_first_question(session: Session) -> None:
    screen = shown(session.start())
    assert screen.name == "welcome"
    assert "Touch the screen or press any key" in screen.body
    assert screen.has("start") and screen.has("help") and not screen.has("back")
    screen = shown(session.press("start"))
    assert screen.name == "consent"
    assert "anonymous" in screen.body and "No recording of your voice" in screen.body
    actions = session.press("agree")
    begun = of(BeginParticipant, actions)[0].session
    assert begun.date == "2026-11-22" and begun.pack_id == "small-test" and begun.pack_version == 3
    screen = shown(actions)
    assert screen.name == "question" and screen.progress == "Question 1 of 5"
    assert screen.speech.startswith("Question 1 of 5. What does co-production mean to you?")


def test_ids_and_the_date_are_the_ones_passed_in() -> None:
    """The core draws no random ids and reads no clock (see test_core_purity): the shell passes
    them in, so a run can be replayed exactly."""
    pack, _ = load_pack(PACK)
    ids = iter(["participant-1", "answer-1"])
    session = Session(pack, today=lambda: date(2025, 3, 4), new_id=lambda: next(ids))
    begun = of(BeginParticipant, to_first_question(session))[0].session
    assert (begun.id, begun.date) == ("participant-1", "2025-03-04")
    session.press("type")
    session.set_draft("sharing power")
    session.press("done")
    saved = of(SaveAnswer, session.press("keep"))[0].answer
    assert (saved.id, saved.participant_id) == ("answer-1", "participant-1")


def test_states_read_as_the_strings_traces_show(session: Session) -> None:
    """States are an enum, yet print and compare as the plain names tools and traces read."""
    to_first_question(session)
    assert session.state == "question" and f"{session.state}" == "question"
    assert json.dumps({"state": session.state}) == '{"state": "question"}'
    session.press("help")
    assert session.overlay == "help" and str(session.overlay) == "help"


def test_typed_answer_is_read_back_scrubbed_then_saved(session: Session) -> None:
    to_first_question(session)
    assert shown(session.press("type")).name == "typing"
    session.set_draft("Sharing power. Call me on 0141 496 0000")
    screen = shown(session.press("done"))
    assert screen.name == "confirm"
    assert screen.draft == "Sharing power. Call me on [PHONE]"
    assert screen.note == "I took out a phone number."
    assert "[PHONE]" in screen.speech and "0141" not in screen.speech
    actions = session.press("keep")
    saved = of(SaveAnswer, actions)[0].answer
    assert saved.text == "Sharing power. Call me on [PHONE]" and saved.method == "typed"
    assert saved.seq == 1 and saved.question_id == "meaning"
    assert saved.scrubbed_with == "0123456789abcdef"  # which scrubber made the kept text
    assert shown(actions).question_id == "role"


def test_empty_typed_answer_is_refused_with_a_spoken_fix(session: Session) -> None:
    to_first_question(session)
    session.press("type")
    actions = session.press("done")
    assert not of(SaveAnswer, actions)
    assert "empty" in of(Say, actions)[0].text and "Cancel" in of(Say, actions)[0].text


def test_every_question_type_and_review_then_change(session: Session) -> None:
    to_first_question(session)
    session.press("skip")
    screen = shown([Show(session.screen())])
    role = screen.control("choice:lived")
    assert describe_control(role, lambda s: s) == "Someone with lived experience, choice 1 of 2"
    saved = of(SaveAnswer, session.press("choice:carer"))[0].answer
    assert saved.value == "carer" and saved.text == "An unpaid carer" and saved.method == "tap"
    # Multi: ticks are spoken and only saved on Done.
    actions = session.press("choice:money")
    assert of(Say, actions)[0].text == "Money, ticked" and not of(SaveAnswer, actions)
    session.press("choice:time")
    saved = of(SaveAnswer, session.press("done"))[0].answer
    assert saved.value == ("money", "time") and saved.text == "Money; Time"
    # Scale: words as well as numbers.
    screen = session.screen()
    assert [c.label for c in screen.controls if c.id.startswith("choice:")][3] == "4 – Mostly"
    saved = of(SaveAnswer, session.press("choice:4"))[0].answer
    assert saved.value == "4" and saved.text == "4 – Mostly"
    actions = session.press("choice:yes")
    assert of(SaveAnswer, actions)[0].answer.value is True
    review = shown(actions)
    assert review.name == "review"
    labels = [c.label for c in review.controls if c.id.startswith("edit:")]
    assert labels[0].endswith("Skipped") and labels[1].endswith("An unpaid carer")
    # Change one answer from the review and come straight back to it.
    assert shown(session.press("edit:role")).control("choice:carer").selected is True
    actions = session.press("choice:lived")
    assert of(SaveAnswer, actions)[0].answer.seq == 5
    assert shown(actions).name == "review"
    assert shown(session.press("finish")).name == "thanks"


def test_withdrawal_removes_answers(session: Session) -> None:
    to_first_question(session)
    for _ in range(5):
        session.press("skip")
    session.press("finish")
    assert shown(session.press("withdraw")).name == "withdraw"
    actions = session.press("withdraw_yes")
    assert of(Withdraw, actions)[0].participant_id == session.participant.id
    assert shown(actions).name == "withdrawn"
    assert shown(session.press("finish")).name == "welcome"


def test_idle_warning_then_reset_forgets_everything(session: Session) -> None:
    to_first_question(session)
    session.press("settings")
    session.press("size+")
    session.press("theme:black-on-cream")
    session.press("close")
    session.press("type")
    session.set_draft("half typed secret")
    assert session.idle_delay() == 60
    warning = shown(session.timeout())
    assert warning.name == "idle" and "30 seconds" in warning.body
    assert session.idle_delay() == 30
    # Any touch or key carries on, as often as needed.
    assert shown(session.activity()).name == "typing"
    shown(session.timeout())
    actions = session.timeout()
    assert of(EndParticipant, actions)[0].participant_id is not None
    assert of(ApplySettings, actions)[-1].settings == Settings()
    screen = shown(actions)
    assert screen.name == "welcome" and screen.language == "en"
    assert session.draft == "" and session.answers == {} and session.participant is None
    assert "secret" not in repr(session.screen())


def test_language_choice_translates_pack_and_falls_back(session: Session) -> None:
    session.start()
    welcome = shown(session.press("lang:gd"))
    assert welcome.control("lang:gd").selected is True
    session.press("start")
    screen = shown(session.press("agree"))
    assert screen.title == "Dè tha co-riochdachadh a' ciallachadh dhut?"
    session.press("skip")
    session.press("skip")
    labels = [c.label for c in session.screen().controls if c.id.startswith("choice:")]
    assert labels == ["Transport", "Money", "Time"]  # no Gaelic given: the default language


def test_voice_path_reads_back_and_takes_spoken_replies(session: Session) -> None:
    session.set_voice("en", True)
    to_first_question(session)
    assert session.screen().has("speak")
    actions = session.press("speak")
    assert of(Listen, actions) == [Listen("en", None)]
    assert shown(session.heard_partial("sharing")).draft == "sharing"
    actions = session.heard("sharing power", confident=True)
    screen = shown(actions)
    assert screen.name == "confirm" and screen.draft == "sharing power"
    assert "Keep it, try again, add more, or type instead?" in screen.speech
    assert set(of(Listen, actions)[0].grammar) >= {"keep", "yes", "again", "more", "type"}
    # "add more" keeps what was heard and appends the next utterance.
    session.heard_command("more")
    screen = shown(session.heard("and listening", confident=True))
    assert screen.draft == "sharing power and listening"
    saved = of(SaveAnswer, session.heard_command("yes"))[0].answer
    assert saved.text == "sharing power and listening" and saved.method == "voice"
    # A choice question by saying its number: kept as given by voice.
    saved = of(SaveAnswer, session.heard_command("two"))[0].answer
    assert saved.value == "carer" and saved.method == "voice"


def test_low_confidence_asks_again_rather_than_keep_a_guess(session: Session) -> None:
    session.set_voice("en", True)
    to_first_question(session)
    session.press("speak")
    actions = session.heard("shearing flour", confident=False)
    assert not of(SaveAnswer, actions) and session.state == "listening"
    assert "did not catch that" in of(Say, actions)[0].text
    assert of(Listen, actions)


def test_a_short_reply_heard_unsurely_or_naming_nothing_is_asked_again(session: Session
                                                                        ) -> None:
    session.set_voice("en", True)
    to_first_question(session)
    session.press("speak")
    session.heard("sharing power", confident=True)
    grammar = session.screen().voice_commands
    for words, confident in (("again", False), ("banana", True)):
        actions = session.heard_command(words, confident)
        assert not of(SaveAnswer, actions) and not of(Show, actions)
        assert "Please say it again" in of(Say, actions)[0].text
        assert of(Listen, actions) == [Listen("en", grammar)]  # and it listens again
        assert session.state == "confirm" and session.screen().draft == "sharing power"
    # Nothing made out at all: no apology for a cough, just go on listening.
    assert session.heard_command("  ") == [Listen("en", grammar)]
    assert of(SaveAnswer, session.heard_command("keep", confident=True))


def test_controls_not_on_screen_do_nothing(session: Session) -> None:
    session.start()
    assert session.press("agree") == []
    assert session.press("skip") == []  # shown but unavailable on Welcome
    assert session.state == "welcome"


def test_settings_change_and_volume_keys(session: Session) -> None:
    session.start()
    actions = session.change_volume(+1)
    assert of(ApplySettings, actions)[0].settings.volume == 6
    assert of(Say, actions)[0].text == "Volume 6 of 10"
    session.press("settings")
    for _ in range(6):
        session.press("size+")
    assert session.settings.text_size == 4
    assert not session.screen().control("size+").enabled


def test_open_question_listens_at_once_and_command_words_act(session: Session) -> None:
    session.set_voice("en", True)
    actions = to_first_question(session)
    assert of(Listen, actions) == [Listen("en", None)]  # speak straight after the question
    # Saying just "skip" skips, rather than being kept as an answer.
    actions = session.heard("skip", confident=True)
    assert not of(SaveAnswer, actions) and shown(actions).question_id == "role"
    assert shown(session.heard_command("back")).question_id == "meaning"
    screen = shown(session.heard_partial("sharing"))
    assert screen.name == "listening" and screen.draft == "sharing"
    assert shown(session.heard("sharing power", confident=True)).name == "confirm"
    session.press("keep")
    # A grammar may add a stray word; the one word that names a control still counts.
    assert of(SaveAnswer, session.heard_command("oh two"))[0].answer.value == "carer"


def test_losing_the_microphone_is_said_once_and_touch_carries_on(session: Session) -> None:
    session.set_voice("en", True)
    to_first_question(session)
    session.press("speak")
    actions = session.set_voice("en", False)
    said = [a.text for a in of(Say, actions)]
    assert said == ["Spoken answers are not working at the moment. Please answer by touch or "
                    "by typing."]
    screen = shown(actions)
    assert screen.name == "question" and not screen.has("speak") and screen.has("type")
    assert of(Say, session.set_voice("en", False)) == []  # said once only


def test_a_recorded_voice_is_found_beside_the_pack(tmp_path: Path) -> None:
    source = PACK.read_text(encoding="utf-8").replace(
        'help = "Say a few words, or as much as you like."',
        'help = "Say a few words, or as much as you like."\naudio = { gd = "meaning-gd.wav" }')
    pack_file = tmp_path / "recorded.toml"
    pack_file.write_text(source, encoding="utf-8")
    pack, _ = load_pack(pack_file)
    session = Session(pack, today=date.today, new_id=new_id)
    session.start()
    session.press("lang:gd")
    session.press("start")
    screen = shown(session.press("agree"))
    assert screen.audio == str(tmp_path / "meaning-gd.wav")
    english = Session(pack, today=date.today, new_id=new_id)
    english.start()
    english.press("start")
    assert shown(english.press("agree")).audio is None  # no English recording: synthesis


def test_a_language_without_a_speech_model_is_said_on_consent(session: Session) -> None:
    session.set_voice("en", True)
    session.set_voice("gd", False)  # no model installed for Gaelic
    session.start()
    consent = shown(session.press("start"))
    assert consent.note == ""
    session.press("back")
    session.press("lang:gd")
    consent = shown(session.press("start"))
    assert "not available in this language" in consent.note
    assert consent.note in consent.speech
    question = shown(session.press("agree"))
    assert not question.has("speak") and question.has("type")


def test_first_speeches_are_what_a_new_participant_hears(session: Session) -> None:
    texts = first_speeches(session.pack, no_translation, "en", voice=True)
    session.set_voice("en", True)
    heard = [shown(session.start()).speech, shown(session.press("start")).speech,
             shown(session.press("agree")).speech]
    assert texts[:3] == heard and len(texts) == 2 + len(session.pack.questions)


def test_spoken_answer_stops_at_the_typed_limit_and_says_so(session: Session) -> None:
    """Issue 13, item 5: "add more" again and again once grew an answer past what sync takes
    (11,879 characters), stopping the kiosk's syncs; it now stops where typing stops."""
    session.set_voice("en", True)
    to_first_question(session)
    session.press("speak")
    words = "we need the buses to run later in the evening " * 60  # 2,760 characters
    screen = shown(session.heard(words))
    assert screen.draft == words.strip() and "as long as an answer can be" not in screen.speech
    for _ in range(5):
        session.heard_command("more")
        assert len(shown(session.heard_partial(words)).draft) <= MAX_ANSWER_CHARS
        screen = shown(session.heard(words))
        assert len(screen.draft) <= MAX_ANSWER_CHARS
    assert len(screen.draft) == MAX_ANSWER_CHARS == 4000
    told = "Your answer is as long as an answer can be, so I left out the words after that."
    assert told in screen.speech and told in screen.note
    saved = of(SaveAnswer, session.heard_command("yes"))[0].answer
    assert saved.text == saved.value == screen.draft and len(saved.text) == MAX_ANSWER_CHARS
    assert saved.text.startswith(words.strip())


def test_typed_answer_keeps_the_same_limit(session: Session) -> None:
    to_first_question(session)
    session.press("type")
    session.set_draft("x" * (MAX_ANSWER_CHARS + 10))
    assert session.draft == "x" * MAX_ANSWER_CHARS
