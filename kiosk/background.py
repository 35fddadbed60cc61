"""Work started on a thread of its own while the caller does other work, its result waited for
when wanted."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def meanwhile(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work` on a thread of its own (another core, while SQLite runs); the function
    returned waits for its result. If it failed there, it is done again in the caller's thread,
    so that its error is raised (and reported) where the caller expects it."""
    found: list[T] = []

    def run() -> None:
        try:
            found.append(work())
        except Exception:  # noqa: BLE001 - done again by the caller, which reports it
            pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        return found[0] if found else work()

    return result
