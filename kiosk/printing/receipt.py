"""A receipt printer on a character device (e.g. /dev/usb/lp0), written ESC/POS plain text.

Only a `PrintCode` is ever printed: the code in large letters, one word a line, the line on
how to use it, and for codes not in English the same code in English words (it withdraws too,
and a printer without the language's letters still prints those). Never an answer.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from kiosk.core.screens import PrintCode

# ESC/POS commands (Epson's, which nearly every receipt printer follows).
INIT = b"\x1b@"  # ESC @: forget any earlier settings
LARGE = b"\x1d!\x11"  # GS ! 0x11: double width and double height
NORMAL = b"\x1d!\x00"  # GS ! 0: ordinary size
FEED = b"\x1bd\x04"  # ESC d 4: feed four lines, so the cut misses the text
CUT = b"\x1dVB\x00"  # GS V 66 0: feed to the cutter and cut (partially: the slip hangs on)
_KANJI_ON, _KANJI_OFF = b"\x1c&", b"\x1c."  # FS & / FS .: two-byte characters (Korean models)

# Per language: the command choosing a code page, and the matching Python codec.
_CODE_PAGES: dict[str, tuple[bytes, str]] = {
    "pl": (b"\x1bt\x12", "cp852"),  # ESC t 18: PC852, Latin 2 (ą ć ę ł ń ó ś ź ż)
    "ko": (b"", "euc_kr"),  # KS C 5601, in two-byte (kanji) mode
}
_DEFAULT_PAGE = (b"\x1bt\x02", "cp850")  # ESC t 2: PC850, Latin 1 (Gaelic's à è ì ò ù)


class PrinterError(Exception):
    """The printer could not be written to; the message is one line saying why."""


def _text(line: str, language: str) -> bytes:
    """One line in the language's code page (a letter the page lacks prints as '?')."""
    select, codec = _CODE_PAGES.get(language.split("-")[0], _DEFAULT_PAGE)
    body = line.encode(codec, errors="replace")
    if codec == "euc_kr":
        return _KANJI_ON + body + _KANJI_OFF + b"\n"
    return select + body + b"\n"


def receipt_bytes(job: PrintCode) -> bytes:
    """What goes to the printer for `job`: initialise, the code large, its use, cut."""
    out = [INIT, LARGE]
    out += [_text(word, job.language) for word in job.code.split()]
    out += [NORMAL, b"\n", _text(job.how, job.language)]
    if job.english:
        out += [b"\n", _text(job.english, "en")]
    out += [FEED, CUT]
    return b"".join(out)


def find_printer(path: str | Path | None) -> Path | None:
    """The printer's path if one is configured and there, else None (then nothing offers to
    print). A character device in use; a FIFO or a file in tests and rehearsals."""
    if not path:
        return None
    found = Path(path)
    try:
        mode = found.stat().st_mode
    except OSError:
        return None
    return found if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISREG(mode) else None


class ReceiptPrinter:
    """Prints withdrawal codes on the printer at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def print_code(self, job: PrintCode) -> None:
        """Print one code slip. Blocks until the bytes are written; raises PrinterError."""
        data = receipt_bytes(job)
        try:
            # Never created (a missing printer is an error, not a new file); opened without
            # waiting, so a FIFO nobody reads fails at once instead of hanging.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError as exc:
            why = "nothing is reading it" if exc.errno == errno.ENXIO else exc.strerror
            raise PrinterError(f"{self.path}: the printer could not be opened ({why}); check "
                               "it is switched on and plugged in") from None
        try:
            os.set_blocking(fd, True)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except OSError as exc:
            raise PrinterError(f"{self.path}: the printer stopped taking the code "
                               f"({exc.strerror}); check its paper and cable") from None
        finally:
            os.close(fd)
