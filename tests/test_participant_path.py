"""The participant's path as people who cannot see the screen meet it, in the core: editing starts
from what was saved, settings say their new state, and every screen says what can be done on it.
No window here: tests/test_window_walk.py walks the same path in the real window by keys alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.pack import load_pack
from kiosk.core.screens import SaveAnswer, Say, Show
from kiosk.core.session import Session
from kiosk.ids import new_id

PACK = Path(__file__).parent / "packs" / "small.toml"
QUESTIONS = ("meaning", "role", "barriers", "heard", "again")


def new_session() -> Session:
    pack, _ = load_pack(PACK)
    return Session(pack, today=lambda: date(2026, 11, 30), new_id=new_id)


def shown(actions: list) -> object:
    return [a.screen for a in actions if isinstance(a, Show)][-1]


def saved(actions: list) -> list:
    return [a.answer for a in actions if isinstance(a, SaveAnswer)]


def start(session: Session) -> None:
    session.press("start")
    session.press("agree")


def answer_current(session: Session, plan: dict[str, object]) -> None:
    """Answer the question on screen as `plan` says (None: skip it)."""
    q = session.question
    value = plan[q.id]
    if value is None:
        session.press("skip")
    elif q.type == "open":
        session.press("type")
        session.set_draft(str(value))
        session.press("done")
        session.press("keep")
    elif q.type == "multi":
        assert isinstance(value, tuple)
        for choice in value:
            session.press(f"choice:{choice}")
        session.press("done")
    elif q.type == "yesno":
        session.press("choice:yes" if value else "choice:no")
    else:
        session.press(f"choice:{value}")


plans = st.fixed_dictionaries({
    "meaning": st.none() | st.text(st.characters(categories=["L", "N", "Zs"]), min_size=1,
                                   max_size=40).filter(lambda t: t.strip() == t and t != ""),
    "role": st.none() | st.sampled_from(["lived", "carer"]),
    "barriers": st.none() | st.lists(st.sampled_from(["transport", "money", "time"]),
                                     min_size=1, unique=True).map(
        lambda ticks: tuple(c for c in ("transport", "money", "time") if c in ticks)),
    "heard": st.none() | st.sampled_from(["1", "2", "3", "4", "5"]),
    "again": st.none() | st.booleans(),
})


def unchanged_edit(session: Session, question_id: str) -> list:
    """Open a question from Review and leave it as it was, the way its screen offers."""
    actions = session.press(f"edit:{question_id}")
    q = session.question
    current = session.answers.get(question_id)
    if current is None or q.type == "open":
        # "Keep my answer" for an open answer; Skip leaves a skipped question skipped.
        return actions + session.press("next" if current is not None else "skip")
    if q.type == "multi":
        return actions + session.press("done")
    chosen = "yes" if current.value is True else "no" if current.value is False \
        else str(current.value)
    return actions + session.press(f"choice:{chosen}")


@settings(max_examples=60, deadline=None)
@given(plan=plans, order=st.permutations(QUESTIONS))
def test_an_edit_from_review_without_changes_keeps_every_answer_exactly(
        plan: dict[str, object], order: list[str]) -> None:
    session = new_session()
    start(session)
    for _ in QUESTIONS:
        answer_current(session, plan)
    assert session.state == "review"
    before = {k: (a.value, a.text) for k, a in session.answers.items()}
    for question_id in order:
        actions = unchanged_edit(session, question_id)
        assert session.state == "review", question_id
        for answer in saved(actions):
            assert (answer.value, answer.text) == before[answer.question_id]
    after = {k: (a.value, a.text) for k, a in session.answers.items()}
    assert after == before


def test_a_multi_answer_opened_from_review_shows_and_says_its_ticks() -> None:
    session = new_session()
    start(session)
    answer_current(session, {"meaning": None})
    answer_current(session, {"role": None})
    answer_current(session, {"barriers": ("transport", "time")})
    for _ in range(2):
        session.press("skip")
    screen = shown(session.press("edit:barriers"))
    assert [c.id for c in screen.controls if c.selected] == ["choice:transport", "choice:time"]
    assert "You are changing your answer" in screen.speech
    assert "Transport, selected" in screen.speech and "Money, selected" not in screen.speech
    assert "Time, selected" in screen.speech
    actions = session.press("choice:money")
    actions = session.press("done")
    assert saved(actions)[0].value == ("transport", "money", "time")


def test_back_from_review_starts_from_the_last_answer() -> None:
    session = new_session()
    start(session)
    for _ in range(4):
        session.press("skip")
    session.press("choice:no")
    assert session.state == "review"
    screen = shown(session.press("back"))
    assert screen.question_id == "again"
    assert [c.id for c in screen.controls if c.selected] == ["choice:no"]
    assert "Your answer: No" in screen.speech


def test_settings_say_the_new_state_of_what_changed() -> None:
    session = new_session()
    session.press("settings")
    said = [a.text for a in session.press("size+") if isinstance(a, Say)]
    assert said == ["Text size 2 of 5"]
    said = [a.text for a in session.press("theme:white-on-black") if isinstance(a, Say)]
    assert said == ["Colours: White on black, selected"]
    said = [a.text for a in session.press("explore") if isinstance(a, Say)]
    assert said == ["Touch to explore is on"]
    said = [a.text for a in session.press("rate-") if isinstance(a, Say)]
    assert said == ["Speech speed 2 of 5"]


def test_settings_changed_on_welcome_are_not_reset_without_a_warning() -> None:
    session = new_session()
    session.press("settings")
    session.press("size+")
    session.press("close")
    assert session.idle_delay() is not None
    screen = shown(session.timeout())
    assert screen.name == "idle" and "Are you still there?" in screen.speech
    assert session.settings.text_size == 1  # kept until the warning runs out
    session.timeout()
    assert session.settings.text_size == 0


def test_the_remove_screen_says_its_two_choices() -> None:
    session = new_session()
    start(session)
    for _ in QUESTIONS:
        session.press("skip")
    session.press("finish")
    screen = shown(session.press("withdraw"))
    for control in ("withdraw_no", "withdraw_yes"):
        assert screen.control(control).label in screen.speech


def test_the_typing_screen_shows_and_says_the_question_and_the_answer_so_far() -> None:
    session = new_session()
    start(session)
    screen = shown(session.press("type"))
    assert screen.title == "What does co-production mean to you?"
    assert screen.title in screen.speech
    assert {"answer", "done", "cancel", "keyboard"} <= {c.id for c in screen.controls}
    session.set_draft("shared power")
    session.press("done")
    screen = shown(session.press("again"))  # "Change it": back to typing, with the draft
    assert "Your answer so far: shared power" in screen.speech


def test_an_empty_answer_names_a_control_on_the_screen() -> None:
    session = new_session()
    start(session)
    session.press("type")
    said = [a.text for a in session.press("done") if isinstance(a, Say)]
    labels = {c.label for c in session.screen().controls}
    assert said and any(f"choose {label}" in said[0] for label in labels), said


def test_language_names_carry_their_own_language() -> None:
    session = new_session()
    controls = {c.id: c for c in session.screen().controls}
    assert controls["lang:gd"].label == "Gàidhlig" and controls["lang:gd"].label_language == "gd"


def test_an_answer_read_back_is_a_sentence_of_its_own() -> None:
    """"You wrote: we share power. Keep it, or change it?": without the full stop the question
    is heard as the answer's last words. An answer that ends a sentence itself keeps its own."""
    for typed, heard in (("we share power", "You wrote: we share power. Keep it, or change it?"),
                         ("Is it fair?", "You wrote: Is it fair? Keep it, or change it?")):
        session = new_session()
        start(session)
        session.press("type")
        session.set_draft(typed)
        confirm = shown(session.press("done"))
        assert confirm.name == "confirm" and confirm.speech == heard
        assert confirm.draft == typed  # shown as typed, nothing added
