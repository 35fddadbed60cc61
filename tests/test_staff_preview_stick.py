"""Issue 14, part 2, without a window: staff's Preview keeps nothing (the session asks nothing
of the store, on a real SQLite file), a draft is previewed without being written, and packs are
found on mounted sticks (real folders under a KIOSK_MEDIA_ROOT) and imported one at a time by
the rules of `kiosk packs from-stick`."""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from kiosk.core.pack import QuestionPack, load_pack
from kiosk.core.screens import BeginParticipant, EndParticipant, SaveAnswer, Show, Withdraw
from kiosk.core.session import Session
from kiosk.ids import new_id
from kiosk.staff.authoring import AuthoringError, draft_from_pack, new_draft, preview_pack
from kiosk.staff.packs import (
    MEDIA_ROOT_VARIABLE,
    check_stick_packs,
    import_one_from_stick,
    media_roots,
    mounted_sticks,
)
from kiosk.store.db import Store, store_in
from tests.test_stick_packs import pack_text, recording

PACK = Path(__file__).parent / "packs" / "small.toml"
MARK = "Preview: nothing is kept"
TABLES = ("participants", "answers", "packs")


def walk(session: Session, folder: Path) -> list[object]:
    """A participant's whole path through the pack (every question answered, then withdrawn
    from the thanks screen), carried out on a real store as the shell does; every action."""
    store = Store(store_in(folder))
    actions: list[object] = []

    def do(step: list[object]) -> None:
        actions.extend(step)
        for action in step:
            if isinstance(action, BeginParticipant):
                store.begin_participant(action.session)
            elif isinstance(action, SaveAnswer):
                store.save_answer(action.answer)
            elif isinstance(action, Withdraw):
                store.withdraw(action.participant_id)
    try:
        do(session.start())
        do(session.press("start"))
        do(session.press("agree"))
        for question in session.pack.questions:
            if question.type == "open":
                do(session.press("type"))
                do(session.set_draft("More buses on Sundays."))
                do(session.press("done"))
                do(session.press("keep"))
            elif question.type == "multi":
                do(session.press(f"choice:{question.choices[0].id}"))
                do(session.press("done"))
            elif question.type == "yesno":
                do(session.press("choice:yes"))
            else:
                do(session.press(f"choice:{question.choices[0].id}"))
        do(session.press("finish"))
        do(session.press("withdraw"))
        do(session.press("withdraw_yes"))
    finally:
        store.close()
    return actions


def rows(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in TABLES}


def copied_pack(tmp_path: Path) -> tuple[QuestionPack, Path]:
    """A session over a copy of the small pack in its own folder, where its store lives."""
    folder = tmp_path / "kiosk"
    folder.mkdir()
    (folder / "small.toml").write_text(PACK.read_text(encoding="utf-8"), encoding="utf-8")
    pack, _ = load_pack(folder / "small.toml")
    return pack, folder


def test_a_preview_walks_every_screen_and_keeps_nothing_in_the_store(tmp_path: Path) -> None:
    pack, folder = copied_pack(tmp_path)
    Store(store_in(folder)).close()
    before = rows(store_in(folder))
    preview = Session(pack, today=lambda: date(2026, 5, 1), new_id=new_id,
                      random_below=random.Random(3).randrange, preview=True)
    actions = walk(preview, folder)
    screens = [a.screen for a in actions if isinstance(a, Show)]
    # The same path as a participant's, to the end.
    assert [s.name for s in screens][:3] == ["welcome", "consent", "question"]
    assert "review" in [s.name for s in screens] and screens[-1].name == "withdrawn"
    # Nothing is asked of the store, and the real file has no new rows.
    assert not [a for a in actions if isinstance(a, BeginParticipant | SaveAnswer | Withdraw)]
    assert rows(store_in(folder)) == before
    # No withdrawal code is drawn or shown.
    assert preview.withdrawal_code is None
    thanks = next(s for s in screens if s.name == "thanks")
    assert "give staff this code" not in thanks.body
    # Every screen shows that it is a preview; its start and each question say so first.
    assert all(MARK in s.note for s in screens)
    welcome = screens[0]
    assert welcome.speech.startswith(MARK)
    asked = [s for s in screens if s.name == "question"]
    assert len({s.question_id for s in asked}) == len(pack.questions)
    assert all(s.speech.startswith(MARK) for s in asked)


