"""The participant's path: the state machine (machine.py), the screens it shows (views.py) and
its states (states.py). Callers import from here.
"""

from kiosk.core.session.machine import (
    Scrubbed,
    Session,
    Translate,
    first_speeches,
    keep_as_is,
    no_translation,
)
from kiosk.core.session.states import Overlay, State
from kiosk.core.session.views import LANGUAGE_NAMES, Views

__all__ = [
    "LANGUAGE_NAMES",
    "Overlay",
    "Scrubbed",
    "Session",
    "State",
    "Translate",
    "Views",
    "first_speeches",
    "keep_as_is",
    "no_translation",
]
