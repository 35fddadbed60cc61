"""The second pass of the personal-details scrubber over incoming answers, for Python and, as
SQL functions, for the span copy."""

from __future__ import annotations

import ctypes
import functools
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from kiosk.core.redact import name_lists, redact


@functools.lru_cache(maxsize=10_000)  # short answers ("more time") recur; redact() is pure
def scrub(text: str, language: str) -> tuple[str, bool]:
    """Second line of defence: the kiosk scrubbed the text before saving; scrub it again.
    Returns the text and whether the scrubber took anything out."""
    result = redact(text, language)
    return result.text, result.text != text


def scrubbed_text(text: str, language: str) -> str:
    """SQL function kiosk_scrub_text: the text, scrubbed."""
    return scrub(text, language)[0]


def scrubbed_value(value: str | None, language: str) -> str | None:
    """SQL function kiosk_scrub_value: an open answer's value (JSON text), scrubbed."""
    if value is None:
        return None
    said = json.loads(value)
    return json.dumps(scrubbed_text(said, language), ensure_ascii=False)


def plain_value(text: str, value: str) -> bool:
    """Whether `value` (an answer's JSON text) is exactly the JSON string of `text` with nothing
    escaped, so that it decodes to `text`: the usual case, told apart without decoding (which
    cost a sync a tenth of a second per 60,000 answers)."""
    return (len(value) == len(text) + 2 and value[0] == value[-1] == '"'
            and value[1:-1] == text and text.isprintable() and '"' not in text
            and "\\" not in text)


def scrub_changed(text: str, value: str | None, language: str) -> bool:
    """SQL function kiosk_scrub_changed: whether scrubbing takes anything out of either."""
    if scrub(text, language)[1]:
        return True
    return value is not None and scrub(json.loads(value), language)[1]


T = TypeVar("T")

# From how many distinct texts a span's scrubbing is shared out over the other cores: starting
# the worker processes costs tens of milliseconds, about as much as scrubbing a hundred texts.
PARALLEL_FROM = 500
# Texts per piece of work sent to a worker: small enough that both cores finish together.
_CHUNK = 64


def _scrub_chunk(pairs: list[tuple[str, str]]) -> list[tuple[str, bool] | None]:
    """A worker's piece of scrub_many: scrub each (text, language), in order."""
    return [_scrub_or_none(text, language) for text, language in pairs]


def _scrub_or_none(text: str, language: str) -> tuple[str, bool] | None:
    try:
        return _scrub_once(text, language)
    except Exception:  # noqa: BLE001 - asked again during the copy, which reports it as before
        return None


def _scrub_once(text: str, language: str) -> tuple[str, bool]:
    result = redact(text, language)
    return result.text, result.text != text


