"""The optional receipt printer: "Print my code" on the thanks screen (issue 17, leftovers).

Offered only when a printer is configured and there; pressing it makes the core return a
`PrintCode` holding the code and one line on its use, and the adapter writes ESC/POS bytes to
the printer's device. Here the device is a real FIFO read by the test, or a real file: the
bytes must hold the initialise and cut commands and the code, and never an answer.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.bootstrap import start_printer
from kiosk.core.pack import load_pack
from kiosk.core.screens import Action, BeginParticipant, PrintCode, SaveAnswer, Say, Screen
from kiosk.core.session import Session
from kiosk.core.withdrawal import WORD_LISTS, code_words, positions_of
from kiosk.i18n import Catalogs
from kiosk.ids import new_id
from kiosk.printing.receipt import CUT, INIT, LARGE, PrinterError, ReceiptPrinter, find_printer
from kiosk.store.db import Store, store_in
from tests.test_withdraw_code import PACK, TODAY

SAID = "more ramps at the door"


def four_language_pack(tmp_path: Path) -> Path:
    text = PACK.read_text(encoding="utf-8").replace('languages = ["en", "gd"]',
                                                    'languages = ["en", "gd", "pl", "ko"]')
    path = tmp_path / "four.toml"
    path.write_text(text, encoding="utf-8")
    return path


def to_thanks(tmp_path: Path, language: str = "en", printer: bool = True,
              seed: int = 4) -> tuple[Session, Screen, Store]:
    """One participant through the core to the thanks screen, answers kept in a real store."""
    pack, _ = load_pack(four_language_pack(tmp_path))
    session = Session(pack, translate=Catalogs().translate, today=lambda: TODAY, new_id=new_id,
                      random_below=random.Random(seed).randrange)
    session.set_printer_available(printer)
    store = Store(store_in(tmp_path / "data"))

    def do(actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, BeginParticipant):
                store.begin_participant(action.session)
            elif isinstance(action, SaveAnswer):
                store.save_answer(action.answer)

    do(session.start())
    do(session.press(f"lang:{language}"))
    for step in ("start", "agree", "type"):
        do(session.press(step))
    do(session.set_draft(SAID))
    for step in ("done", "keep", "choice:carer", "skip", "choice:4", "choice:yes", "finish"):
        do(session.press(step))
    assert session.screen().name == "thanks"
    return session, session.screen(), store


def print_job(session: Session) -> PrintCode:
    """Press "Print my code": one PrintCode, and the participant is told to take the paper."""
    actions = session.press("print")
    jobs = [a for a in actions if isinstance(a, PrintCode)]
    assert len(jobs) == 1
    assert [type(a) for a in actions] == [PrintCode, Say]
    return jobs[0]


# The core: offered only with a printer, and what it asks to print ---------------------------

def test_without_a_printer_the_thanks_screen_offers_no_printing(tmp_path: Path) -> None:
    session, thanks, store = to_thanks(tmp_path, printer=False)
    store.close()
    assert not thanks.has("print")
    assert "Print my code" not in thanks.speech
    assert session.press("print") == []


def test_with_a_printer_the_thanks_screen_offers_print_my_code(tmp_path: Path) -> None:
    session, thanks, store = to_thanks(tmp_path)
    store.close()
    assert thanks.has("print")
    control = next(c for c in thanks.controls if c.id == "print")
    assert control.label == "Print my code"
    assert "To have it printed, choose Print my code." in thanks.speech
    job = print_job(session)
    assert job.code == session.withdrawal_code and job.language == "en" and job.english == ""
    assert job.how == "To remove your answers later, give this code to staff."
    # Still on the thanks screen: Finish and Remove my answers are still there.
    assert session.screen().name == "thanks"


def test_a_polish_session_prints_the_polish_code_and_its_english_words(tmp_path: Path) -> None:
    session, thanks, store = to_thanks(tmp_path, language="pl")
    store.close()
    assert [c.label for c in thanks.controls if c.id == "print"] == ["Wydrukuj mój kod"]
    job = print_job(session)
    assert all(w in WORD_LISTS["pl"] for w in job.code.split())
    assert job.how == "Aby później usunąć swoje odpowiedzi, podaj ten kod obsłudze."
    # The English words are the same code: they read to the same positions.
    assert positions_of(job.english, "en") == positions_of(job.code, "pl")


# The adapter: real bytes on a real FIFO and a real file -------------------------------------

def test_the_slip_on_a_fifo_holds_the_code_and_the_escpos_commands_and_no_answer(
        tmp_path: Path) -> None:
    session, _, store = to_thanks(tmp_path)
    answers = [r[0] for r in store.conn.execute("SELECT text FROM answers WHERE text != ''")]
    store.close()
    assert SAID in answers  # the participant's answer is in the store, so it could leak
    job = print_job(session)
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # the "printer" end, read by the test
    try:
        ReceiptPrinter(fifo).print_code(job)
        os.set_blocking(reader, True)
        data = b""
        while chunk := os.read(reader, 65536):
            data += chunk
    finally:
        os.close(reader)
    assert data.startswith(INIT) and data.endswith(CUT)
    assert LARGE in data
    for word in job.code.split():
        assert word.encode("cp850") + b"\n" in data  # one large word a line
    assert b"To remove your answers later, give this code to staff." in data
    for answer in answers:
        assert answer.encode("cp850", "replace") not in data
    assert b"ramps" not in data


@pytest.mark.parametrize(("language", "codec"), [("gd", "cp850"), ("pl", "cp852"),
                                                 ("ko", "euc_kr")])
def test_the_slip_is_in_the_printers_code_page_for_the_language(
        tmp_path: Path, language: str, codec: str) -> None:
    session, _, store = to_thanks(tmp_path, language=language, seed=21)
    store.close()
    job = print_job(session)
    paper = tmp_path / "paper.bin"
    paper.write_bytes(b"")
    ReceiptPrinter(paper).print_code(job)
    data = paper.read_bytes()
    assert data.startswith(INIT) and data.endswith(CUT)
    for word in job.code.split():
        assert word.encode(codec) in data
    assert job.how.encode(codec) in data
    assert job.english.encode("ascii") in data
    if language == "ko":
        assert b"\x1c&" in data  # two-byte mode for Hangul
    assert SAID.encode() not in data


def test_a_fifo_nobody_reads_fails_at_once_with_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    job = PrintCode(code_words((1, 2, 3)), "en", "give this code to staff")
    started = time.monotonic()
    with pytest.raises(PrinterError) as raised:
        ReceiptPrinter(fifo).print_code(job)
    assert time.monotonic() - started < 2
    message = str(raised.value)
    assert "\n" not in message and str(fifo) in message and "switched on" in message


def test_a_printer_that_is_not_there_is_not_offered(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert find_printer(None) is None
    assert find_printer(tmp_path / "lp0") is None
    assert start_printer(tmp_path / "lp0") is None
    said = capsys.readouterr().err.strip()
    assert said.count("\n") == 0 and "'Print my code' is not offered" in said
    (tmp_path / "lp0").write_bytes(b"")
    printer = start_printer(tmp_path / "lp0")
    assert printer is not None and printer.path == tmp_path / "lp0"


def test_kiosk_run_help_names_the_printer_option_and_its_variable() -> None:
    shown = subprocess.run([sys.executable, "-m", "kiosk", "run", "--help"], capture_output=True,
                           text=True, timeout=60, check=True,
                           env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert "--printer" in shown.stdout and "KIOSK_PRINTER" in shown.stdout
