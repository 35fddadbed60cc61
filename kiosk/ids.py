"""Random ids for records and temporary files: the one source of randomness for ids.

Outside the functional core on purpose: the core is given a `new_id` function (see
kiosk.core.session.Session), so that it stays deterministic and testable.
"""

from __future__ import annotations

import secrets


def new_id() -> str:
    """A random id that links records without identifying a person or a device."""
    return secrets.token_hex(8)


def random_below(n: int) -> int:
    """A random whole number from 0 to n - 1 (for the words of a withdrawal code)."""
    return secrets.randbelow(n)