def _can_fork() -> bool:
    """Whether worker processes can be forked safely here: a forked copy of a process with
    other threads (the staff screen's window, its speech) may inherit a lock one of them holds.
    The command line syncs from its only thread."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1 and (os.cpu_count() or 1) > 1)


def scrub_many(pairs: Sequence[tuple[str, str]], meanwhile: Callable[[], T]
               ) -> tuple[list[tuple[str, bool] | None], T]:
    """scrub() of each (text, language), in order (None for one the scrubber failed on): in
    worker processes (one per core) when there are many and they can be forked, else here. The
    scrubber is pure, so the results are the same either way; the workers are forked after the
    word lists are loaded here, so they do not load them again.

    `meanwhile` is called once, and what it returns is returned beside the results: before the
    scrubbing when it is done here (a thread it starts runs on another core meanwhile), after
    it when the workers do it (they use every core, and a fork copies no thread)."""
    if len(pairs) < PARALLEL_FROM or not _can_fork():
        started = meanwhile()
        return [_scrub_or_none(text, language) for text, language in pairs], started
    for language in {language for _, language in pairs}:
        redact("call Mary", language)  # load the word lists before forking: shared, not redone
    chunks = [list(pairs[i:i + _CHUNK]) for i in range(0, len(pairs), _CHUNK)]
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        # imap keeps the chunks in order, so result i is always for pair i.
        results = [result for chunk in pool.imap(_scrub_chunk, chunks) for result in chunk]
    return results, meanwhile()


# How many characters of answers SpanScrubs keeps the results for (with the results, about
# twice as many bytes): far more than a first sync of 100,000 answers needs, and a bounded
# share of a small device's memory however long the answers.
MEMO_CHARS = 20_000_000


class SpanScrubs:
    """The scrubber's second pass for the copies of one sync's spans, as SQL functions: each
    distinct (text, language) is scrubbed once however often the copies' statements ask (an LRU
    cache smaller than the distinct answers scrubbed most of them twice), and `prepare` scrubs a
    span's beforehand on every core. Lives as long as one sync."""

    def __init__(self, limit: int = MEMO_CHARS) -> None:
        self.done: dict[tuple[str, str], tuple[str, bool]] = {}
        self.limit, self.chars = limit, 0
        # The kiosk rowid up to which answers were read ahead of their span (see span.py).
        self.ahead_to = 0
        # The kiosk rowid past which no answer needed scrubbing when the sync began, if so.
        self.clear_after: int | None = None
        self._loading: threading.Thread | None = None

    def load(self) -> None:
        """Start loading the scrubber's name lists on a thread of its own (a fifth of a second),
        while the participants are copied: scrubbing then waits for it, rather than for loading
        them itself."""
        if self._loading is None:
            self._loading = threading.Thread(target=name_lists, daemon=True)
            self._loading.start()

    def _loaded(self) -> None:
        # Joined before any scrubbing here: two threads would load the same lists, and worker
        # processes are forked only once no other thread runs.
        if self._loading is not None:
            self._loading.join()

    def prepare(self, pairs: Iterable[tuple[str, str]],
                meanwhile: Callable[[], T]) -> T:
        """Scrub these (text, language) pairs ahead of the copy; returns what `meanwhile`
        returned (see scrub_many)."""
        self._loaded()
        todo = list(dict.fromkeys(p for p in pairs if p not in self.done))
        if not todo:
            return meanwhile()
        results, started = scrub_many(todo, meanwhile)
        for pair, found in zip(todo, results, strict=True):
            if found is not None:
                self._keep(pair, found)
        return started

    def scrub(self, text: str, language: str) -> tuple[str, bool]:
        """As the module's scrub(), from the results already found."""
        found = self.done.get((text, language))
        if found is None:
            self._loaded()
            found = _scrub_once(text, language)
            self._keep((text, language), found)
        return found

    def _keep(self, pair: tuple[str, str], found: tuple[str, bool]) -> None:
        if self.chars + len(pair[0]) > self.limit:
            # Start again rather than hold more: what is dropped is only scrubbed again.
            self.done.clear()
            self.chars = 0
        self.done[pair] = found
        self.chars += len(pair[0])

    def text(self, text: str, language: str) -> str:
        """SQL function kiosk_scrub_text (see scrubbed_text)."""
        return self.scrub(text, language)[0]

    def value(self, value: str | None, language: str) -> str | None:
        """SQL function kiosk_scrub_value (see scrubbed_value)."""
        if value is None:
            return None
        return json.dumps(self.scrub(json.loads(value), language)[0], ensure_ascii=False)

    def changed(self, text: str, value: str | None, language: str) -> bool:
        """SQL function kiosk_scrub_changed (see scrub_changed)."""
        if self.scrub(text, language)[1]:
            return True
        if value is None or plain_value(text, value):
            return False  # the value's words are the text's, found unchanged
        return self.scrub(json.loads(value), language)[1]


