"""Where a participant can be on the path, and what can be shown over it.

String enums: a state compares equal to, and prints as, the name it had as a plain string
("welcome", "question"...), so traces, JSON and the tools that read them see the same text.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """A step of the participant's path; each has its own screen and its own press handler."""

    WELCOME = "welcome"
    CONSENT = "consent"
    QUESTION = "question"
    TYPING = "typing"
    LISTENING = "listening"
    CONFIRM = "confirm"
    REVIEW = "review"
    THANKS = "thanks"
    WITHDRAW = "withdraw"
    WITHDRAWN = "withdrawn"


class Overlay(StrEnum):
    """A screen shown over any state, which closes back to it."""

    HELP = "help"
    SETTINGS = "settings"
    IDLE = "idle"
