"""The second pass of the personal-details scrubber over incoming answers, for Python and, as
SQL functions, for the span copy."""

from __future__ import annotations

import functools
import json

from kiosk.core.redact import redact


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


def scrub_changed(text: str, value: str | None, language: str) -> bool:
    """SQL function kiosk_scrub_changed: whether scrubbing takes anything out of either."""
    if scrub(text, language)[1]:
        return True
    return value is not None and scrub(json.loads(value), language)[1]