def _seconds(name: str, default: float) -> float:
    """A time limit from the environment (seconds), else `default`."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


# How long the second pass may spend on one answer. The scrubber is pure Python: a shape of
# text it handles badly must not hold up the batches of every other kiosk waiting on the same
# shared store, so a row that takes longer is refused as too slow to check and kept back on its
# kiosk. No 10,000-character answer found takes over 0.15 s here (the worst, an address pattern
# that rescanned long runs, took 1.8 s and is fixed); a Raspberry Pi is several times slower,
# hence 2 s. KIOSK_SCRUB_BUDGET sets another limit, in seconds.
SCRUB_BUDGET = _seconds("KIOSK_SCRUB_BUDGET", 2.0)
TOO_SLOW = "too slow to check for personal details (over {budget} s)"
# How long the second pass may spend on one batch in all: a batch of many slow rows, each
# within its own budget, would otherwise still hold the shared store for minutes. The rows not
# reached are neither taken nor refused but left for the sender's next pass (LATER).
BATCH_SCRUB_BUDGET = 5.0
LATER = "later"


class _TooSlow(BaseException):
    """Raised inside the scrubbing thread by the watchdog. A BaseException, so that no
    `except Exception` on the way can swallow it."""


class _Watchdog(threading.Thread):
    """Interrupts the scrubbing thread when one row runs over its budget. Zero cost to the rows
    within budget: no tracing, the watchdog only looks at the clock a few times a budget."""

    def __init__(self, target: int, budget: float):
        super().__init__(daemon=True)
        self.target, self.budget = target, budget
        self.lock = threading.Lock()
        self.row: int | None = None  # the row being scrubbed, and since when
        self.started = 0.0
        self.fired: int | None = None  # the row the watchdog interrupted
        self.done = threading.Event()

    def begin(self, row: int) -> None:
        with self.lock:
            self.row, self.started = row, time.monotonic()

    def end(self) -> None:
        with self.lock:
            self.row = None

    def run(self) -> None:
        while not self.done.wait(self.budget / 5):
            with self.lock:
                if self.row is not None and time.monotonic() - self.started > self.budget:
                    self.fired, self.row = self.row, None
                    # Delivered between two bytecodes of the scrubbing thread: the scrubber
                    # is pure Python, so it is never stuck where this cannot reach.
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(self.target), ctypes.py_object(_TooSlow))

    def stop(self) -> None:
        self.done.set()
        self.join()


def scrub_row(text: str, value: str | None, language: str) -> tuple[str, str | None, bool]:
    """An open answer's text and value (JSON text), scrubbed, and whether anything was taken
    out of either."""
    scrubbed, changed = scrub(text, language)
    if value is not None:
        said = json.loads(value)
        again, value_changed = (scrubbed, changed) if said == text else scrub(said, language)
        changed = changed or value_changed
        value = json.dumps(again, ensure_ascii=False)
    return scrubbed, value, changed


def scrub_within(rows: Sequence[tuple[str, str | None, str]], budget: float = SCRUB_BUDGET,
                 total: float = BATCH_SCRUB_BUDGET
                 ) -> list[tuple[str, str | None, bool] | str | None]:
    """scrub_row for each (text, value, language), each within `budget` seconds: None for a
    row that took longer (it is refused, never let through unscrubbed), and LATER for each row
    not reached once `total` seconds are spent."""
    results: list[tuple[str, str | None, bool] | str | None] = [None] * len(rows)
    if not rows:
        return results
    # The scrubber's word lists load on its first use in a process (about a second): outside
    # any row's limit, or a hub's first answer of each language would be refused as too slow.
    for language in {language for _, _, language in rows}:
        scrub_row("call Mary", None, language)
    watchdog = _Watchdog(threading.get_ident(), budget)
    watchdog.start()
    ends = time.monotonic() + total
    i = 0
    while True:
        # The interruption may land anywhere in this block (even just after the row it was
        # meant for, or in stop()); the watchdog says which row it was meant for.
        try:
            while i < len(rows):
                if time.monotonic() > ends:
                    results[i:] = [LATER] * (len(rows) - i)
                    i = len(rows)
                    break
                watchdog.begin(i)
                results[i] = scrub_row(*rows[i])
                watchdog.end()
                i += 1
            watchdog.stop()  # after this, no interruption can come
            return results
        except _TooSlow:
            late = watchdog.fired
            assert late is not None
            watchdog.fired = None
            results[late] = None
            i = max(i, late + 1)