def test_the_same_walk_without_preview_keeps_the_answers(tmp_path: Path) -> None:
    """The control: the walk above does write, and draws a code, when it is not a preview."""
    pack, folder = copied_pack(tmp_path)
    session = Session(pack, today=lambda: date(2026, 5, 1), new_id=new_id,
                      random_below=random.Random(3).randrange)
    actions = walk(session, folder)
    assert [a for a in actions if isinstance(a, SaveAnswer)]
    assert rows(store_in(folder))["participants"] == 1
    assert all(MARK not in a.screen.note for a in actions if isinstance(a, Show))


def test_a_preview_left_on_its_welcome_times_out_where_the_kiosk_waits() -> None:
    pack, _ = load_pack(PACK)
    kiosk = Session(pack, today=lambda: date(2026, 5, 1), new_id=new_id)
    kiosk.start()
    assert kiosk.idle_delay() is None  # an untouched Welcome waits for the next person
    preview = kiosk.preview_of(pack)
    preview.start()
    # A preview nobody walks ends (staff mode then asks its PIN again), never waits forever
    # showing "Preview: nothing is kept" to the next participant.
    assert preview.idle_delay() is not None
    assert any(isinstance(a, EndParticipant) for a in preview.timeout())


def test_a_draft_is_previewed_without_being_written(tmp_path: Path) -> None:
    pack, _ = load_pack(PACK)
    draft = draft_from_pack(pack, PACK)
    draft.set_text(0, "What would make the park better?")
    before = sorted(PACK.parent.iterdir())
    previewed = preview_pack(draft)
    assert previewed.questions[0].text.get("en") == "What would make the park better?"
    assert previewed.source == str(PACK)  # recordings are found beside the original
    assert sorted(PACK.parent.iterdir()) == before
    assert draft.changed  # still unsaved: a preview is not a save

    empty = new_draft("Park survey", "en")
    with pytest.raises(AuthoringError, match="has no questions; add one with Add a question"):
        preview_pack(empty)


def test_sticks_are_found_under_the_configured_media_roots(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    media = tmp_path / "media"
    (media / "kiosk-usb" / "packs").mkdir(parents=True)  # usb-sync.sh's own mount point
    (media / "sam" / "SHARED").mkdir(parents=True)  # a desktop's /media/USER/NAME
    (media / "sam" / "SHARED" / "kiosk-shared.request").write_text("")
    (media / "sam" / "holiday-photos").mkdir()  # no kiosk files: not offered
    (media / ".hidden" / "packs").mkdir(parents=True)
    (media / "link").symlink_to(media / "kiosk-usb")  # never followed
    monkeypatch.setenv(MEDIA_ROOT_VARIABLE, str(media))
    assert media_roots() == [media]
    assert mounted_sticks() == [media / "kiosk-usb", media / "sam" / "SHARED"]
    monkeypatch.delenv(MEDIA_ROOT_VARIABLE)
    assert media_roots() == [Path("/media"), Path("/run/media")]
    assert mounted_sticks([tmp_path / "nowhere"]) == []


def test_stick_packs_are_checked_and_imported_one_at_a_time(tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    (stick / "packs").mkdir(parents=True)
    (stick / "packs" / "a-winter.toml").write_text(pack_text(), encoding="utf-8")
    recording(stick / "packs" / "helps-en.wav")
    (stick / "packs" / "b-broken.toml").write_text('[pack]\nid = "x"\n', encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()

    offered = check_stick_packs(stick)
    assert [o.path.name for o in offered] == ["a-winter.toml", "b-broken.toml"]
    good, broken = offered
    assert good.pack is not None and good.problem == ""
    assert broken.pack is None and broken.problem and "\n" not in broken.problem

    added = import_one_from_stick(good.path, data)
    assert added.result == "added"
    assert (data / "packs" / "a-winter.toml").read_text(encoding="utf-8") == pack_text()
    assert (data / "packs" / "helps-en.wav").is_file()
    assert import_one_from_stick(good.path, data).result == "same"

    # The same version with other questions is refused with the fix; a newer one is added.
    (stick / "packs" / "a-winter.toml").write_text(pack_text(question="What hurts?"),
                                                  encoding="utf-8")
    refused = import_one_from_stick(stick / "packs" / "a-winter.toml", data)
    assert refused.result == "refused" and "version = 2" in refused.line
    (stick / "packs" / "a-winter.toml").write_text(pack_text(version=2, question="What hurts?"),
                                                  encoding="utf-8")
    newer = import_one_from_stick(stick / "packs" / "a-winter.toml", data)
    assert newer.result == "added" and newer.target is not None
    assert load_pack(newer.target)[0].version == 2
