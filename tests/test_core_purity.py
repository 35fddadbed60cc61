"""The functional core stays pure: nothing under kiosk/core/ touches the window, the microphone,
the speaker, the database, other processes, randomness or the clock, and it imports nothing from
the outer layers (adapters import the core, never the other way round).

Ids (kiosk.ids.new_id) and today's date are passed in by the adapters, so the core's decisions
can be replayed exactly. Each file is parsed, not imported, so a forbidden import inside a
function or behind a condition is caught as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kiosk.core

CORE = Path(kiosk.core.__file__).parent

# Modules the core must not import (nor any of their submodules).
FORBIDDEN_MODULES = frozenset({
    "kivy", "vosk", "sounddevice", "sqlite3", "sqlite_utils", "subprocess", "secrets", "random",
    "time",  # the clock (time.time, time.monotonic...) and sleeping
})
# Attributes that read the clock, on `datetime`, `date` or `datetime.datetime`/`datetime.date`.
CLOCK_READS = frozenset({"now", "today", "utcnow"})
CLOCK_OWNERS = frozenset({"datetime", "date"})


def _dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a chain of names and attributes, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def impurities(source: str, name: str = "") -> list[str]:
    """What in `source` (the file `name` under kiosk/core/) breaks the core's purity, one line
    each ("line N: ...")."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        for module in modules:
            if module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"line {node.lineno}: imports {module}")
            elif module.split(".")[0] == "kiosk" and not module.startswith("kiosk.core"):
                # The core is the inside: adapters import it, never the other way round.
                found.append(f"line {node.lineno}: imports {module}, outside the core")
        if isinstance(node, ast.Attribute) and node.attr in CLOCK_READS:
            owner = _dotted(node.value)
            # A reference counts as well as a call: `today=date.today` is a default clock.
            if owner is not None and owner.split(".")[-1] in CLOCK_OWNERS:
                found.append(f"line {node.lineno}: reads the clock ({owner}.{node.attr})")
    return found


def core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_the_core_has_files_to_check() -> None:
    names = {p.relative_to(CORE).as_posix() for p in core_files()}
    assert {"answers.py", "session/machine.py", "session/views.py", "redact/rules.py",
            "redact/lexicon.py"} <= names


@pytest.mark.parametrize("path", core_files(), ids=lambda p: p.relative_to(CORE).as_posix())
def test_core_module_is_pure(path: Path) -> None:
    name = path.relative_to(CORE).as_posix()
    assert impurities(path.read_text(encoding="utf-8"), name) == []


@pytest.mark.parametrize("source", [
    "import kivy.app",
    "from kivy.clock import Clock",
    "import sqlite3 as db",
    "import sqlite_utils",
    "from vosk import Model",
    "import sounddevice",
    "def f():\n    import subprocess",
    "from secrets import token_hex",
    "import random",
    "from time import monotonic",
    "import datetime\nx = datetime.datetime.now()",
    "from datetime import datetime\nx = datetime.now()",
    "from datetime import date\nx = date.today()",
    "import datetime\nx = datetime.date.today()",
    "from datetime import date\ndef f(today=date.today): ...",
    "from datetime import datetime\nx = datetime.utcnow()",
    "from kiosk.ids import new_id",
    "from kiosk.store.db import Store",
])
def test_the_check_finds_impurities(source: str) -> None:
    """The check is not vacuous: each way of breaking purity is reported."""
    assert impurities(source)


@pytest.mark.parametrize("source", [
    "from datetime import date\ndef f(day: date) -> str:\n    return day.isoformat()",
    "import datetime\nx: datetime.date",
    "from collections.abc import Callable",
    "from kiosk.core.screens import Screen",
    "today = 1\nx = today",
])
def test_the_check_allows_pure_code(source: str) -> None:
    assert impurities(source) == []
